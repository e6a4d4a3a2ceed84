"""Cadence figures against hand-computed fixtures (a fixed 'now', Wednesday 18 March 2026)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting
from meetings.staff.cadence import cadence_page, cadence_rows, weekly_grid
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    BriefReadFactory,
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def _meeting(mentorship, days_ago: float, status=Meeting.Status.HELD, **kw):
    return MeetingFactory(
        mentorship=mentorship, scheduled_at=NOW - timedelta(days=days_ago), status=status, **kw
    )


@pytest.fixture
def program(db):
    return ProgramFactory(slug="p", starts_on=date(2026, 1, 5))


@pytest.fixture
def pair_a(program):
    """Weekly pair since the program began: held, cancelled, missed and rescheduled meetings."""
    m = MentorshipFactory(
        program=program,
        scholar=UserFactory(username="a-scholar"),
        mentor=UserFactory(username="a-mentor"),
        cadence_days=7,
        started_on=date(2026, 1, 5),
    )
    recent = _meeting(m, 3)  # held, agenda submitted only 2 h ahead: late
    SubmittedAgendaFactory(meeting=recent, submitted_at=recent.scheduled_at - timedelta(hours=2))
    _meeting(m, 10)  # held, no agenda at all
    _meeting(m, 17, Meeting.Status.CANCELLED)  # cancelled: not held
    missed = _meeting(m, 24, Meeting.Status.PLANNED)  # time passed, never marked held: missed
    AgendaFactory(meeting=missed)
    early = _meeting(m, 40)  # held, agenda 48 h ahead: on time
    SubmittedAgendaFactory(meeting=early)
    # Rescheduled: first planned two days ago, then moved five days ahead.
    moved = _meeting(m, 2, Meeting.Status.PLANNED)
    moved.scheduled_at = NOW + timedelta(days=5)
    moved.save()
    ActionItemFactory(mentorship=m)
    ActionItemFactory(mentorship=m)
    ActionItemFactory(mentorship=m, done=True)
    return m


@pytest.fixture
def pair_b(program):
    """Started mid-program, fortnightly, nothing held yet."""
    return MentorshipFactory(
        program=program,
        scholar=UserFactory(username="b-scholar"),
        cadence_days=14,
        started_on=date(2026, 3, 4),
    )


@pytest.fixture
def pair_c(program):
    """Weekly, last held 20 days ago: overdue."""
    m = MentorshipFactory(
        program=program,
        scholar=UserFactory(username="c-scholar"),
        cadence_days=7,
        started_on=date(2026, 1, 5),
    )
    _meeting(m, 20)
    return m


def _rows(program, **kw):
    return {r.mentorship.pk: r for r in cadence_rows(program.mentorships.all(), now=NOW, **kw)}


def test_it_computes_the_figures_of_a_pair_by_hand(program, pair_a, pair_b, pair_c):
    r = _rows(program)[pair_a.pk]
    assert (r.held_4w, r.held_8w, r.held_total) == (2, 3, 3)
    # 72 days since 5 January: 28/7, 56/7 and 72/7 expected meetings.
    assert (r.expected_4w, r.expected_8w, r.expected_total) == (4.0, 8.0, 10.3)
    assert r.days_since_last == 3
    assert r.on_time_share == pytest.approx(1 / 3)
    assert r.unprepared is True
    assert r.open_items == 2
    assert r.overdue is False
    assert r.mentorship.next_meeting_at == NOW + timedelta(days=5)


def test_it_prorates_a_mentorship_that_started_mid_program(program, pair_a, pair_b, pair_c):
    r = _rows(program)[pair_b.pk]
    # 14 days since 4 March at a 14-day cadence: one meeting expected in every window.
    assert (r.expected_4w, r.expected_8w, r.expected_total) == (1.0, 1.0, 1.0)
    assert (r.held_total, r.days_since_last, r.on_time_share) == (0, None, None)
    assert r.overdue is False  # 14 days < 1.5 × 14
    assert r.unprepared is False


def test_it_flags_a_pair_without_a_recent_held_meeting(program, pair_a, pair_b, pair_c):
    rows = _rows(program)
    assert rows[pair_c.pk].overdue is True
    assert rows[pair_c.pk].days_since_last == 20
    assert set(_rows(program, flag="overdue")) == {pair_c.pk}
    # C held its one meeting without any agenda: 0% on time.
    assert set(_rows(program, flag="unprepared")) == {pair_a.pk, pair_c.pk}


def test_it_counts_overdue_from_the_start_when_nothing_was_held(program):
    m = MentorshipFactory(program=program, cadence_days=7, started_on=date(2026, 3, 1))
    assert _rows(program)[m.pk].overdue is True  # 17 days > 10.5 days, nothing held


def test_it_sorts_by_figures_and_reverses(program, pair_a, pair_b, pair_c):
    order = [
        r.mentorship.pk for r in cadence_rows(program.mentorships.all(), sort="held_total", now=NOW)
    ]
    assert order == [pair_b.pk, pair_c.pk, pair_a.pk]
    order = [
        r.mentorship.pk
        for r in cadence_rows(program.mentorships.all(), sort="-held_total", now=NOW)
    ]
    assert order == [pair_a.pk, pair_c.pk, pair_b.pk]
    # Days since last held: never-held pairs count as the longest gap.
    order = [
        r.mentorship.pk for r in cadence_rows(program.mentorships.all(), sort="-days", now=NOW)
    ]
    assert order == [pair_b.pk, pair_c.pk, pair_a.pk]


def test_it_paginates_with_overdue_pairs_first(program, pair_a, pair_b, pair_c):
    first = cadence_page(program.mentorships.all(), per_page=2, now=NOW)
    assert (first.total, first.pages) == (3, 2)
    assert first.rows[0].mentorship.pk == pair_c.pk
    second = cadence_page(program.mentorships.all(), per_page=2, page=2, now=NOW)
    assert len(second.rows) == 1
    assert {r.mentorship.pk for r in first.rows + second.rows} == {pair_a.pk, pair_b.pk, pair_c.pk}


def test_it_fills_the_weekly_grid_with_every_state(program, pair_a):
    with timezone.override("UTC"):
        cells = {c.week: c for c in weekly_grid([pair_a.pk], NOW)[pair_a.pk]}
    # 18 March 2026 is a Wednesday: this week starts on Monday 16 March.
    assert cells[date(2026, 3, 9)].held == 1  # 15 March held (Sunday)
    assert cells[date(2026, 3, 2)].held == 1  # 8 March held (Sunday)
    assert cells[date(2026, 2, 23)].cancelled == 1  # 1 March (Sunday)
    assert cells[date(2026, 2, 23)].state == "cancelled"
    assert cells[date(2026, 2, 16)].missed == 1  # 22 February, never marked held
    assert cells[date(2026, 2, 16)].state == "missed"
    assert cells[date(2026, 3, 23)].planned == 1  # the rescheduled meeting, 23 March
    assert cells[date(2026, 3, 16)].state == "none"  # nothing left where it was first planned


def test_it_puts_meetings_in_the_viewers_week(program):
    m = MentorshipFactory(program=program)
    # Sunday 23:30 UTC is already Monday 00:30 in Berlin.
    MeetingFactory(
        mentorship=m,
        scheduled_at=datetime(2026, 3, 15, 23, 30, tzinfo=UTC),
        status=Meeting.Status.HELD,
    )
    with timezone.override("UTC"):
        utc = {c.week: c.held for c in weekly_grid([m.pk], NOW)[m.pk]}
    with timezone.override("Europe/Berlin"):
        berlin = {c.week: c.held for c in weekly_grid([m.pk], NOW)[m.pk]}
    assert utc[date(2026, 3, 9)] == 1 and utc[date(2026, 3, 16)] == 0
    assert berlin[date(2026, 3, 16)] == 1 and berlin[date(2026, 3, 9)] == 0


@pytest.mark.parametrize(
    "sort",
    [
        "attention",
        "scholar",
        "mentor",
        "cadence",
        "held_4w",
        "held_8w",
        "held_total",
        "days",
        "on_time",
        "opened",
        "open_items",
    ],
)
def test_it_pages_through_every_sort_without_losing_rows(program, pair_a, pair_b, pair_c, sort):
    for key in (sort, f"-{sort}"):
        seen = []
        for page in (1, 2):
            result = cadence_page(
                program.mentorships.all(), sort=key, per_page=2, page=page, now=NOW
            )
            seen += [r.mentorship.pk for r in result.rows]
        assert sorted(seen) == sorted([pair_a.pk, pair_b.pk, pair_c.pk]), key
        full = [r.mentorship.pk for r in cadence_rows(program.mentorships.all(), sort=key, now=NOW)]
        assert full == seen, key


def _read(agenda, reader, hours_from_meeting: float):
    at = agenda.meeting.scheduled_at + timedelta(hours=hours_from_meeting)
    return BriefReadFactory(
        agenda=agenda, reader=reader, first_read_at=at, last_read_at=at + timedelta(hours=30)
    )


@pytest.fixture
def pair_d(program):
    """Weekly pair whose mentor opens some briefs before, one after, one never."""
    m = MentorshipFactory(
        program=program,
        scholar=UserFactory(username="d-scholar"),
        mentor=UserFactory(username="d-mentor"),
        cadence_days=7,
        started_on=date(2026, 1, 5),
    )
    before = SubmittedAgendaFactory(meeting=_meeting(m, 3))
    _read(before, m.mentor, -20)  # opened the evening before (read again later: first read counts)
    after = SubmittedAgendaFactory(meeting=_meeting(m, 10))
    _read(after, m.mentor, 2)  # first opened only after the meeting
    SubmittedAgendaFactory(meeting=_meeting(m, 17))  # never opened
    other_reader = SubmittedAgendaFactory(meeting=_meeting(m, 24))
    _read(other_reader, UserFactory(), -5)  # someone else's read does not count for the mentor
    _meeting(m, 31)  # held without an agenda: no brief to open, not in the share
    late = _meeting(m, 45)
    late_brief = SubmittedAgendaFactory(
        meeting=late, submitted_at=late.scheduled_at + timedelta(hours=1)
    )
    _read(late_brief, m.mentor, 2)  # submitted after the meeting began: could not be read before
    cancelled = SubmittedAgendaFactory(meeting=_meeting(m, 38, Meeting.Status.CANCELLED))
    _read(cancelled, m.mentor, -3)  # not held: not counted
    upcoming = SubmittedAgendaFactory(meeting=_meeting(m, -2, Meeting.Status.PLANNED))
    _read(upcoming, m.mentor, -1)  # not held yet: not counted
    return m


@pytest.fixture
def pair_e(program):
    """Every brief opened before the meeting."""
    m = MentorshipFactory(
        program=program, scholar=UserFactory(username="e-scholar"), cadence_days=7
    )
    for days in (5, 12):
        _read(SubmittedAgendaFactory(meeting=_meeting(m, days)), m.mentor, -1)
    return m


def test_it_computes_the_share_of_briefs_opened_before_the_meeting(
    program, pair_a, pair_b, pair_c, pair_d, pair_e
):
    rows = _rows(program)
    d = rows[pair_d.pk]
    # Four held meetings with a brief submitted in time; only the one read the evening before
    # counts (the brief submitted after the meeting began is not in the share).
    assert (d.briefs, d.briefs_read_before) == (4, 1)
    assert d.opened_share == pytest.approx(1 / 4)
    assert d.unread is True
    e = rows[pair_e.pk]
    assert (e.briefs, e.briefs_read_before, e.opened_share, e.unread) == (2, 2, 1.0, False)
    # A: two held meetings with a brief, neither opened. B: none held. C: held without an agenda.
    assert (rows[pair_a.pk].briefs, rows[pair_a.pk].opened_share) == (2, 0.0)
    assert rows[pair_a.pk].unread is True
    assert rows[pair_b.pk].opened_share is None and rows[pair_b.pk].unread is False
    assert (rows[pair_c.pk].briefs, rows[pair_c.pk].opened_share) == (0, None)
    assert rows[pair_c.pk].unread is False
    assert set(_rows(program, flag="unread")) == {pair_a.pk, pair_d.pk}


def test_it_gives_the_same_opened_share_on_a_paginated_page(
    program, pair_a, pair_b, pair_c, pair_d, pair_e
):
    """The dashboard's page figures (one GROUP BY) agree with the whole-program aggregation."""
    full = _rows(program)
    page = cadence_page(program.mentorships.all(), per_page=10, now=NOW)
    assert len(page.rows) == 5
    for r in page.rows:
        expected = full[r.mentorship.pk]
        assert (r.briefs, r.briefs_read_before) == (expected.briefs, expected.briefs_read_before)
    unread = cadence_page(program.mentorships.all(), flag="unread", now=NOW)
    assert {r.mentorship.pk for r in unread.rows} == {pair_a.pk, pair_d.pk}


def test_it_sorts_by_the_opened_share(program, pair_a, pair_b, pair_c, pair_d, pair_e):
    order = [
        r.mentorship.pk for r in cadence_rows(program.mentorships.all(), sort="opened", now=NOW)
    ]
    # 0% (A), 25% (D), 100% (E), then pairs without briefs (B, C by scholar name).
    assert order == [pair_a.pk, pair_d.pk, pair_e.pk, pair_b.pk, pair_c.pk]
    order = [
        r.mentorship.pk for r in cadence_rows(program.mentorships.all(), sort="-opened", now=NOW)
    ]
    # Reversed like every column (pairs without briefs come first, as for agendas on time).
    assert order == [pair_b.pk, pair_c.pk, pair_e.pk, pair_d.pk, pair_a.pk]
