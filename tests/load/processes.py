# ruff: noqa: S603 - a developer's tool that runs the app's own manage.py
"""The load test's other processes and checks: mail workers, a mail sink, meeting-mode sync.

- `Workers`: N `manage.py db_worker`s, each started again when it exits (as a supervisor such as
  systemd would, e.g. when the database restart takes its connection away).
- `MailSink`: a local SMTP server (aiosmtpd) the workers send to; every mail is counted, so the
  runner can compare the mails that arrived with the notices the app claimed (SentReminder: one
  row per notice sent, whichever worker sent it): more mails than claims means a mail went twice.
- `LiveSync`: a mentor on one instance adds an answer in meeting mode while the scholar polls on
  the other; how long until the scholar sees it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYNC_LIMIT_SECONDS = 2.0  # the scholar sees the mentor's answer within this
SYNC_GIVE_UP_SECONDS = 8.0
SYNC_EVERY_SECONDS = 2.0


class Workers:
    def __init__(self, count: int, env: dict, log) -> None:
        self.env, self.log = env, log
        self.restarts = 0
        self._stop = threading.Event()
        self.processes = [self._start(i) for i in range(count)]
        self._watch = threading.Thread(target=self._supervise, daemon=True)
        self._watch.start()

    def _start(self, i: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--worker-id", f"w{i}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _supervise(self) -> None:
        while not self._stop.wait(0.5):
            for i, process in enumerate(self.processes):
                if process.poll() is not None and not self._stop.is_set():
                    self.restarts += 1
                    self.processes[i] = self._start(i)

    def stop(self) -> None:
        self._stop.set()
        self._watch.join()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class MailSink:
    """aiosmtpd's handler: keeps every mail's recipients and subject."""

    def __init__(self) -> None:
        self.mails: list[tuple[tuple[str, ...], str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        content = envelope.content.decode("utf-8", "replace")
        subject = re.search(r"^Subject: (.*)$", content, re.MULTILINE)
        with self._lock:
            self.mails.append(
                (tuple(envelope.rcpt_tos), subject.group(1).strip() if subject else "")
            )
        return "250 Message accepted"

    def start(self, port: int):
        from aiosmtpd.controller import Controller

        controller = Controller(self, hostname="127.0.0.1", port=port)
        controller.start()
        return controller


def _log_in(session, host: str, username: str, password: str) -> None:
    session.get(f"{host}/accounts/login/", timeout=30)
    response = session.post(
        f"{host}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not log in on {host} ({response.status_code})")


class LiveSync(threading.Thread):
    """Every few seconds: the mentor adds an answer on instance A, the scholar polls instance B
    until it shows. Each probe: when it started, the delay (None: not seen, or the post failed)."""

    def __init__(self, hosts: list[str], sync: dict, password: str) -> None:
        super().__init__(daemon=True)
        self.hosts, self.sync, self.password = hosts, sync, password
        self.probes: list[dict] = []
        self.error = ""
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=SYNC_GIVE_UP_SECONDS + 5)

    def run(self) -> None:
        import requests

        mentor_host, scholar_host = self.hosts[0], self.hosts[-1]
        mentor, scholar = requests.Session(), requests.Session()
        # Logging in competes with the Locust users' own logins (slow hashing): try until it
        # works or the run ends.
        while True:
            try:
                _log_in(mentor, mentor_host, self.sync["mentor"], self.password)
                _log_in(scholar, scholar_host, self.sync["scholar"], self.password)
                self.error = ""
                break
            except (requests.RequestException, RuntimeError) as error:
                self.error = str(error)
                if self._halt.wait(1):
                    return
        meeting = self.sync["meeting"]
        capture = f"{mentor_host}/meetings/{meeting}/live/capture/"
        poll = f"{scholar_host}/meetings/{meeting}/live/poll/?since=0&v=0"
        while not self._halt.wait(SYNC_EVERY_SECONDS):
            text = f"sync {uuid.uuid4().hex[:12]}"
            start = time.time()
            probe = {"start": start, "delay": None, "status": 0}
            self.probes.append(probe)
            try:
                posted = mentor.post(
                    capture,
                    data={"kind": "answer", "text": text},
                    headers={
                        "HX-Request": "true",
                        "X-CSRFToken": mentor.cookies.get("csrftoken", ""),
                    },
                    timeout=30,
                )
                probe["status"] = posted.status_code
                if not 200 <= posted.status_code < 300:  # 201: the answer was added
                    continue
                while time.time() - start < SYNC_GIVE_UP_SECONDS:
                    seen = scholar.get(poll, headers={"HX-Request": "true"}, timeout=10)
                    if seen.status_code == 200 and text in seen.text:
                        probe["delay"] = time.time() - start
                        break
                    time.sleep(0.1)
            except requests.RequestException as error:
                probe["error"] = str(error)


def sync_summary(probes: list[dict], window: tuple[float, float] | None) -> dict:
    """Probes that did not overlap the outage must all show within SYNC_LIMIT_SECONDS."""

    def overlaps(p: dict) -> bool:
        end = p["start"] + (p["delay"] or SYNC_GIVE_UP_SECONDS)
        return window is not None and p["start"] <= window[1] and end >= window[0]

    outside = [p for p in probes if not overlaps(p)]
    late = [p for p in outside if p["delay"] is None or p["delay"] > SYNC_LIMIT_SECONDS]
    delays = sorted(p["delay"] for p in outside if p["delay"] is not None)
    return {
        "probes": len(probes),
        "outside_outage": len(outside),
        "late_outside": len(late),
        "max_delay": delays[-1] if delays else None,
        # each late one: its capture's status (not 200: the answer was not saved) and delay
        "late": [
            {"status": p["status"], "delay": p["delay"], "error": p.get("error", "")} for p in late
        ],
    }


def wait_for_queue(timeout: float) -> int:
    """Wait until no task is ready or running; the number still waiting at the end."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while True:
        left = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).count()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)
