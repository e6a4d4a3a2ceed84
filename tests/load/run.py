# ruff: noqa: S603, S607 - a developer's tool that runs gunicorn, Locust and pg_ctlcluster
"""Load test: two gunicorn instances on one PostgreSQL with bulk data, two mail workers, Locust
users spread over both instances, a database restart, and checks.

    python -m tests.load.run [--duration 60] [--users 50] [--database-url postgres://…]
                             [--instances 2] [--db-workers 2] [--no-restart]
                             [--bulk-scholars 1000 --bulk-meetings 100] [--reseed]

1. Creates the database if missing, migrates, and seeds the bulk program (tests.perf.seed_bulk;
   one already there is reused, --reseed rebuilds it).
2. Gives each loaded scholar a draft upcoming agenda and each of their mentors a submitted
   upcoming brief, and writes the plan file the locustfile reads.
3. Starts --instances gunicorns (DEBUG off, 2 workers × 8 threads each) on free ports, sharing
   the database, --db-workers `manage.py db_worker`s (restarted when one exits) mailing a local
   SMTP sink, and runs Locust headless with its users spread over the instances; a third of the
   way in, restarts PostgreSQL (`--no-restart` skips; the restart needs root). Meanwhile a mentor
   on the first instance adds meeting-mode answers that the scholar polls for on the last one.
4. Checks that every acknowledged write is in the database, that no mail went twice (the mails
   that arrived against the notices the app claimed), that the scholar saw each answer within
   2 s outside the outage, and prints the figures. Exits non-zero on a lost write, a failed
   request outside the restart's outage, a mail sent twice or a late answer outside it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from tests.load import processes
from tests.load.common import LOG_ENV, PLAN_ENV, MentorTarget, Plan, ScholarTarget, read_lines

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mentorprep_loadtest"
SHARES = {"scholar": 6, "mentor": 3, "staff": 1}  # the locustfile's user weights


def create_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def server_env(url: str) -> dict[str, str]:
    """Production-like settings for this process's Django and for gunicorn's workers."""
    return {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no HTTPS redirect, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
    }


def scholars_for(users: int) -> int:
    return max(1, math.ceil(users * SHARES["scholar"] / sum(SHARES.values())))


def prepare(scholars: int, bulk_scholars: int, bulk_meetings: int, reseed: bool) -> Plan:
    """Bulk data (reused when big enough) and one draft and one brief per loaded scholar."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Mentorship
    from meetings.models import Agenda, Meeting, Question
    from tests.perf import seed_bulk

    present = Mentorship.objects.filter(program__slug=seed_bulk.SLUG).count()
    if reseed or present < scholars + 1:  # one more pair for the meeting-mode sync check
        if seed_bulk.exists():
            print("Deleting the bulk program…")
            seed_bulk.delete(say=print)
        wanted = max(bulk_scholars, scholars + 1)
        print(f"Seeding {wanted} scholars × {bulk_meetings} meetings…")
        seed_bulk.build(wanted, bulk_meetings, say=print)
    else:
        meetings = Meeting.objects.filter(mentorship__program__slug=seed_bulk.SLUG).count()
        print(f"Reusing the bulk program: {present} scholars, {meetings} meetings (--reseed).")
    now = timezone.now()
    names = [f"{seed_bulk.PREFIX}scholar-{i}" for i in range(1, scholars + 1)]
    targets, briefs, scholar_briefs = [], {}, {}
    with transaction.atomic():
        pairs = Mentorship.objects.filter(
            program__slug=seed_bulk.SLUG, scholar__username__in=names
        ).select_related("scholar", "mentor")
        for pair in pairs.order_by("scholar_id"):
            upcoming = Agenda.objects.filter(
                meeting__mentorship=pair,
                meeting__status=Meeting.Status.PLANNED,
                meeting__scheduled_at__gt=now,
            ).order_by("meeting__scheduled_at")
            draft = upcoming.filter(status=Agenda.Status.DRAFT).first()
            if draft is None:
                meeting = Meeting.objects.create(
                    mentorship=pair, scheduled_at=now + timedelta(days=9)
                )
                draft = Agenda.objects.create(meeting=meeting, bottleneck="Draft in progress")
            brief = upcoming.filter(status=Agenda.Status.SUBMITTED).first()
            if brief is None:
                meeting = Meeting.objects.create(
                    mentorship=pair, scheduled_at=now + timedelta(days=2)
                )
                brief = Agenda.objects.create(
                    meeting=meeting,
                    status=Agenda.Status.SUBMITTED,
                    submitted_at=now,
                    bottleneck="Stuck on evaluation noise",
                    tried="Ran three seeds.",
                )
                Question.objects.create(agenda=brief, text="Is three seeds enough?", rank=1)
            targets.append(ScholarTarget(pair.scholar.username, draft.meeting_id))
            briefs.setdefault(pair.mentor.username, []).append((brief.meeting_id, pair.scholar_id))
            scholar_briefs[pair.scholar.username] = brief.meeting_id
        # The sync check's pair, none of the Locust users': a fresh meeting each run.
        sync_pair = Mentorship.objects.select_related("scholar", "mentor").get(
            program__slug=seed_bulk.SLUG,
            scholar__username=f"{seed_bulk.PREFIX}scholar-{scholars + 1}",
        )
        sync_meeting = Meeting.objects.create(
            mentorship=sync_pair, scheduled_at=now + timedelta(days=3)
        )
        Agenda.objects.create(meeting=sync_meeting, bottleneck="Sync check")
    return Plan(
        password=seed_bulk.PASSWORD,
        program=seed_bulk.SLUG,
        staff=[f"{seed_bulk.PREFIX}staff"],
        scholars=targets,
        mentors=[MentorTarget(u, b) for u, b in sorted(briefs.items())],
        extra={
            "briefs": scholar_briefs,
            "sync": {
                "scholar": sync_pair.scholar.username,
                "mentor": sync_pair.mentor.username,
                "meeting": sync_meeting.pk,
            },
        },
    )


def stop(servers: list[subprocess.Popen]) -> None:
    """Ask every server to stop, then wait for each, killing one that takes over 20 s."""
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, env: dict, log) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--timeout=60",
            "--keep-alive=10",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited at start; see its log.") from None
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 30 s.")


def pg_cluster() -> tuple[str, str]:
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").iterdir() if p.name.isdigit()), key=int
    )
    if not versions:
        raise SystemExit("No PostgreSQL cluster under /etc/postgresql: pass --no-restart.")
    return versions[-1], "main"


def restart_later(delay: float, cluster: tuple[str, str], timing: dict) -> threading.Thread:
    def restart() -> None:
        time.sleep(delay)
        timing["start"] = time.time()
        done = subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"],
            capture_output=True,
            text=True,
        )
        timing["end"] = time.time()
        if done.returncode:
            timing["error"] = (done.stderr or done.stdout).strip()

    thread = threading.Thread(target=restart, daemon=True)
    thread.start()
    return thread


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def outage_window(requests: list[dict], timing: dict) -> tuple[float, float] | None:
    """From the restart's start until the first request that started after it ended and
    succeeded, ended."""
    if "start" not in timing or "end" not in timing:
        return None
    recovered = min(
        (r["start"] + r["ms"] / 1000 for r in requests if r["ok"] and r["start"] >= timing["end"]),
        default=math.inf,
    )
    return timing["start"], recovered


def summarise(
    requests: list[dict], writes: list[dict], timing: dict, lost: list[str], users: int = 0
) -> dict:
    window = outage_window(requests, timing)

    def in_outage(r: dict) -> bool:
        return (
            window is not None
            and r["start"] + r["ms"] / 1000 >= window[0]
            and (r["start"] <= window[1])
        )

    # Logging in hashes passwords (PBKDF2, deliberately slow): while the users log in the
    # machine does little else. "Steady" figures start once `users` logins have succeeded and
    # leave out logins and the outage.
    logins = sorted(
        r["start"] + r["ms"] / 1000 for r in requests if r["name"] == "login" and r["ok"]
    )
    steady_from = logins[users - 1] if 0 < users <= len(logins) else math.inf
    steady = [
        r
        for r in requests
        if r["start"] >= steady_from and not r["name"].startswith("login") and not in_outage(r)
    ]
    failed = [r for r in requests if not r["ok"]]
    outside = [r for r in failed if not in_outage(r)]
    by_name: dict[str, list[dict]] = {}
    for r in requests:
        by_name.setdefault(r["name"], []).append(r)
    steady_by_name: dict[str, list[dict]] = {}
    for r in steady:
        steady_by_name.setdefault(r["name"], []).append(r)
    end = max((r["start"] + r["ms"] / 1000 for r in requests), default=0.0)
    outage_seconds = 0.0
    if window is not None and steady:
        outage_seconds = max(0.0, min(window[1], end) - max(window[0], steady_from))
    return {
        "requests": len(requests),
        "failures": len(failed),
        "failures_in_outage": len(failed) - len(outside),
        "failures_outside": len(outside),
        "server_errors_outside": sum(1 for r in outside if r["status"] >= 500 or not r["status"]),
        "outside_statuses": sorted({r["status"] for r in outside}),
        "conflicts": sum(1 for w in writes if w["kind"] == "conflict"),
        "acknowledged": sum(1 for w in writes if w["kind"] in {"autosave", "question", "comment"}),
        "lost": lost,
        "window": window,
        "endpoints": _endpoints(by_name),
        "steady": {
            "seconds": max(0.0, end - steady_from - outage_seconds) if steady else 0.0,
            "requests": len(steady),
            "endpoints": _endpoints(steady_by_name),
        },
    }


def _endpoints(by_name: dict[str, list[dict]]) -> dict[str, dict]:
    return {
        name: {
            "count": len(rows),
            "failures": sum(1 for r in rows if not r["ok"]),
            "p50": percentile([r["ms"] for r in rows], 50),
            "p95": percentile([r["ms"] for r in rows], 95),
        }
        for name, rows in sorted(by_name.items())
    }


def report(s: dict, timing: dict, duration: float) -> None:
    print(
        f"\nrequests {s['requests']} ({s['requests'] / duration:.1f}/s), failures "
        f"{s['failures']} ({s['failures_in_outage']} in the outage, {s['failures_outside']} "
        f"outside: statuses {s['outside_statuses']})"
    )
    print(f"{'endpoint':<14} {'requests':>8} {'failures':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, e in s["endpoints"].items():
        print(f"{name:<14} {e['count']:>8} {e['failures']:>8} {e['p50']:>8.0f} {e['p95']:>8.0f}")
    steady = s["steady"]
    if steady["seconds"]:
        print(
            f"steady, all users logged in, outage left out ({steady['seconds']:.0f} s): "
            f"{steady['requests']} requests "
            f"({steady['requests'] / steady['seconds']:.1f}/s)"
        )
        for name, e in steady["endpoints"].items():
            print(
                f"  {name:<12} {e['count']:>8} {e['failures']:>8} {e['p50']:>8.0f} {e['p95']:>8.0f}"
            )
    if "error" in timing:
        print(f"PostgreSQL restart FAILED: {timing['error']}")
    elif s["window"]:
        start, recovered = s["window"]
        print(
            f"PostgreSQL restart took {timing['end'] - start:.1f} s; first success "
            f"{recovered - start:.1f} s after it began"
        )
    print(f"autosave conflicts (409, settled by reloading; not failures): {s['conflicts']}")
    print(f"acknowledged writes: {s['acknowledged']}; lost writes: {len(s['lost'])}")
    for line in s["lost"][:20]:
        print(f"  LOST {line}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def mail_summary(sink: processes.MailSink, since, waiting: int, restarts: int) -> dict:
    """Mails that reached the sink against the notices the app claimed since the run began
    (each claim is one notice, sent once: a claim is removed when its send fails)."""
    from meetings.models import SentReminder

    return {
        "received": len(sink.mails),
        "claimed": SentReminder.objects.filter(sent_at__gte=since).count(),
        "waiting": waiting,
        "worker_restarts": restarts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.load.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--no-restart", action="store_true", help="do not restart PostgreSQL")
    parser.add_argument(
        "--pg-cluster",
        help='version and name, e.g. "15 main" (default: newest '
        "version under /etc/postgresql, main)",
    )
    parser.add_argument("--bulk-scholars", type=int, default=1000)
    parser.add_argument("--bulk-meetings", type=int, default=100)
    parser.add_argument("--reseed", action="store_true", help="rebuild the bulk program")
    parser.add_argument("--instances", type=int, default=2, help="gunicorn instances")
    parser.add_argument("--db-workers", type=int, default=2, help="manage.py db_worker processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", help="directory for the plan, logs and Locust's CSV files")
    o = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when piped to a file too
    if urlparse(o.database_url).scheme not in {"postgres", "postgresql"}:
        parser.error("the load test needs PostgreSQL: --database-url postgres://…")
    cluster = (
        None if o.no_restart else (tuple(o.pg_cluster.split()) if o.pg_cluster else pg_cluster())
    )
    out = Path(o.out or f"/tmp/mentorprep-load-{time.strftime('%Y%m%d-%H%M%S')}")
    out.mkdir(parents=True, exist_ok=True)

    create_database(o.database_url)
    env = server_env(o.database_url)
    os.environ.update(env)  # this process's Django: the same database and settings as gunicorn
    from tests.perf import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    prepared = time.monotonic()
    plan = prepare(scholars_for(o.users), o.bulk_scholars, o.bulk_meetings, o.reseed)
    plan.dump(out / "plan.json")
    print(
        f"Data ready in {time.monotonic() - prepared:.1f} s: {len(plan.scholars)} scholars, "
        f"{len(plan.mentors)} mentors with briefs. Plan and logs in {out}"
    )
    connection.close()

    ports = [free_port() for _ in range(o.instances)]
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    plan.extra["hosts"] = hosts
    plan.dump(out / "plan.json")
    sink, sink_port = processes.MailSink(), free_port()
    mail_env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink_port), "EMAIL_USE_TLS": "0"}
    child_env = (
        os.environ | env | mail_env | {PLAN_ENV: str(out / "plan.json"), LOG_ENV: str(out / "logs")}
    )
    timing: dict = {}
    run_started = timezone.now()
    sync = processes.LiveSync(hosts, plan.extra["sync"], plan.password)
    with (
        open(out / "gunicorn.log", "w") as glog,
        open(out / "workers.log", "w") as wlog,
        open(out / "locust.log", "w") as llog,
    ):
        smtp = sink.start(sink_port)
        servers, workers = [], None
        try:
            for port in ports:
                servers.append(start_gunicorn(port, o.workers, o.threads, child_env, glog))
            workers = processes.Workers(o.db_workers, child_env, wlog)
            print(
                f"Locust: {o.users} users for {o.duration:.0f} s against {', '.join(hosts)}; "
                f"{o.db_workers} db_workers"
                + (
                    ""
                    if cluster is None
                    else f"; restarting PostgreSQL {' '.join(cluster)} after {o.duration / 3:.0f} s"
                )
            )
            locust = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f",
                    "tests/load/locustfile.py",
                    "--headless",
                    "-u",
                    str(o.users),
                    "-r",
                    str(o.spawn_rate),
                    "-t",
                    f"{o.duration:.0f}s",
                    "--host",
                    hosts[0],  # each user then picks its instance from the plan
                    "--csv",
                    str(out / "locust"),
                    "--stop-timeout",
                    "5",
                ],
                cwd=ROOT,
                env=child_env,
                stdout=llog,
                stderr=subprocess.STDOUT,
            )
            sync.start()
            restarter = restart_later(o.duration / 3, cluster, timing) if cluster else None
            locust.wait()
            sync.stop()
            if restarter:
                restarter.join()
            waiting = processes.wait_for_queue(60)
        finally:
            if workers is not None:
                workers.stop()
            stop(servers)
            smtp.stop()
    connection.close()

    from tests.load.check import check_writes

    requests = read_lines(out / "logs", "requests")
    writes = read_lines(out / "logs", "writes")
    checked = check_writes(writes)
    summary = summarise(requests, writes, timing, checked.lost, o.users)
    summary["mail"] = mail_summary(sink, run_started, waiting, workers.restarts)
    summary["sync"] = processes.sync_summary(sync.probes, summary["window"])
    print(
        f"\n{o.users} users, {o.duration:.0f} s, {o.instances} gunicorn instances × {o.workers} "
        f"workers × {o.threads} threads, {o.db_workers} db_workers, PostgreSQL, bulk data "
        f"({plan.program}); Locust's CSV files: {out}/locust_*.csv; load average "
        f"{load_average()}"
    )
    report(summary, timing, o.duration)
    mail, synced = summary["mail"], summary["sync"]
    print(
        f"mail: {mail['received']} received, {mail['claimed']} notices claimed, "
        f"{mail['waiting']} tasks still waiting, workers restarted {mail['worker_restarts']}×"
    )
    print(
        f"meeting mode across instances: {synced['probes']} answers, {synced['outside_outage']} "
        f"outside the outage, {synced['late_outside']} of them later than "
        f"{processes.SYNC_LIMIT_SECONDS:g} s; slowest "
        + ("—" if synced["max_delay"] is None else f"{synced['max_delay']:.2f} s")
        + (f" (could not start: {sync.error})" if sync.error else "")
    )
    for late in synced["late"][:5]:
        print(f"  late: {late}")
    (out / "summary.json").write_text(json.dumps({"timing": timing, **summary}, indent=1))
    problems = []
    if mail["received"] > mail["claimed"]:
        problems.append(f"{mail['received'] - mail['claimed']} mails sent twice")
    if mail["received"] < mail["claimed"] or mail["waiting"]:
        problems.append("mail tasks left unsent")
    if sync.error or not synced["outside_outage"]:
        problems.append("the meeting-mode sync check did not run")
    elif synced["late_outside"]:
        problems.append(f"{synced['late_outside']} meeting-mode answers seen late or never")
    if summary["lost"]:
        problems.append(f"{len(summary['lost'])} lost writes")
    if summary["failures_outside"]:
        problems.append(
            f"{summary['failures_outside']} failed requests outside the outage "
            f"({summary['server_errors_outside']} 5xx or no answer)"
        )
    if "error" in timing:
        problems.append("the PostgreSQL restart failed")
    if not requests:
        problems.append("no requests were made (see locust.log)")
    elif not summary["acknowledged"] or summary["steady"]["requests"] == 0:
        # Nothing to judge: e.g. the machine was too busy for the users to log in in time.
        problems.append("the run exercised too little (no acknowledged write or no steady state)")
    if problems:
        print("FAILED: " + "; ".join(problems) + ".")
        return 1
    print(
        "OK: no lost writes, no failed requests outside the outage, no mail twice, meeting mode "
        "in sync across instances."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
