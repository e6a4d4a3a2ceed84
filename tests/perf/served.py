# ruff: noqa: S603, S607 - a developer's tool that runs gunicorn and wrk
"""Throughput of the main pages as served: gunicorn, PostgreSQL, bulk data, wrk.

    DATABASE_URL=postgres://… python -m tests.perf.served [--duration 10] [--runs 2]
                                                          [--connections 20]  (make bench-served)

Serves the app with gunicorn (2 sync workers, DEBUG off) on PostgreSQL with the "bulk" program of
tests.perf.seed_bulk (1,000 scholars × 100 meetings; seeded when missing) and, beside it in the
same run, the bare Django application of tests.perf.bare, served the same way. wrk drives each
page for --duration seconds at --connections connections, signed in as the role that reads the
page (a session cookie made here, as a login would). The runs are interleaved: each run drives
the bare application, every page, and the bare application again; a page's share is its req/s
÷ the mean of that run's two bare figures. The table: req/s per run, the mean share, the
target share and pass/fail. Every page is checked to answer 200 (not a login redirect) first,
and a run in which wrk saw any non-2xx answer or socket error fails.

Needs wrk (Debian package `wrk`; `make bench-served` installs it) and PostgreSQL.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tests.load.run import create_database, free_port, server_env, stop

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mentorprep_served"
BARE = "bare Django view"
# The least share of the bare view's req/s each page must keep.
TARGETS = {
    "settings": 0.05,
    "mentor home": 0.025,
    "brief": 0.025,
    "history": 0.025,
    "history search": 0.025,
    "cadence first page (1,000 pairs)": 0.01,
    "growth": 0.01,
    "report": 0.01,
    "meeting-mode poll": None,  # measured and shown, no target set
}


class ServedError(Exception):
    pass


@dataclass
class Page:
    name: str
    path: str
    cookie: str = ""  # the session cookie's value; none for the bare view
    htmx: bool = False
    rps: list[float] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def headers(self) -> dict[str, str]:
        headers = {"Cookie": f"sessionid={self.cookie}"} if self.cookie else {}
        if self.htmx:
            headers["HX-Request"] = "true"
        return headers


def _session_for(user) -> str:
    """A signed-in session for `user`, stored as a login stores it; its key is the cookie."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare(say) -> list[Page]:
    """Migrated database, static files, the bulk program; the pages and their readers."""
    from tests.perf import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Program, User
    from meetings.meeting_mode import live
    from meetings.models import Agenda, Meeting
    from tests.perf import seed_bulk

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    if not seed_bulk.exists():
        scholars, meetings = seed_bulk.SIZES[seed_bulk.SLUG]
        say(f"Seeding the bulk program: {scholars} scholars × {meetings} meetings…")
        seed_bulk.build(scholars, meetings, say=say)
    program = Program.objects.get(slug=seed_bulk.SLUG)
    users = {u.username: u for u in User.objects.filter(username__startswith=seed_bulk.PREFIX)}
    scholar = users[f"{seed_bulk.PREFIX}scholar-1"]
    mentor = users[f"{seed_bulk.PREFIX}mentor-1"]
    staff = users[f"{seed_bulk.PREFIX}staff"]
    pair = Meeting.objects.filter(mentorship__scholar=scholar, mentorship__mentor=mentor)
    held = (
        pair.filter(status=Meeting.Status.HELD, agenda__status=Agenda.Status.SUBMITTED)
        .order_by("-scheduled_at")
        .first()
    )
    upcoming = (
        pair.filter(status=Meeting.Status.PLANNED, scheduled_at__gt=timezone.now())
        .order_by("scheduled_at")
        .first()
    )
    if held is None or upcoming is None:
        raise ServedError("The bulk pair has no held brief or no upcoming meeting: --reseed.")
    state = live.session(upcoming)  # the poll then answers "nothing new", as it mostly does
    cookies = {u.pk: _session_for(u) for u in (scholar, mentor, staff)}
    connection.close()
    readers = {
        "settings": scholar,
        "mentor home": mentor,
        "brief": mentor,
        "history": scholar,
        "history search": scholar,
        "cadence first page (1,000 pairs)": staff,
        "growth": scholar,
        "report": scholar,
        "meeting-mode poll": mentor,
    }
    paths = {
        "settings": reverse("settings"),
        "mentor home": reverse("home"),
        "brief": reverse("brief", args=[held.pk]),
        "history": reverse("history", args=[scholar.pk]),
        "history search": reverse("history_search", args=[scholar.pk]) + "?q=bottleneck",
        "cadence first page (1,000 pairs)": reverse("cadence", args=[program.slug]),
        "growth": reverse("growth", args=[scholar.pk]),
        "report": reverse("report", args=[scholar.pk]),
        "meeting-mode poll": reverse("live_poll", args=[upcoming.pk])
        + f"?since={state.seq}&v={state.version}",
    }
    return [
        Page(name, paths[name], cookies[readers[name].pk], htmx=name == "meeting-mode poll")
        for name in TARGETS
    ]


def start_gunicorn(app: str, port: int, env: dict, log) -> subprocess.Popen:
    """2 sync workers: one request at a time each, as many as the machine has cores."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            app,
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--worker-class=sync",
            "--timeout=60",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServedError(f"gunicorn {app} exited at start; see {log.name}.")
        try:
            _get(port, Page("probe", "/"))
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise ServedError(f"gunicorn {app} did not start within 30 s.")


def _get(port: int, page: Page) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", page.path, headers=page.headers())
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def check(port: int, page: Page) -> None:
    status, where = _get(port, page)
    if status != 200:
        raise ServedError(f"{page.name} ({page.path}) answered {status} {where}".strip())


def drain(port: int, path: str) -> None:
    """Wait until the server has answered what wrk left queued when it stopped: sync workers take
    connections in turn, so one more request answers only after those. Otherwise a slow page's
    leftovers would be counted against the next page."""
    _get(port, Page("drain", path))


def wrk(port: int, page: Page, duration: float, connections: int) -> float:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration:g}s"]
    command += ["--timeout", "30s"]
    for name, value in page.headers().items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{page.path}"], capture_output=True, text=True
    )
    drain(port, page.path if not page.cookie else "/health/")
    if done.returncode:
        raise ServedError(f"wrk failed on {page.name}: {done.stderr.strip()}")
    out = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise ServedError(f"wrk printed no rate for {page.name}:\n{out}")
    if re.search(r"^\s*0 requests in", out, re.MULTILINE):
        page.problems.append("no request finished in time: a longer --duration")
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        page.problems.append(f"{bad.group(1)} non-2xx answers")
    if errors := re.search(r"Socket errors: (.*)", out):
        # "connect 0, read 12, …": sync workers close each connection, wrk counts the reads
        # that found them closed; only timeouts and connect errors are failures.
        counts = dict(re.findall(r"(\w+) (\d+)", errors.group(1)))
        if int(counts.get("connect", 0)) or int(counts.get("timeout", 0)):
            page.problems.append(f"socket errors: {errors.group(1)}")
    return float(rate.group(1))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(duration: float, runs: int, connections: int, url: str, say=print) -> list[Page]:
    if shutil.which("wrk") is None:
        raise ServedError("wrk is missing: `apt-get install wrk` (make bench-served does).")
    create_database(url)
    env = server_env(url)
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ.update(env)  # this process's Django: the same database and SECRET_KEY (sessions)
    pages = prepare(say)
    bare = Page(BARE, "/")
    child_env = {**os.environ, **env}
    out = Path(f"/tmp/mentorprep-served-{time.strftime('%Y%m%d-%H%M%S')}")
    out.mkdir(parents=True, exist_ok=True)
    app_port, bare_port = free_port(), free_port()
    with open(out / "app.log", "w") as app_log, open(out / "bare.log", "w") as bare_log:
        servers = [
            start_gunicorn("config.wsgi", app_port, child_env, app_log),
            start_gunicorn("tests.perf.bare:application", bare_port, child_env, bare_log),
        ]
        try:
            check(bare_port, bare)
            for page in pages:
                check(app_port, page)
            say(
                f"gunicorn 2 sync workers each; wrk {connections} connections, {duration:g} s "
                f"per page; {runs} runs; load average at start {load_average()}"
            )
            for n in range(1, runs + 1):
                floor = [wrk(bare_port, bare, duration, connections)]
                for page in pages:
                    page.rps.append(wrk(app_port, page, duration, connections))
                floor.append(wrk(bare_port, bare, duration, connections))
                bare.rps.append(statistics.mean(floor))
                for page in pages:
                    page.shares.append(page.rps[-1] / bare.rps[-1])
                say(f"  run {n} done; load average {load_average()}")
        finally:
            stop(servers)
    report(bare, pages, say)
    return [bare, *pages]


def passed(page: Page) -> bool | None:
    target = TARGETS.get(page.name)
    if page.problems:
        return False
    if target is None:
        return None
    return statistics.mean(page.shares) >= target


def report(bare: Page, pages: list[Page], say) -> None:
    runs = len(bare.rps)
    header = (
        f"{'page':<34} {'req/s (' + ', '.join(f'run {n + 1}' for n in range(runs)) + ')':>22} "
        f"{'share of bare':>14} {'target':>7}  result"
    )
    say("\n" + header)
    say("-" * len(header))
    say(f"{bare.name:<34} {', '.join(f'{r:.0f}' for r in bare.rps):>22} {'1':>14} {'':>7}")
    for page in pages:
        target = TARGETS.get(page.name)
        verdict = {True: "pass", False: "FAIL", None: "—"}[passed(page)]
        say(
            f"{page.name:<34} {', '.join(f'{r:.1f}' for r in page.rps):>22} "
            f"{statistics.mean(page.shares):>14.4f} "
            f"{'' if target is None else f'≥{target:g}':>7}  {verdict}"
            + (f" ({'; '.join(page.problems)})" if page.problems else "")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.served",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of wrk per page")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_URL,
        help=f"PostgreSQL; default: DATABASE_URL, else {DEFAULT_URL} (created if missing)",
    )
    opts = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    if urlparse(opts.database_url).scheme not in {"postgres", "postgresql"}:
        parser.error("served pages are measured on PostgreSQL: --database-url postgres://…")
    try:
        pages = run(opts.duration, opts.runs, opts.connections, opts.database_url)
    except ServedError as error:
        print(error, file=sys.stderr)
        return 2
    return 1 if any(passed(p) is False for p in pages[1:]) else 0


if __name__ == "__main__":
    sys.exit(main())
