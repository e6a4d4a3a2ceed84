"""seed_bulk's contract, bench's output, and query counts that do not grow with data."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mentorship, Program, User
from meetings.models import Agenda, BriefRead, Meeting, Question
from meetings.views.home import USER_NAME_FIELDS, name_from
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)


def test_it_builds_the_bulk_program_as_promised(db):
    call_command("seed_bulk", scholars=4, meetings=5, scholars_per_mentor=2, stdout=io.StringIO())
    program = Program.objects.get(slug="bulk")
    staff = User.objects.get(username="bulk-staff")
    assert staff in program.staff.all()
    for name in ("bulk-staff", "bulk-mentor-1", "bulk-mentor-2", "bulk-scholar-4"):
        assert User.objects.get(username=name).check_password("demo")
    scholar = User.objects.get(username="bulk-scholar-3")
    mentorship = Mentorship.objects.get(scholar=scholar)
    assert mentorship.program == program
    meetings = Meeting.objects.filter(mentorship=mentorship)
    assert meetings.count() == 5
    now = timezone.now()
    past = meetings.filter(scheduled_at__lt=now)
    assert past.count() == 4
    assert set(past.values_list("status", flat=True)) <= {"held", "cancelled"}
    assert not past.filter(agenda__status=Agenda.Status.DRAFT).exists()
    assert Question.objects.filter(agenda__meeting__in=past).count() == 8
    upcoming = meetings.get(scheduled_at__gt=now)
    assert upcoming.status == Meeting.Status.PLANNED
    assert upcoming.agenda.status == Agenda.Status.DRAFT
    # Read receipts only by the pair's mentor, only of submitted briefs, first read after submit.
    reads = BriefRead.objects.filter(agenda__meeting__mentorship__program=program)
    assert reads.exists()
    for read in reads.select_related("agenda__meeting__mentorship"):
        assert read.reader_id == read.agenda.meeting.mentorship.mentor_id
        assert read.agenda.status == Agenda.Status.SUBMITTED
        assert read.first_read_at >= read.agenda.submitted_at


def test_it_refuses_to_seed_twice_without_reset(db):
    call_command("seed_bulk", scholars=2, meetings=2, stdout=io.StringIO())
    with pytest.raises(Exception, match="--reset"):
        call_command("seed_bulk", scholars=2, meetings=2, stdout=io.StringIO())
    call_command("seed_bulk", scholars=3, meetings=2, reset=True, stdout=io.StringIO())
    assert Mentorship.objects.filter(program__slug="bulk").count() == 3


def test_it_prints_a_benchmark_table(db):
    out = io.StringIO()
    call_command("bench", repeat=2, warmup=1, scholars=3, meetings=4, stdout=out)
    text = out.getvalue()
    for page in ("baseline (account page)", "brief", "history", "mentor list", "cadence"):
        assert text.count(page) >= 2, page
    assert "× baseline" in text
    assert "queries constant" in text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_meetings(mentorship, n: int):
    for i in range(n):
        meeting = MeetingFactory(
            mentorship=mentorship,
            scheduled_at=timezone.now() - timedelta(days=7 * (i + 1)),
            status=Meeting.Status.HELD,
        )
        agenda = SubmittedAgendaFactory(meeting=meeting)
        QuestionFactory(agenda=agenda)
        QuestionFactory(agenda=agenda)
        ActionItemFactory(mentorship=mentorship, meeting=meeting)


def test_it_keeps_history_mentor_list_and_brief_queries_constant(world):
    mentor_client = world.client_for(world.mentor)
    scholar_client = world.client_for(world.scholar)
    urls = [
        (scholar_client, reverse("history", args=[world.scholar.pk])),
        (mentor_client, reverse("home")),
        (mentor_client, reverse("brief", args=[world.meeting.pk])),
    ]
    _add_meetings(world.mentorship, 2)
    for c, u in urls:  # the first open of a brief records its read receipt: warm up once
        c.get(u)

    def counts() -> list[int]:
        for c, u in urls:  # the mentor's receipt is of the current content
            c.get(u)
        cache.clear()  # built from the database (the brief is kept in the cache, issue 5)
        cold = [_queries(c, u) for c, u in urls]
        return cold + [_queries(c, u) for c, u in urls]  # … and again, from the cache

    small = counts()
    _add_meetings(world.mentorship, 25)
    for _ in range(6):
        _add_meetings(MentorshipFactory(program=world.program, mentor=world.mentor), 2)
    assert counts() == small


def test_it_paginates_history(world):
    _add_meetings(world.mentorship, 25)
    client = world.client_for(world.scholar)
    url = reverse("history", args=[world.scholar.pk])
    first = client.get(url)
    assert len(first.context["entries"]) == 10
    assert "page=2" in first.content.decode()
    last = client.get(url + "?page=3")
    assert len(last.context["entries"]) == 6  # 25 + the world's planned meeting = 26


def test_it_keeps_the_benchmarked_pages_to_a_few_queries(world):
    """Issue 5 benchmark: the brief reuses its read receipt write and loads all annotations in one
    query; history loads its mentorships once and its action items in one query; the mentor list
    reads the mentor's receipts inside the next-meeting query. Counts include the session, the
    user and the navigation (two queries)."""
    _add_meetings(world.mentorship, 12)
    mentor_client = world.client_for(world.mentor)
    scholar_client = world.client_for(world.scholar)
    brief = reverse("brief", args=[world.meeting.pk])
    mentor_client.get(brief)  # the first open creates the receipt; later opens update it
    assert _queries(mentor_client, brief) <= 13
    assert _queries(scholar_client, reverse("history", args=[world.scholar.pk])) <= 10
    assert _queries(mentor_client, reverse("history", args=[world.scholar.pk])) <= 10
    assert _queries(mentor_client, reverse("home")) <= 7


def test_it_builds_the_same_names_from_plain_values_as_user_name(db):
    """Issue 5: the history and the mentor list read people's names as plain values."""
    people = [
        UserFactory(username="ada", display_name="Ada L.", first_name="Ada", last_name="King"),
        UserFactory(username="bob", display_name="", first_name="Bob", last_name=""),
        UserFactory(username="cy", display_name="", first_name="", last_name="Young"),
        UserFactory(username="dee", display_name="", first_name="", last_name=""),
    ]
    rows = User.objects.filter(pk__in=[p.pk for p in people]).values("pk", *USER_NAME_FIELDS)
    assert {row["pk"]: name_from(row, "") for row in rows} == {p.pk: p.name for p in people}
