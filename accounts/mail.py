"""Mail is sent by django-tasks tasks (the `db_worker` process outside the tests); a task whose
send failed queues itself again with back-off through `retry_later`."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks.base import Task

log = logging.getLogger(__name__)

# A failed send is tried again after 1, 2, 4 … 64 minutes: about two hours in all, long enough
# for a mail server to come back, short enough that a brief's mail still arrives before the
# meeting. Then it is given up (and logged as an error).
MAX_ATTEMPTS = 8


def retry_later(task: Task, attempt: int, *args, after: timedelta | None = None) -> None:
    """Queue `task(*args, attempt=attempt + 1)` after the back-off for this attempt, or `after`
    when the other side said how long to wait (Slack's Retry-After)."""
    if attempt >= MAX_ATTEMPTS:
        log.error("Gave up %s%r after %d attempts", task.name, args, attempt)
        return
    if not task.get_backend().supports_defer:
        # A backend that cannot run a task later (the immediate one in the tests) gets no
        # retry; the caller's own rules decide what happens next.
        return
    run_after = timezone.now() + (after or timedelta(minutes=2 ** (attempt - 1)))
    task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
