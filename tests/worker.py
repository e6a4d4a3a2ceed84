"""Run the task worker in a test: what `manage.py db_worker` does, once over the due tasks."""

import signal

from django.core.management import call_command


def run_worker() -> None:
    """What `manage.py db_worker` does, once over the tasks that are due, then stop."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in handlers.items():  # the worker installs its own
            signal.signal(number, handler)
