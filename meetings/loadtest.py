"""The load test behind `manage.py loadtest` (issue 6): data, clients, figures.

Loopback HTTP clients (standard library only) log in like a browser and then loop through what
their role does, recording every request. Scholars autosave their draft agenda through the real
autosave endpoint (`agenda_autosave`, exactly what static/js/agenda.js posts: every agenda field,
the version the page holds, htmx's headers) and add questions; a 409 (saved meanwhile elsewhere)
is a conflict, not an error: the scholar re-reads the saved version and goes on. Mentors read
briefs, comment and open histories; staff open the cadence page. Every acknowledged write is
remembered, so the end of a run can check that each one is in the database.

Data: either this module's own small program (`seed`, slug "loadtest") or the bulk program of
`manage.py seed_bulk` (slug "bulk"), topped up by `top_up_bulk` with one submitted upcoming
brief per loaded scholar for the mentors to read and annotate.
"""

from __future__ import annotations

import http.client
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Mentorship, Program, User

from .models import Agenda, Annotation, Meeting, Question

PROGRAM_SLUG = "loadtest"
PASSWORD = "demo"


# --- Data ------------------------------------------------------------------------------------


@transaction.atomic
def seed(scholars: int, mentors: int, held: int = 3) -> None:
    """A modest program of its own (slug "loadtest", users load-*), replaced on every run.

    Each scholar has `held` held meetings with submitted agendas, questions and comments, one
    planned meeting with a submitted brief (mentors read and comment on it) and one planned
    meeting with a draft agenda (the scholar autosaves it).
    """
    Program.objects.filter(slug=PROGRAM_SLUG).delete()
    User.objects.filter(username__startswith="load-").delete()
    password = make_password(PASSWORD)  # one hash for everyone: seeding stays fast
    staff = User.objects.create(username="load-staff", display_name="Load Staff", password=password)
    program = Program.objects.create(name="Load test", slug=PROGRAM_SLUG)
    program.staff.add(staff)
    mentor_users = User.objects.bulk_create(
        User(username=f"load-mentor-{i}", display_name=f"Mentor {i}", password=password)
        for i in range(mentors)
    )
    scholar_users = User.objects.bulk_create(
        User(username=f"load-scholar-{i}", display_name=f"Scholar {i}", password=password)
        for i in range(scholars)
    )
    now = timezone.now()
    for i, scholar in enumerate(scholar_users):
        mentorship = Mentorship.objects.create(
            program=program, scholar=scholar, mentor=mentor_users[i % mentors], cadence_days=7
        )
        for k in range(held, 0, -1):
            when = now - timedelta(days=7 * k)
            meeting = Meeting.objects.create(
                mentorship=mentorship, scheduled_at=when, status="held", held_at=when
            )
            agenda = Agenda.objects.create(
                meeting=meeting,
                status="submitted",
                submitted_at=when - timedelta(days=2),
                bottleneck=f"Week {k}: the loss diverges after 2k steps",
                tried="Lowered the learning rate; asked a labmate.",
                progress="- Baseline done\n- Ablation half done",
                reading="Adam paper; a blog post on warm-up.",
                asks="A decision on the next experiment.",
            )
            Question.objects.bulk_create(
                Question(
                    agenda=agenda, text=f"Question {r} of week {k}?", rank=r, status="resolved"
                )
                for r in range(1, 4)
            )
            Annotation.objects.create(
                agenda=agenda, author=mentorship.mentor, section="bottleneck", body="Start here."
            )
        _submitted_brief(mentorship, now)
        draft = Meeting.objects.create(mentorship=mentorship, scheduled_at=now + timedelta(days=9))
        Agenda.objects.create(meeting=draft, bottleneck="Draft in progress")


def _submitted_brief(mentorship: Mentorship, now) -> None:
    """An upcoming meeting whose brief the scholar submitted: what the mentors load reads."""
    brief = Meeting.objects.create(mentorship=mentorship, scheduled_at=now + timedelta(days=2))
    agenda = Agenda.objects.create(
        meeting=brief,
        status="submitted",
        submitted_at=now,
        bottleneck="Stuck on evaluation noise",
        tried="Ran three seeds.",
    )
    Question.objects.create(agenda=agenda, text="Is three seeds enough?", rank=1)


BULK_SLUG = "bulk"  # seed_bulk's contract: program "bulk", bulk-staff, bulk-scholar-<i> from 1


def bulk_scholar_names(count: int) -> list[str]:
    return [f"bulk-scholar-{i}" for i in range(1, count + 1)]


@transaction.atomic
def top_up_bulk(scholars: int) -> None:
    """Give the first `scholars` bulk scholars what the load needs beside seed_bulk's data: an
    upcoming meeting with a submitted brief (for their mentor) next to their draft (idempotent)."""
    now = timezone.now()
    mentorships = Mentorship.objects.filter(
        program__slug=BULK_SLUG, scholar__username__in=bulk_scholar_names(scholars)
    )
    for m in mentorships:
        if Agenda.objects.filter(
            meeting__mentorship=m, status="submitted", meeting__status="planned"
        ).exists():
            continue
        _submitted_brief(m, now)


@dataclass
class Targets:
    """What each client works on, read from the database after seeding."""

    scholars: list[dict]  # username, draft meeting, version, questions
    mentors: list[dict]  # username, [(brief meeting, scholar id)]
    staff: str
    program: str = PROGRAM_SLUG

    @classmethod
    def load_bulk(cls, scholars: int) -> Targets:
        return cls.load(BULK_SLUG, "bulk-staff", bulk_scholar_names(scholars))

    @classmethod
    def load(
        cls, slug: str = PROGRAM_SLUG, staff: str = "load-staff", only: list[str] | None = None
    ) -> Targets:
        scholars = []
        mentorships = Mentorship.objects.filter(program__slug=slug).select_related("scholar")
        if only is not None:
            mentorships = mentorships.filter(scholar__username__in=only)
        for m in mentorships:
            draft = (
                Agenda.objects.filter(
                    meeting__mentorship=m, status="draft", meeting__status="planned"
                )
                .order_by("meeting__scheduled_at")
                .first()
            )
            if draft is None:
                continue
            scholars.append(
                {
                    "username": m.scholar.username,
                    "meeting": draft.meeting_id,
                    "version": draft.version,
                    "questions": draft.questions.count(),
                }
            )
        mentors: dict[str, list] = {}
        briefs = Meeting.objects.filter(
            mentorship__program__slug=slug, agenda__status="submitted", status="planned"
        )
        if only is not None:
            briefs = briefs.filter(mentorship__scholar__username__in=only)
        for meeting in briefs.select_related("mentorship__mentor"):
            mentors.setdefault(meeting.mentorship.mentor.username, []).append(
                (meeting.pk, meeting.mentorship.scholar_id)
            )
        return cls(
            scholars=sorted(scholars, key=lambda s: s["username"]),
            mentors=[{"username": u, "briefs": b} for u, b in sorted(mentors.items())],
            staff=staff,
            program=slug,
        )


# --- Clients ---------------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    status: int  # 0: no answer (connection refused, reset, timeout)
    started: float
    seconds: float


@dataclass
class Acks:
    """Writes the server acknowledged, per target, to check against the database at the end."""

    saves: int = 0
    conflicts: int = 0  # 409: saved meanwhile elsewhere (or a save whose answer was lost)
    last_saved: str | None = None
    later_attempts: list[str] = field(default_factory=list)  # unacknowledged, after last_saved
    questions: int = 0
    question_attempts: int = 0
    comments: dict[int, int] = field(default_factory=dict)
    comment_attempts: int = 0


class Browser:
    """One logged-in user over one keep-alive connection: cookies, CSRF, timing."""

    def __init__(self, port: int, records: list[Record], lock: threading.Lock) -> None:
        self.port, self.records, self.lock = port, records, lock
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        data: dict | None = None,
        extra_headers: dict | None = None,
    ):
        body = urlencode(data) if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers |= extra_headers or {}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.monotonic()
        status, text = 0, ""
        # Like a browser: a kept-alive connection the server closed meanwhile is retried once on
        # a fresh one; a failure on a fresh connection is a failure.
        for _attempt in range(2):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", errors="replace")
                status = response.status
            except (OSError, http.client.HTTPException):
                self.close()
                if reused:
                    continue
                break
            for header in response.msg.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            break
        elapsed = time.monotonic() - started
        with self.lock:
            self.records.append(Record(kind, status, started, elapsed))
        return status, text

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def login(self, username: str) -> bool:
        self.request("login-page", "GET", "/accounts/login/")
        status, _ = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        return status == 302 and "sessionid" in self.cookies


VERSION = re.compile(r'name="version" value="(\d+)"')
CONFLICT_VERSION = re.compile(r'data-version="(\d+)"')
AGENDA_FIELDS = ["bottleneck", "tried", "progress", "reading", "asks"]


def autosave_post(target: dict, version: int, text: str) -> dict:
    """What static/js/agenda.js posts on autosave: every field of the agenda form."""
    return {name: f"{name}: {text}" for name in AGENDA_FIELDS} | {
        "wellbeing_energy": "",  # "Skip"
        "wellbeing_note": "",
        "wellbeing_visibility": "only_me",
        "version": version,
    }


def htmx_headers(meeting: int, port: int) -> dict:
    return {
        "HX-Request": "true",
        "HX-Trigger": "agenda-form",
        "HX-Target": "autosave-status",
        "HX-Current-URL": f"http://127.0.0.1:{port}/meetings/{meeting}/agenda/",
    }


def read_version(b: Browser, meeting: int) -> int | None:
    """Open the agenda page (or reload it, like "Load the saved version") for its version."""
    status, html = b.request("agenda page", "GET", f"/meetings/{meeting}/agenda/")
    m = VERSION.search(html) if status == 200 else None
    return int(m.group(1)) if m else None


def scholar_loop(b: Browser, target: dict, acks: Acks, stop: float, rng: random.Random) -> None:
    meeting, n = target["meeting"], 0
    version = target["version"]
    headers = htmx_headers(meeting, b.port)
    while time.monotonic() < stop:
        n += 1
        if n % 8 == 1 or version is None:  # the page is opened (or reloaded) now and then
            fresh = read_version(b, meeting)
            version = fresh if fresh is not None else version
            if version is None:
                time.sleep(rng.uniform(0.05, 0.25))
                continue
        text = f"{target['username']} autosave {n} {rng.random():.6f}"
        data = autosave_post(target, version, text)
        status, answer = b.request(
            "autosave", "POST", f"/meetings/{meeting}/agenda/autosave/", data, headers
        )
        if status == 200:
            acks.saves += 1
            acks.last_saved, acks.later_attempts = data["progress"], []
            m = VERSION.search(answer)
            version = int(m.group(1)) if m else None
        else:
            # Not acknowledged; it may still have been written (e.g. the answer was lost).
            acks.later_attempts.append(data["progress"])
            if status == 409:
                # Saved meanwhile (typically: an earlier save whose answer never arrived):
                # the scholar loads the saved version and carries on from there.
                acks.conflicts += 1
                version = read_version(b, meeting)
                if version is None and (m := CONFLICT_VERSION.search(answer)):
                    version = int(m.group(1))
        if n % 10 == 5:
            acks.question_attempts += 1
            q = {"text": f"Question {n} from {target['username']}?"}
            status, _ = b.request("add question", "POST", f"/meetings/{meeting}/questions/", q)
            if status == 302:
                acks.questions += 1
        time.sleep(rng.uniform(0.05, 0.25))  # typing between autosaves


def mentor_loop(b: Browser, target: dict, acks: Acks, stop: float, rng: random.Random) -> None:
    n = 0
    while time.monotonic() < stop:
        n += 1
        meeting, scholar_id = rng.choice(target["briefs"])
        b.request("brief", "GET", f"/meetings/{meeting}/brief/")
        if n % 3 == 0:
            acks.comment_attempts += 1
            body = {"body": f"Comment {n} by {target['username']}", "section": "general"}
            status, _ = b.request("comment", "POST", f"/meetings/{meeting}/annotations/", body)
            if status == 302:
                acks.comments[meeting] = acks.comments.get(meeting, 0) + 1
        if n % 4 == 0:
            b.request("history", "GET", f"/scholars/{scholar_id}/history/")
        time.sleep(rng.uniform(0.1, 0.4))  # reading


def staff_loop(b: Browser, target: dict, acks: Acks, stop: float, rng: random.Random) -> None:
    while time.monotonic() < stop:
        b.request("cadence", "GET", f"/programs/{target.get('program', PROGRAM_SLUG)}/cadence/")
        time.sleep(rng.uniform(0.2, 0.6))


def cheap_loop(path: str):
    def loop(b: Browser, target: dict, acks: Acks, stop: float, rng: random.Random) -> None:
        while time.monotonic() < stop:
            b.request("cheapest page", "GET", path)

    return loop


# --- Figures ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


@dataclass
class Summary:
    name: str
    requests: int
    ok: int
    per_second: float
    p50_ms: float
    p95_ms: float
    server_errors: int
    no_answer: int
    other: dict[int, int]
    conflicts: int = 0  # 409 on autosave: a conflict the client resolves, not an error

    @classmethod
    def of(cls, name: str, records: list[Record], seconds: float) -> Summary:
        latencies = [r.seconds * 1000 for r in records]
        ok = [r for r in records if 200 <= r.status < 400]
        other: dict[int, int] = {}
        for r in records:
            if r.status >= 400 and r.status < 500:
                other[r.status] = other.get(r.status, 0) + 1
        return cls(
            name=name,
            requests=len(records),
            ok=len(ok),
            per_second=len(ok) / seconds if seconds else 0.0,
            p50_ms=percentile(latencies, 50),
            p95_ms=percentile(latencies, 95),
            server_errors=sum(1 for r in records if r.status >= 500),
            no_answer=sum(1 for r in records if r.status == 0),
            other=other,
            conflicts=sum(1 for r in records if r.status == 409),
        )

    def line(self) -> str:
        extra = ", ".join(
            f"{n}×{code}{' conflict' if code == 409 else ''}"
            for code, n in sorted(self.other.items())
        )
        return (
            f"{self.name:<28} {self.requests:>7} {self.per_second:>8.1f} {self.p50_ms:>8.1f} "
            f"{self.p95_ms:>8.1f} {self.server_errors:>6} {self.no_answer:>6}"
            + (f"  ({extra})" if extra else "")
        )


HEADER = (
    f"{'phase':<28} {'requests':>7} {'ok req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
    f"{'5xx':>6} {'no ans':>6}"
)
