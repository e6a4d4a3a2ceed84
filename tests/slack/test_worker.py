# ruff: noqa: S603 - the test runs the app's own manage.py
"""With the real worker: a mentor with Slack confirmed gets each kind of message exactly once,
through the fake Slack, while `manage.py db_worker` (a subprocess sharing the test database) is
restarted mid-way, with a rate-limited message waiting for its Retry-After across the restart."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meetings.models import SentReminder

from .conftest import TOKEN, connect
from .notices import MENTOR_KINDS, SAYS, cause

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
GIVE_UP_SECONDS = 90  # only a broken worker waits this long; the test does not time anything


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"  # the test database is a file (config/settings.py)
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, fake, log: Path) -> None:
        self.env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "CONN_MAX_AGE": "0",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_API_URL": fake.url,
            "SITE_URL": "https://mentorprep.example",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        self.log = log.open("ab")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        """As systemd stops it: SIGTERM, and the worker finishes the task in hand first."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def worker(fake_slack, db_tasks, tmp_path):
    worker = Worker(fake_slack, tmp_path / "worker.log")
    yield worker
    worker.stop()
    worker.log.close()


def _wait_for(what: str, done, worker: Worker) -> None:
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not done():
        if time.monotonic() > deadline:
            log = Path(worker.log.name).read_text(errors="replace")[-3000:]
            tasks = [
                (t.task_path, t.status, t.run_after, t.args_kwargs)
                for t in DBTaskResult.objects.order_by("enqueued_at")
            ]
            pytest.fail(f"Gave up waiting for {what}; tasks: {tasks}; worker log:\n{log}")
        time.sleep(0.2)


def _drained() -> bool:
    waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    return not DBTaskResult.objects.filter(status__in=waiting).exists()


def test_each_kind_goes_exactly_once_across_a_worker_restart(world, fake_slack, worker):
    mentor = connect(fake_slack, world.mentor)
    first, second = MENTOR_KINDS[:3], MENTOR_KINDS[3:]
    caused = {}

    def arrived(kinds) -> bool:
        texts = fake_slack.messages(mentor.slack_user_id)
        return all(
            any(SAYS[k] in t and f"/meetings/{caused[k].pk}/" in t for t in texts) for k in kinds
        )

    worker.start()
    caused |= {kind: cause(kind, world.mentorship) for kind in first}
    _wait_for("the first messages", lambda: arrived(first), worker)

    # Slack rate-limits the next call: that message waits for its Retry-After across the restart.
    fake_slack.fail_next(1, status=429, retry_after=2)
    caused |= {kind: cause(kind, world.mentorship) for kind in second}
    _wait_for(
        "the rate-limited call", lambda: any(c.status == 429 for c in fake_slack.calls), worker
    )
    worker.stop()
    worker.start()
    _wait_for("every message", lambda: arrived(MENTOR_KINDS), worker)
    _wait_for("the queue to drain", _drained, worker)
    worker.stop()

    texts = fake_slack.messages(mentor.slack_user_id)
    for kind, meeting in caused.items():
        found = [t for t in texts if SAYS[kind] in t and f"/meetings/{meeting.pk}/" in t]
        assert len(found) == 1, (kind, texts)
    assert len(texts) == len(MENTOR_KINDS)
    assert [c.status for c in fake_slack.calls].count(429) == 1
    claims = SentReminder.objects.filter(recipient=world.mentor, channel="slack")
    assert sorted(claims.values_list("kind", flat=True)) == sorted(MENTOR_KINDS)
    # The rate-limited message was queued again for when Slack said, and run no earlier.
    (limited,) = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert "SendFailure" in limited.exception_class_path
    (retried,) = [r for r in DBTaskResult.objects.all() if r.args_kwargs["kwargs"].get("attempt")]
    assert retried.status == TaskResultStatus.SUCCESSFUL
    assert (retried.run_after - limited.finished_at).total_seconds() >= 1.9
    assert retried.started_at >= retried.run_after
