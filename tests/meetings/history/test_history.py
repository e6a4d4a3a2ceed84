"""A scholar's history: what the scholar and each of their mentors see of it, and its cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting, Question
from meetings.plans import domain as plans
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    AnnotationFactory,
    MeetingFactory,
    MeetingNoteFactory,
    MentorPrivateNoteFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)


def _history(client, scholar, page: int | None = None):
    url = reverse("history", args=[scholar.pk]) + (f"?page={page}" if page else "")
    response = client.get(url)
    assert response.status_code == 200
    return response


def _held(mentorship, days_ago: int, **agenda) -> Meeting:
    """A held meeting with a submitted agenda, a question, comments, an item and a note."""
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    agenda = SubmittedAgendaFactory(meeting=meeting, **agenda)
    question = QuestionFactory(agenda=agenda, text=f"Question {days_ago}?")
    AnnotationFactory(agenda=agenda, question=question, section="question", body=f"On q {days_ago}")
    AnnotationFactory(agenda=agenda, body=f"On section {days_ago}")
    ActionItemFactory(mentorship=mentorship, meeting=meeting, text=f"Item {days_ago}")
    MeetingNoteFactory(meeting=meeting, body=f"Note {days_ago}")
    return meeting


@pytest.fixture
def two_mentors(world):
    """The world's scholar with a second mentor: a held meeting in each pair, a draft in the
    first, and check-ins shared with mentors (first pair) and kept private (second pair)."""
    second = MentorshipFactory(
        program=world.program,
        scholar=world.scholar,
        mentor=UserFactory(username="second", display_name="Second Mentor"),
    )
    _held(
        world.mentorship,
        7,
        bottleneck="FIRST-PAIR bottleneck",
        wellbeing_energy=4,
        wellbeing_note="FIRST-SHARED check-in",
        wellbeing_visibility=Agenda.Visibility.MENTORS,
    )
    _held(
        second,
        3,
        bottleneck="SECOND-PAIR bottleneck",
        wellbeing_energy=2,
        wellbeing_note="SECOND-PRIVATE check-in",
        wellbeing_visibility=Agenda.Visibility.ONLY_ME,
    )
    draft = MeetingFactory(mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(9))
    AgendaFactory(meeting=draft, bottleneck="DRAFT-ONLY bottleneck")
    return second


FIRST = ["FIRST-PAIR", "Question 7?", "On q 7", "On section 7", "Item 7", "Note 7"]
SECOND = ["SECOND-PAIR", "Question 3?", "On q 3", "On section 3", "Item 3", "Note 3"]


def test_it_shows_each_mentor_the_content_of_their_own_pair_only(world, two_mentors):
    first = _history(world.client_for(world.mentor), world.scholar).content.decode()
    second = _history(world.client_for(two_mentors.mentor), world.scholar).content.decode()
    for text in FIRST:
        assert text in first and text not in second
    for text in SECOND:
        assert text in second and text not in first
    for html in (first, second):
        # every meeting's date, status and mentor, whoever's pair it is
        assert html.count('class="history-entry') == 4
        assert "with Second Mentor" in html and "with Mentor" in html
        assert "DRAFT-ONLY" not in html
    other_brief = reverse(
        "brief", args=[Meeting.objects.get(agenda__bottleneck="SECOND-PAIR bottleneck").pk]
    )
    assert other_brief not in first and other_brief in second


def test_it_shows_the_scholar_everything_including_drafts_and_check_ins(world, two_mentors):
    html = _history(world.client_for(world.scholar), world.scholar).content.decode()
    for text in [*FIRST, *SECOND, "DRAFT-ONLY", "FIRST-SHARED", "SECOND-PRIVATE"]:
        assert text in html


def test_it_shows_a_check_in_to_mentors_only_when_shared_with_them(world, two_mentors):
    first = _history(world.client_for(world.mentor), world.scholar).content.decode()
    second = _history(world.client_for(two_mentors.mentor), world.scholar).content.decode()
    assert "FIRST-SHARED" in first
    assert "SECOND-PRIVATE" not in second and "Check-in" not in second


def test_it_names_the_owner_of_each_action_item(world, two_mentors):
    ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting, owner="mentor")
    html = _history(world.client_for(world.mentor), world.scholar).content.decode()
    assert 'Item 7 <small class="muted">· Scholar</small>' in html
    assert "· Mentor</small>" in html
    assert "· scholar<" not in html and "· mentor<" not in html


def test_it_lists_the_open_items_of_the_viewers_pairs(world, two_mentors):
    html = _history(world.client_for(world.mentor), world.scholar).content.decode()
    aside = html[html.index("Open action items") :]
    assert "Item 7 <small" in aside and "Item 3" not in aside


def test_it_shows_the_mentor_their_private_note_only(world, two_mentors):
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="NOTE-1")
    assert b"NOTE-1" in _history(world.client_for(world.mentor), world.scholar).content
    for user in (two_mentors.mentor, world.scholar):
        response = _history(world.client_for(user), world.scholar)
        assert b"NOTE-1" not in response.content
    assert b"Your private note" not in response.content  # the scholar has no note form


def test_it_marks_answered_questions(world):
    question = world.agenda.questions.get()
    html = _history(world.client_for(world.mentor), world.scholar).content.decode()
    assert '<span class="">SECRET-QUESTION' in html
    question.status = Question.Status.RESOLVED
    question.save()
    html = _history(world.client_for(world.mentor), world.scholar).content.decode()
    assert '<span class="answered">SECRET-QUESTION' in html


def test_it_pages_ten_meetings_newest_first(world):
    for days in range(1, 13):
        _held(world.mentorship, days, bottleneck=f"Bottleneck {days} days ago")
    client = world.client_for(world.mentor)
    first = _history(client, world.scholar)
    assert len(first.context["entries"]) == 10
    html = first.content.decode()
    assert html.index("Bottleneck 1 days") < html.index("Bottleneck 9 days")
    assert "page 1 of 2" in html and "Bottleneck 10 days" not in html
    last = _history(client, world.scholar, page=2)
    assert len(last.context["entries"]) == 3  # 12 + the world's planned meeting
    assert "Bottleneck 12 days" in last.content.decode()


# the research plan's milestones and the agendas that advanced them are two of these, the
# weekly reading counts one, the questions chart one, the
# bottleneck timeline two (submitted agendas, whom the scholar asked), the page's action items
# and the open ones one; for a mentor, one more:
# the scholar's growth sharing (the link to their growth page only when something is shared)
@pytest.mark.parametrize("role,queries", [("scholar", 18), ("mentor", 20)])
@pytest.mark.parametrize("held", [1, 11])
def test_it_builds_the_history_in_the_same_number_of_queries(
    world, django_assert_num_queries, role, queries, held
):
    for days in range(1, held + 1):
        _held(world.mentorship, days)
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="n")
    for i in range(held):
        plans.add_milestone(world.scholar, f"Milestone {i}", None).agendas.add(world.agenda)
    client = world.client_for(getattr(world, role))
    with django_assert_num_queries(queries):
        response = client.get(reverse("history", args=[world.scholar.pk]))
    assert len(response.context["entries"]) == min(held + 1, 10)
    assert "On q 1" in response.content.decode()
