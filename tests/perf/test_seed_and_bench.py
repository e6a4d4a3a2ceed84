"""The bulk seeder's contract, its reset after a load run, and the benchmark's report."""

import io
from contextlib import redirect_stdout
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Mentorship, Program, User
from meetings.models import (
    ActionItem,
    Agenda,
    AgendaRevision,
    Annotation,
    BriefRead,
    Meeting,
    Question,
    SentReminder,
)
from tests.factories import (
    AgendaFactory,
    AgendaRevisionFactory,
    AnnotationFactory,
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SentReminderFactory,
    SubmittedAgendaFactory,
    UserFactory,
)
from tests.perf import bench, seed_bulk


def _bulk(model, path: str) -> int:
    return model.objects.filter(**{path: "bulk"}).count()


def test_it_builds_the_bulk_program_as_promised(db):
    seed_bulk.build(scholars=4, meetings=5, per_mentor=2)
    program = Program.objects.get(slug="bulk")
    assert program.staff.filter(username="bulk-staff").exists()
    assert User.objects.filter(username__startswith="bulk-").count() == 1 + 2 + 4
    for name in ("bulk-staff", "bulk-mentor-1", "bulk-mentor-2", "bulk-scholar-4"):
        assert User.objects.get(username=name).check_password("demo")
    assert _bulk(Mentorship, "program__slug") == 4
    assert _bulk(Meeting, "mentorship__program__slug") == 20
    assert _bulk(Agenda, "meeting__mentorship__program__slug") == 20
    assert _bulk(Question, "agenda__meeting__mentorship__program__slug") == 40
    assert _bulk(ActionItem, "mentorship__program__slug") == 16
    now = timezone.now()
    mentorship = Mentorship.objects.get(scholar__username="bulk-scholar-3")
    past = mentorship.meetings.filter(scheduled_at__lt=now)
    assert past.count() == 4
    assert set(past.values_list("status", flat=True)) <= {"held", "cancelled"}
    assert not past.filter(agenda__status=Agenda.Status.DRAFT).exists()
    upcoming = mentorship.meetings.get(scheduled_at__gt=now)
    assert upcoming.status == Meeting.Status.PLANNED
    assert upcoming.agenda.status == Agenda.Status.DRAFT
    # Read receipts only by the pair's mentor, only of submitted briefs, first read after submit.
    reads = BriefRead.objects.filter(agenda__meeting__mentorship__program=program)
    for read in reads.select_related("agenda__meeting__mentorship"):
        assert read.reader_id == read.agenda.meeting.mentorship.mentor_id
        assert read.agenda.status == Agenda.Status.SUBMITTED
        assert read.first_read_at >= read.agenda.submitted_at


def test_it_refuses_to_seed_twice_without_reset(db):
    seed_bulk.build(scholars=2, meetings=2)
    with pytest.raises(seed_bulk.SeedError, match="--reset"):
        seed_bulk.build(scholars=2, meetings=2)
    out = io.StringIO()
    with redirect_stdout(out):
        assert seed_bulk.main(["--scholars", "2", "--meetings", "2"]) == 2
    assert _bulk(Mentorship, "program__slug") == 2


def test_reset_removes_what_a_load_run_added(db):
    """Revisions, reminders, comments and receipts point at the bulk rows: reset removes them."""
    seed_bulk.build(scholars=3, meetings=3)
    draft = Agenda.objects.filter(
        meeting__mentorship__program__slug="bulk", status=Agenda.Status.DRAFT
    ).first()
    scholar = draft.meeting.mentorship.scholar
    mentor = draft.meeting.mentorship.mentor
    AgendaRevisionFactory(agenda=draft, author=scholar, version=2, changes={})
    SentReminderFactory(kind=SentReminder.Kind.AGENDA_DUE, meeting=draft.meeting, recipient=scholar)
    AnnotationFactory(agenda=draft, author=mentor, section="general", body="Load test")
    QuestionFactory(agenda=draft, text="Added under load?", rank=9)
    elsewhere = ProgramFactory(name="Kept", slug="kept")  # not the bulk program

    with redirect_stdout(io.StringIO()):
        assert seed_bulk.main(["--scholars", "2", "--meetings", "2", "--reset"]) == 0
    assert not AgendaRevision.objects.filter(agenda_id=draft.pk).exists()
    assert not SentReminder.objects.exists()
    assert not Annotation.objects.exists()
    assert not Agenda.objects.filter(pk=draft.pk).exists()
    assert _bulk(Mentorship, "program__slug") == 2
    assert _bulk(Meeting, "mentorship__program__slug") == 4
    assert not User.objects.filter(username="bulk-scholar-3").exists()
    assert Program.objects.filter(pk=elsewhere.pk).exists()

    with redirect_stdout(io.StringIO()):
        assert seed_bulk.main(["--delete"]) == 0
    assert not Program.objects.filter(slug="bulk").exists()
    assert not User.objects.filter(username__startswith="bulk-").exists()
    assert not Meeting.objects.exists()


def _demo_like_data() -> None:
    """What the benchmark reads of seed_demo's data (seed_demo itself takes seconds)."""
    staff, scholar, mentor = (UserFactory(username=n) for n in ("staff1", "scholar1", "mentor1"))
    pair = MentorshipFactory(program=ProgramFactory(staff=[staff]), scholar=scholar, mentor=mentor)
    held = MeetingFactory(
        mentorship=pair,
        scheduled_at=timezone.now() - timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    QuestionFactory(agenda=SubmittedAgendaFactory(meeting=held))
    AgendaFactory(meeting=MeetingFactory(mentorship=pair))


def test_the_benchmark_reports_queries_and_times_per_page(db):
    _demo_like_data()
    lines: list[str] = []
    results = bench.run(
        repeat=2, warmup=1, sizes={"bulk": (3, 4), "wide": (5, 2)}, say=lines.append
    )
    pages = [
        "baseline (account page)",
        "brief",
        "history",
        "mentor list",
        "cadence (first page)",
        "growth",
        "end-of-program report",
    ]
    assert [(r.dataset, r.page) for r in results] == [
        (data, page) for data in ("small", "bulk", "wide") for page in pages
    ]
    for r in results:
        assert r.queries >= 2, r  # at least the session and the user
        assert 0 < r.median_ms <= r.p95_ms
    assert {r.ratio for r in results if r.page == pages[0]} == {1.0}
    text = "\n".join(lines)
    assert "× baseline" in text and "queries constant" in text
    # built when missing, each size its own program and users
    assert Mentorship.objects.filter(program__slug="bulk").count() == 3
    assert Mentorship.objects.filter(program__slug="wide").count() == 5
    assert Meeting.objects.filter(mentorship__program__slug="wide").count() == 10
    assert User.objects.filter(username__startswith="wide-").count() == 1 + 1 + 5


def test_the_benchmark_asks_for_demo_data_outside_development(db, settings):
    settings.DEBUG = False
    with pytest.raises(bench.BenchError, match="seed_demo"):
        bench.run(repeat=1, warmup=1, sizes={"bulk": (2, 2)}, say=lambda _line: None)
