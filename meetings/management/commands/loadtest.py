# ruff: noqa: S603, S607 - an operator's tool that runs gunicorn, pg_ctlcluster and itself
"""python manage.py loadtest — gunicorn on PostgreSQL, 50 loopback clients, figures and faults.

Data (--seed): "bulk" (the default) uses seed_bulk's program — 1,000 scholars × 100 meetings
unless told otherwise, built once and reused by later runs (--reseed rebuilds it) — topped up with
one submitted upcoming brief per loaded scholar; "loadtest" seeds a small program of its own.

Phases, each --duration seconds, with the same logged-in clients:
1. the cheapest logged-in page alone (the baseline);
2. the realistic mix: scholars autosaving drafts and adding questions, mentors reading briefs,
   commenting and opening histories, staff opening the cadence page;
3. the mix again, with PostgreSQL restarted a third of the way in (unless --no-restart).
Then every write the server acknowledged is looked up in the database.
"""

from __future__ import annotations

import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from meetings import loadtest as lt
from meetings.models import Agenda, Annotation

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mentorprep_loadtest"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL),
            help=f"PostgreSQL database to seed and load (created if missing; default {DEFAULT_URL})",
        )
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
        parser.add_argument("--mentors", type=int, default=10)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=8, help="threads per worker")
        parser.add_argument("--port", type=int, default=8199)
        parser.add_argument(
            "--pg-cluster",
            default="15 main",
            help="version and name of the cluster to restart (pg_ctlcluster)",
        )
        parser.add_argument("--no-restart", action="store_true", help="skip the outage phase")
        parser.add_argument(
            "--seed",
            choices=["bulk", "loadtest"],
            default="bulk",
            help="bulk: seed_bulk's program (reused when present); loadtest: a small own program",
        )
        parser.add_argument("--bulk-scholars", type=int, default=1000)
        parser.add_argument("--bulk-meetings", type=int, default=100)
        parser.add_argument(
            "--reseed", action="store_true", help="rebuild the bulk program even if present"
        )
        parser.add_argument("--cheap-path", default="/accounts/password/done/")
        parser.add_argument("--inner", action="store_true", help="(internal)")

    def handle(self, *args, **o):
        url = o["database_url"]
        if urlparse(url).scheme not in {"postgres", "postgresql"}:
            raise CommandError("loadtest needs PostgreSQL: pass --database-url postgres://…")
        if not o["inner"]:
            return self._relaunch(url, o)
        if connection.vendor != "postgresql":
            raise CommandError("The inner run is not connected to PostgreSQL.")
        self._run(o)

    # The run itself needs Django connected to the load database, with production-like settings:
    # run this same command again in a process whose environment says so.
    def _relaunch(self, url: str, o: dict) -> None:
        _create_database(url)
        env = os.environ | _server_env(url)
        argv = (
            [sys.executable, "manage.py", "loadtest", "--inner"]
            + [
                arg
                for name in (
                    "database_url",
                    "clients",
                    "duration",
                    "mentors",
                    "workers",
                    "threads",
                    "port",
                    "pg_cluster",
                    "cheap_path",
                    "seed",
                    "bulk_scholars",
                    "bulk_meetings",
                )
                for arg in (f"--{name.replace('_', '-')}", str(o[name]))
            ]
            + (["--no-restart"] if o["no_restart"] else [])
            + (["--reseed"] if o["reseed"] else [])
        )
        result = subprocess.run(argv, cwd=settings.BASE_DIR, env=env)
        if result.returncode:
            raise CommandError(f"The load run failed (exit {result.returncode}).")

    def _run(self, o: dict) -> None:
        clients = o["clients"]
        scholars = max(1, round(clients * 0.6))
        mentor_clients = max(1, round(clients * 0.3))
        staff_clients = max(0, clients - scholars - mentor_clients)
        say = self.stdout.write
        say("Preparing the database…")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        seeded = time.monotonic()
        if o["seed"] == "bulk":
            self._seed_bulk(o, scholars)
            lt.top_up_bulk(scholars)
            targets = lt.Targets.load_bulk(scholars)
        else:
            lt.seed(scholars=scholars, mentors=o["mentors"])
            targets = lt.Targets.load()
        say(f"Data ready in {time.monotonic() - seeded:.1f} s ({o['seed']}).")
        if len(targets.scholars) < scholars or not targets.mentors:
            raise CommandError("The seeded data has too few scholars or briefs for this load.")
        start_versions = {s["meeting"]: s["version"] for s in targets.scholars}
        start_questions = {s["meeting"]: s["questions"] for s in targets.scholars}
        start_comments = _comment_counts()
        connection.close()

        log_path = Path(tempfile.gettempdir()) / f"mentorprep-loadtest-{o['port']}.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed after the run
        say(f"gunicorn's log: {log_path}")
        server = _start_gunicorn(o, log)
        try:
            lock = threading.Lock()
            records: list[lt.Record] = []
            plan = []  # (browser, role loop, target, acks)
            for s in targets.scholars[:scholars]:
                plan.append((s["username"], lt.scholar_loop, s))
            for i in range(mentor_clients):
                m = targets.mentors[i % len(targets.mentors)]
                plan.append((m["username"], lt.mentor_loop, m))
            plan += [(targets.staff, lt.staff_loop, {"program": targets.program})] * staff_clients
            browsers = []
            t0 = time.monotonic()
            for _username, loop, target in plan:
                b = lt.Browser(o["port"], records, lock)
                browsers.append((b, loop, target, lt.Acks()))
            logins = _in_threads(
                [
                    lambda b=b, u=u: b.login(u)
                    for (b, *_), (u, *_) in zip(browsers, plan, strict=True)
                ]
            )
            say(
                f"{sum(logins)}/{len(logins)} clients logged in "
                f"in {time.monotonic() - t0:.1f} s ({scholars} scholars, {mentor_clients} "
                f"mentors, {staff_clients} staff)."
            )
            if not all(logins):
                raise CommandError("Some clients could not log in.")

            summaries = []
            baseline = self._phase(
                "cheapest logged-in page",
                [(b, lt.cheap_loop(o["cheap_path"]), t, a) for b, _, t, a in browsers],
                records,
                o["duration"],
            )
            summaries.append(baseline)
            mix = self._phase("realistic mix", browsers, records, o["duration"])
            summaries.append(mix)
            outage = None
            if not o["no_restart"]:
                outage = self._outage_phase(browsers, records, o)
                summaries.append(outage["summary"])
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()

        lost = _lost_writes(browsers, start_versions, start_questions, start_comments)
        acked = sum(a.saves + a.questions + sum(a.comments.values()) for *_, a in browsers)
        conflicts = sum(a.conflicts for *_, a in browsers)
        data = (
            f"bulk data ({o['bulk_scholars']} scholars × {o['bulk_meetings']} meetings)"
            if o["seed"] == "bulk"
            else "the small loadtest program"
        )
        say("")
        say(
            f"{clients} clients, {o['duration']:.0f} s per phase, gunicorn "
            f"{o['workers']}×{o['threads']} threads, PostgreSQL, {data}"
        )
        say(lt.HEADER)
        for summary in summaries:
            say(summary.line())
        say(f"mix / cheapest page: {mix.per_second / baseline.per_second:.2f}")
        by_kind: dict[str, list[float]] = {}
        for r in mix.records:
            by_kind.setdefault(r.kind, []).append(r.seconds * 1000)
        say(
            "mix by request: "
            + ", ".join(
                f"{k} {len(v)}× p50 {lt.percentile(v, 50):.0f} ms p95 {lt.percentile(v, 95):.0f} ms"
                for k, v in sorted(by_kind.items())
            )
        )
        if outage:
            say(
                f"PostgreSQL restart: took {outage['restart_seconds']:.1f} s; first success "
                f"{outage['recovered_after']:.1f} s after it began; failed requests: "
                f"{outage['before']} before, {outage['during']} during, {outage['after']} after "
                "the outage"
            )
        say(
            f"autosave conflicts (409, re-read and carried on; not errors): {conflicts}; "
            f"acknowledged writes: {acked}; lost writes: {lost['total']} "
            f"(autosaves {lost['saves']}, questions {lost['questions']}, comments "
            f"{lost['comments']})"
        )
        server_errors = sum(x.server_errors + x.no_answer for x in (baseline, mix))
        if outage:
            server_errors += outage["before"] + outage["after"]
        if lost["total"] or server_errors:
            raise CommandError(
                f"FAILED: {lost['total']} lost writes, {server_errors} errors "
                "outside the PostgreSQL outage."
            )
        say(self.style.SUCCESS("OK: no lost writes, no server errors outside the outage."))

    def _seed_bulk(self, o: dict, scholars: int) -> None:
        from accounts.models import Mentorship

        present = Mentorship.objects.filter(program__slug=lt.BULK_SLUG).count()
        wanted = max(o["bulk_scholars"], scholars)
        if present >= scholars and not o["reseed"]:
            from meetings.models import Meeting

            meetings = Meeting.objects.filter(mentorship__program__slug=lt.BULK_SLUG).count()
            self.stdout.write(f"Reusing the bulk program ({present} scholars; --reseed rebuilds).")
            o["bulk_scholars"], o["bulk_meetings"] = present, round(meetings / present)
            return
        self.stdout.write(f"seed_bulk --scholars {wanted} --meetings {o['bulk_meetings']}…")
        call_command(
            "seed_bulk",
            "--scholars",
            str(wanted),
            "--meetings",
            str(o["bulk_meetings"]),
            "--reset",
            stdout=self.stdout,
        )
        o["bulk_scholars"] = wanted

    def _phase(self, name, browsers, records, duration):
        records.clear()
        start = time.monotonic()
        stop = start + duration
        _in_threads(
            [
                (lambda b=b, loop=loop, t=t, a=a, i=i: loop(b, t, a, stop, random.Random(i)))
                for i, (b, loop, t, a) in enumerate(browsers)
            ]
        )
        elapsed = time.monotonic() - start
        summary = lt.Summary.of(name, list(records), elapsed)
        summary.records = list(records)
        return summary

    def _outage_phase(self, browsers, records, o):
        version, cluster = o["pg_cluster"].split()
        timing = {}

        def restart():
            time.sleep(o["duration"] / 3)
            timing["start"] = time.monotonic()
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],
                check=True,
                capture_output=True,
            )
            timing["end"] = time.monotonic()

        restarter = threading.Thread(target=restart)
        restarter.start()
        summary = self._phase("mix, PostgreSQL restarted", browsers, records, o["duration"])
        restarter.join()
        records = summary.records
        failed = [r for r in records if r.status >= 500 or r.status == 0]
        recovered = min(
            (
                r.started + r.seconds
                for r in records
                if r.started >= timing["end"] and 200 <= r.status < 400
            ),
            default=float("inf"),
        )
        # A request is hit by the outage if it was still running when the restart began and
        # started before the app answered successfully again.
        return {
            "summary": summary,
            "restart_seconds": timing["end"] - timing["start"],
            "recovered_after": recovered - timing["start"],
            "before": sum(1 for r in failed if r.started + r.seconds < timing["start"]),
            "during": sum(
                1
                for r in failed
                if r.started + r.seconds >= timing["start"] and r.started <= recovered
            ),
            "after": sum(1 for r in failed if r.started > recovered),
        }


def _in_threads(functions) -> list:
    results = [None] * len(functions)

    def run(i, f):
        results[i] = f()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _comment_counts() -> dict[int, int]:
    counts: dict[int, int] = {}
    for meeting_id in Annotation.objects.filter(body__startswith="Comment ").values_list(
        "agenda__meeting_id", flat=True
    ):
        counts[meeting_id] = counts.get(meeting_id, 0) + 1
    return counts


def _lost_writes(browsers, start_versions, start_questions, start_comments) -> dict[str, int]:
    lost = {"saves": 0, "questions": 0, "comments": 0}
    acked_comments: dict[int, int] = {}
    for _b, loop, target, acks in browsers:
        for meeting, n in acks.comments.items():
            acked_comments[meeting] = acked_comments.get(meeting, 0) + n
        if loop is not lt.scholar_loop:
            continue
        agenda = Agenda.objects.get(meeting_id=target["meeting"])
        written = agenda.version - start_versions[target["meeting"]]
        lost["saves"] += max(0, acks.saves - written)
        if acks.last_saved and agenda.progress not in [acks.last_saved, *acks.later_attempts]:
            lost["saves"] += 1
        added = agenda.questions.count() - start_questions[target["meeting"]]
        lost["questions"] += max(0, acks.questions - added)
    now = _comment_counts()
    for meeting, n in acked_comments.items():
        lost["comments"] += max(0, n - (now.get(meeting, 0) - start_comments.get(meeting, 0)))
    lost["total"] = sum(lost.values())
    return lost


def _server_env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
    }


def _start_gunicorn(o: dict, log) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{o['port']}",
            "--workers",
            str(o["workers"]),
            "--worker-class",
            "gthread",
            "--threads",
            str(o["threads"]),
            "--timeout",
            "60",
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", o["port"]), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise CommandError("gunicorn exited at start.") from None
            time.sleep(0.2)
    server.kill()
    raise CommandError("gunicorn did not start within 30 s.")


def _create_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
