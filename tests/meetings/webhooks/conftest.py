"""A real webhook receiver (a threaded HTTP server on a free local port) that checks every
message as an integrator would, with the `standardwebhooks` package, not with the sender's code;
and the database task backend with the worker run by hand, as `manage.py db_worker` runs it."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook, WebhookVerificationError

from tests.worker import run_worker


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool
    answered: int

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    port: int = 0
    secrets: dict[str, str] = field(default_factory=dict)  # path -> secret
    fail_first: int = 0  # answer 500 to this many requests
    hang_first: int = 0  # then answer this many only after the sender's timeout
    hang_seconds: float = 1.5
    always_fail: bool = False
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def accepted(self, path: str | None = None) -> list[Received]:
        """The messages this receiver verified and answered 2xx."""
        return [
            r
            for r in self.requests
            if r.verified and 200 <= r.answered < 300 and (path is None or r.path == path)
        ]

    def answer(self, path: str, headers: dict, body: bytes) -> tuple[int, float]:
        secret = self.secrets.get(path)
        try:
            Webhook(secret).verify(body, headers)
            verified = True
        except (WebhookVerificationError, TypeError, ValueError):
            verified = False
        with self.lock:
            if not verified:
                code, delay = 401, 0.0
            elif self.always_fail or self.fail_first > 0:
                self.fail_first = max(0, self.fail_first - 1)
                code, delay = 500, 0.0
            elif self.hang_first > 0:
                self.hang_first -= 1
                code, delay = 200, self.hang_seconds  # too late: the sender gave up
            else:
                code, delay = 204, 0.0
            # A late answer never reaches the sender: it is not an accepted message.
            recorded = code if delay == 0 else 599
            self.requests.append(Received(path, headers, body, verified, recorded))
        return code, delay


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code, delay = receiver.answer(self.path, dict(self.headers.items()), body)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender hung up after its timeout

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def hooks(settings):
    """Webhooks to the local receiver (http, loopback), a short timeout, the database backend:
    messages wait in the queue until `run_worker`."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    settings.SITE_URL = "https://mentorprep.example"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def next_due() -> DBTaskResult | None:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("run_after").first()


def run_until_done(rounds: int = 30, after_each=None) -> None:
    """Run the worker, then travel to each retry's time and run it again, until nothing is
    queued. `after_each` (optional) is called after every round, at that round's time."""
    run_worker()
    if after_each:
        after_each()
    for _ in range(rounds):
        task = next_due()
        if task is None:
            return
        when = task.run_after + timedelta(seconds=1) if task.run_after else None
        with time_machine.travel(when, tick=False) if when else contextlib.nullcontext():
            run_worker()
            if after_each:
                after_each()
    raise AssertionError("tasks still queued after every round")
