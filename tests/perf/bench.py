"""Server-side cost of the main pages, at small and at bulk data, against a baseline page.

    python -m tests.perf.bench [--repeat 30] [--warmup 3] [--sizes bulk,wide]

For each page: SQL queries per request and the median / p95 server time over N requests through
Django's test Client (in-process: no network, no browser), and the median as a ratio to the
baseline measured in the same run: the account page (a logged-in user, the session and user
lookup, the base template with its navigation, nothing else).

Small data is the demo program (`DEBUG=1 python manage.py seed_demo`; run here when DEBUG is on);
the bigger sizes are the programs of tests.perf.seed_bulk, built when missing: "bulk" (1,000
scholars × 100 meetings: a long program) and "wide" (10,000 scholars × 20 meetings: a big one;
building it takes minutes). Works on SQLite and PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from tests.perf import setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Program, User  # noqa: E402
from meetings.models import Agenda, Meeting  # noqa: E402
from tests.perf import seed_bulk  # noqa: E402

# How many times the baseline each page may cost at bulk data.
BASELINE = "baseline (account page)"


class BenchError(Exception):
    pass


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
        raise BenchError(f"Missing users for {name}: {', '.join(sorted(missing))}")
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
        raise BenchError(f"No held meeting with a submitted agenda for {scholar} in {name}.")
    return Dataset(
        name=name,
        scholar=users[scholar],
        mentor=users[mentor],
        staff=users[staff],
        program=program,
        meeting=meeting,
        meetings_of_scholar=Meeting.objects.filter(mentorship__scholar=users[scholar]).count(),
    )


def datasets(sizes: dict[str, tuple[int, int]], say: Callable[[str], None]) -> list[Dataset]:
    """The demo program and the seeded programs `sizes` names (name: scholars, meetings), each
    built when missing."""
    small = Program.objects.filter(staff__username="staff1").order_by("pk").first()
    if small is None:
        if not settings.DEBUG:
            raise BenchError(
                "No demo data: run `DEBUG=1 python manage.py seed_demo` first (make bench does)."
            )
        call_command("seed_demo")
        small = Program.objects.filter(staff__username="staff1").order_by("pk").first()
    found = [_dataset("small", "scholar1", "mentor1", "staff1", small)]
    for name, (scholars, meetings) in sizes.items():
        if not seed_bulk.exists(name):
            say(f"No {name} program yet: seeding {scholars} scholars × {meetings} meetings…")
            seed_bulk.build(scholars, meetings, say=say, name=name)
        found.append(
            _dataset(
                name,
                f"{name}-scholar-1",
                f"{name}-mentor-1",
                f"{name}-staff",
                Program.objects.get(slug=name),
            )
        )
    return found


def pages(ds: Dataset) -> list[tuple[str, User, str]]:
    return [
        (BASELINE, ds.scholar, reverse("account")),
        ("brief", ds.mentor, reverse("brief", args=[ds.meeting.pk])),
        ("history", ds.scholar, reverse("history", args=[ds.scholar.pk])),
        ("mentor list", ds.mentor, reverse("home")),
        ("cadence (first page)", ds.staff, reverse("cadence", args=[ds.program.slug])),
        ("growth", ds.scholar, reverse("growth", args=[ds.scholar.pk])),
        ("end-of-program report", ds.scholar, reverse("report", args=[ds.scholar.pk])),
    ]


def measure(ds: Dataset, repeat: int, warmup: int) -> list[Result]:
    """Warm up, count queries, then time the pages in turns (baseline, brief, …, baseline,
    brief, …) so that other load on the machine affects the baseline and the pages alike."""
    measured = []
    for page, user, url in pages(ds):
        client = Client()
        client.force_login(user)
        for _ in range(warmup):
            response = client.get(url)
            if response.status_code != 200:
                raise BenchError(f"{page} ({url}) answered {response.status_code}")
        reset_queries()  # request_started resets the log; start from zero so none are lost
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        measured.append((page, client, url, len(ctx.captured_queries), []))
    for _ in range(repeat):
        for _page, client, url, _queries, times in measured:
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    results = []
    for page, _client, _url, queries, times in measured:
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append(Result(ds.name, page, queries, statistics.median(times), p95))
    baseline = results[0].median_ms
    for r in results:
        r.ratio = r.median_ms / baseline
    return results


def run(
    repeat: int = 30,
    warmup: int = 3,
    sizes: dict[str, tuple[int, int]] | None = None,
    say: Callable[[str], None] = print,
) -> list[Result]:
    data = datasets(seed_bulk.SIZES if sizes is None else sizes, say)
    # Production-like request handling: no debug pages, no query log kept by DEBUG, plain static
    # storage so that templates render without collected static files.
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
    with warnings.catch_warnings(), override_settings(**overrides):
        warnings.filterwarnings("ignore", message="No directory at")
        for ds in data:  # warm every page (template compilation, connections) first
            measure(ds, 1, warmup)
        for ds in data:
            results += measure(ds, repeat, warmup)
    report(results, data, repeat, say)
    return results


def report(results: list[Result], data: list[Dataset], repeat: int, say) -> None:
    say(
        f"\nDatabase: {connection.vendor}. {repeat} timed requests per page "
        "(Django test Client, in-process)."
    )
    for ds in data:
        say(
            f"  {ds.name}: program “{ds.program.name}” with "
            f"{ds.program.mentorships.count()} mentorships; {ds.scholar.username} has "
            f"{ds.meetings_of_scholar} meetings; mentor list of {ds.mentor.username} has "
            f"{ds.mentor.mentorships_as_mentor.count()} scholars."
        )
    header = (
        f"{'data':<6} {'page':<24} {'queries':>7} {'median ms':>10} {'p95 ms':>8} "
        f"{'× baseline':>11}  queries vs small"
    )
    say("\n" + header)
    say("-" * len(header))
    small_queries = {r.page: r.queries for r in results if r.dataset == "small"}
    for r in results:
        growth = ""
        if r.dataset != "small":
            same = r.queries <= small_queries.get(r.page, r.queries)
            growth = "queries constant" if same else "QUERIES GROW"
        say(
            f"{r.dataset:<6} {r.page:<24} {r.queries:>7} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} "
            f"{r.ratio:>10.2f}×  {growth}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--sizes",
        default="bulk,wide",
        help=f"seeded programs beside the demo one, of: {', '.join(seed_bulk.SIZES)}",
    )
    opts = parser.parse_args(argv)
    names = [n for n in opts.sizes.split(",") if n]
    if unknown := set(names) - set(seed_bulk.SIZES):
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    try:
        run(opts.repeat, opts.warmup, {n: seed_bulk.SIZES[n] for n in names})
    except (BenchError, seed_bulk.SeedError) as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
