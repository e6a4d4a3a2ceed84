"""Server-side cost of the main pages, at small and at bulk data, against a baseline page.

For each page: SQL queries per request and the median / p95 server time over N requests through
Django's test Client (in-process: no network, no browser), and the median as a ratio to the
baseline measured in the same run: the account page (a logged-in user, the session and user
lookup, the base template with its navigation, nothing else).

Small data is the demo program (seed_demo); bulk data is the "bulk" program (seed_bulk). Both are
created when missing. Works on SQLite and PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import statistics
import time
import warnings
from dataclasses import dataclass

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.models import Program, User
from meetings.models import Agenda, Meeting

BUILT = ", built"  # suffix of the pages measured with the cache emptied first
AIMS = {"brief": 2.0, "history": 3.0, "mentor list": 3.0, "cadence": 10.0}


@dataclass
class Result:
    dataset: str
    page: str
    queries: int
    median_ms: float
    p95_ms: float
    ratio: float = 0.0


@dataclass
class Dataset:
    name: str
    scholar: User
    mentor: User
    staff: User
    program: Program
    meeting: Meeting
    meetings_of_scholar: int


def _dataset(name: str, scholar: str, mentor: str, staff: str, program: Program) -> Dataset:
    users = {u.username: u for u in User.objects.filter(username__in=[scholar, mentor, staff])}
    missing = {scholar, mentor, staff} - set(users)
    if missing:
        raise CommandError(f"Missing users for {name}: {', '.join(sorted(missing))}")
    meeting = (
        Meeting.objects.filter(
            mentorship__scholar=users[scholar],
            mentorship__mentor=users[mentor],
            status=Meeting.Status.HELD,
            agenda__status=Agenda.Status.SUBMITTED,
        )
        .order_by("-scheduled_at")
        .first()
    )
    if meeting is None:
        raise CommandError(f"No held meeting with a submitted agenda for {scholar} in {name}.")
    return Dataset(
        name=name,
        scholar=users[scholar],
        mentor=users[mentor],
        staff=users[staff],
        program=program,
        meeting=meeting,
        meetings_of_scholar=Meeting.objects.filter(mentorship__scholar=users[scholar]).count(),
    )


class Command(BaseCommand):
    help = "Print queries per page and median/p95 server time, at small and bulk data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--scholars", type=int, default=1000, help="For seed_bulk if missing.")
        parser.add_argument("--meetings", type=int, default=100, help="For seed_bulk if missing.")

    def handle(self, *args, **opts) -> None:
        if not Program.objects.filter(staff__username="staff1").exists():
            call_command("seed_demo", stdout=self.stdout)
        if not Program.objects.filter(slug="bulk").exists():
            self.stdout.write("No bulk program yet: running seed_bulk…")
            call_command(
                "seed_bulk",
                scholars=opts["scholars"],
                meetings=opts["meetings"],
                stdout=self.stdout,
            )
        small_program = Program.objects.filter(staff__username="staff1").order_by("pk").first()
        datasets = [
            _dataset("small", "scholar1", "mentor1", "staff1", small_program),
            _dataset(
                "bulk",
                "bulk-scholar-1",
                "bulk-mentor-1",
                "bulk-staff",
                Program.objects.get(slug="bulk"),
            ),
        ]
        overrides = {
            "DEBUG": False,
            "ALLOWED_HOSTS": ["testserver"],
            "SECURE_SSL_REDIRECT": False,
            "STORAGES": {
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        }
        results: list[Result] = []
        warnings.filterwarnings("ignore", message="No directory at")
        with override_settings(**overrides):
            for ds in datasets:  # warm every page (template compilation, connections) first
                self._measure(ds, 1, opts["warmup"])
            for ds in datasets:
                results += self._measure(ds, opts["repeat"], opts["warmup"])
        self._print(results, datasets, opts["repeat"])

    def _pages(self, ds: Dataset) -> list[tuple[str, User, str]]:
        return [
            ("baseline (account page)", ds.scholar, reverse("account")),
            ("brief", ds.mentor, reverse("brief", args=[ds.meeting.pk])),
            ("history", ds.scholar, reverse("history", args=[ds.scholar.pk])),
            ("mentor list", ds.mentor, reverse("home")),
            ("cadence", ds.staff, reverse("cadence", args=[ds.program.slug])),
            # issue 5: the pages kept in the cache, built from the database each time (the cache
            # emptied before each request, outside the timed part): what a first open costs.
            (f"brief{BUILT}", ds.mentor, reverse("brief", args=[ds.meeting.pk])),
            (f"history{BUILT}", ds.scholar, reverse("history", args=[ds.scholar.pk])),
            (f"mentor list{BUILT}", ds.mentor, reverse("home")),
        ]

    def _measure(self, ds: Dataset, repeat: int, warmup: int) -> list[Result]:
        """Warm up, count queries, then time the pages in turns (baseline, brief, …, baseline,
        brief, …) so that load on the machine affects the baseline and the pages alike."""
        pages = []
        for page, user, url in self._pages(ds):
            client = Client()
            client.force_login(user)
            for _ in range(warmup):
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{page} ({url}) answered {response.status_code}")
            if page.endswith(BUILT):
                cache.clear()
            reset_queries()  # request_started resets the log; start from zero so none are lost
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries = len(ctx.captured_queries)  # read now: the next request resets the log
            pages.append((page, client, url, queries, []))
        kept = [p for p in pages if not p[0].endswith(BUILT)]
        for _ in range(repeat):
            for _page, client, url, _queries, times in kept:
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        # The pages built from the database: after the others (emptying the cache before each
        # request would empty the other pages' entries too), in turns with the baseline.
        built = [p for p in pages if p[0].endswith(BUILT) or p is pages[0]]
        for _ in range(repeat):
            for page, client, url, _queries, times in built:
                if page.endswith(BUILT):
                    cache.clear()
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
        results = []
        for page, _client, _url, queries, times in pages:
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results.append(Result(ds.name, page, queries, statistics.median(times), p95))
        baseline = results[0].median_ms
        for r in results:
            r.ratio = r.median_ms / baseline
        return results

    def _print(self, results: list[Result], datasets: list[Dataset], repeat: int) -> None:
        vendor = connection.vendor
        self.stdout.write(
            f"\nDatabase: {vendor}. {repeat} timed requests per page (Django test Client, in-process)."
        )
        for ds in datasets:
            self.stdout.write(
                f"  {ds.name}: program “{ds.program.name}” with "
                f"{ds.program.mentorships.count()} mentorships; {ds.scholar.username} has "
                f"{ds.meetings_of_scholar} meetings; mentor list of {ds.mentor.username} has "
                f"{ds.mentor.mentorships_as_mentor.count()} scholars."
            )
        header = f"{'data':<6} {'page':<24} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'× baseline':>11}  aim"
        self.stdout.write("\n" + header)
        self.stdout.write("-" * len(header))
        small_queries = {r.page: r.queries for r in results if r.dataset == "small"}
        for r in results:
            aim = ""
            if r.dataset == "bulk" and r.page in AIMS:
                met = r.ratio <= AIMS[r.page]
                same_q = r.queries <= small_queries.get(r.page, r.queries)
                aim = f"≤ {AIMS[r.page]:g}× {'met' if met else 'MISSED'}"
                aim += "; queries constant" if same_q else "; QUERIES GROW"
            self.stdout.write(
                f"{r.dataset:<6} {r.page:<24} {r.queries:>7} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} "
                f"{r.ratio:>10.2f}×  {aim}"
            )
