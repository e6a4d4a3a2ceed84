"""The questions-over-time chart on the history page: numbers worked out by hand, and who sees
which meetings counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.history.question_chart import questions_over_time
from meetings.models import Meeting, Question
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

S = Question.Status


def _agenda(mentorship, days_ago: int, submitted: bool = True):
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD if days_ago > 0 else Meeting.Status.PLANNED,
    )
    factory = SubmittedAgendaFactory if submitted else AgendaFactory
    return factory(meeting=meeting)


@pytest.fixture
def second(world):
    """Three meetings of the scholar's first pair, with carried questions; a draft; a meeting with
    a second mentor. The world's own meeting (in two days) has one open question."""
    m1 = _agenda(world.mentorship, 28)
    q1 = QuestionFactory(agenda=m1, status=S.OPEN)
    QuestionFactory(agenda=m1, status=S.RESOLVED)
    QuestionFactory(agenda=m1, status=S.ANSWERED)
    m2 = _agenda(world.mentorship, 21)
    q1b = QuestionFactory(agenda=m2, carried_from=q1, status=S.DISCUSSED)
    QuestionFactory(agenda=m2, status=S.DROPPED)
    q5 = QuestionFactory(agenda=m2, status=S.OPEN)
    m3 = _agenda(world.mentorship, 14)
    QuestionFactory(agenda=m3, carried_from=q1b, status=S.RESOLVED)
    QuestionFactory(agenda=m3, carried_from=q5, status=S.OPEN)
    draft = _agenda(world.mentorship, -9, submitted=False)
    QuestionFactory(agenda=draft)
    pair = MentorshipFactory(
        program=world.program, scholar=world.scholar, mentor=UserFactory(username="second")
    )
    m5 = _agenda(pair, 10)
    QuestionFactory(agenda=m5)
    QuestionFactory(agenda=m5)
    return pair


def _numbers(chart) -> list[tuple[int, int, int, int]]:
    return [(p.asked, p.resolved, p.dropped, p.open) for p in chart.points]


def test_it_counts_a_carried_question_once_with_its_newest_state(world, second):
    chart = questions_over_time(world.mentor, world.scholar.pk)
    # M1: 3 asked, 2 settled (resolved, answered), 1 open.
    # M2: +2 new (one dropped, one open); the carried one is discussed: still open.
    # M3: the carried one resolved at last; the other still open.
    # The world's meeting: +1 open. The draft and the second pair's meeting do not count.
    assert _numbers(chart) == [(3, 2, 0, 1), (5, 2, 1, 2), (5, 3, 1, 1), (6, 3, 1, 2)]
    assert chart.label == "Questions over 4 meetings: 6 asked, 3 resolved, 2 open, 1 dropped."


def test_the_scholar_counts_every_pair_but_not_drafts(world, second):
    chart = questions_over_time(world.scholar, world.scholar.pk)
    assert _numbers(chart) == [
        (3, 2, 0, 1),
        (5, 2, 1, 2),
        (5, 3, 1, 1),
        (7, 3, 1, 3),  # the second mentor's meeting, ten days ago
        (8, 3, 1, 4),
    ]


def test_the_second_mentor_counts_their_own_pair_only(world, second):
    chart = questions_over_time(second.mentor, world.scholar.pk)
    assert _numbers(chart) == [(2, 0, 0, 2)]
    assert chart.label == "Questions over 1 meeting: 2 asked, 0 resolved, 2 open."


def _lines(chart):
    asked, resolved = chart.plot.lines
    assert (asked.kind, resolved.kind) == ("q-asked", "q-resolved")
    return asked, resolved


def test_it_places_the_points_on_the_chart(world, second):
    chart = questions_over_time(world.mentor, world.scholar.pk)
    asked, resolved = _lines(chart)
    # 280 × 96: x from 20 (after the count labels) to 274, y from 90 (none) up to 6 (the most
    # asked: 6)
    assert [x for x, _ in asked.vertices] == [20.0, 104.7, 189.3, 274.0]
    assert [y for _, y in asked.vertices] == [48.0, 20.0, 20.0, 6.0]
    assert resolved.vertices == ((20.0, 62.0), (104.7, 62.0), (189.3, 48.0), (274.0, 48.0))
    assert asked.points == "20.0,48.0 104.7,20.0 189.3,20.0 274.0,6.0"
    assert [t.text for t in chart.plot.ticks] == ["6", "0"]


def test_it_centres_a_single_meeting_and_handles_none(world):
    world.agenda.questions.all().delete()
    assert questions_over_time(world.scholar, world.scholar.pk).points == []
    QuestionFactory(agenda=world.agenda)
    chart = questions_over_time(world.scholar, world.scholar.pk)
    assert len(chart.points) == 1
    asked, resolved = _lines(chart)
    assert (asked.vertices, resolved.vertices) == (((147.0, 6.0),), ((147.0, 90.0),))


def test_it_counts_nothing_for_someone_else(world, second):
    for user in (world.other_mentor, world.staff, world.manager, world.other_scholar):
        assert questions_over_time(user, world.scholar.pk).points == []


def test_it_draws_the_chart_on_the_history_page_with_a_text_alternative(world, second):
    html = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    html = html.content.decode()
    label = "Questions over 4 meetings: 6 asked, 3 resolved, 2 open, 1 dropped."
    assert f'role="img" aria-label="{label}"><title>{label}</title>' in html
    assert 'points="20.0,48.0 104.7,20.0 189.3,20.0 274.0,6.0"' in html
    assert "<td>6</td><td>3</td><td>2</td>" in html  # the table's last row
    assert html.count('<tr><th scope="row">') == 4


def test_it_says_so_when_no_question_was_asked(world):
    world.agenda.questions.all().delete()
    html = world.client_for(world.scholar).get(reverse("history", args=[world.scholar.pk]))
    assert "No questions asked yet." in html.content.decode()
    assert 'class="qchart"' not in html.content.decode()
