"""The brief costs the same number of queries whatever the size of the agenda."""

import pytest
from django.urls import reverse

from meetings.models import Agenda
from tests.factories import (
    ActionItemFactory,
    AnnotationFactory,
    MeetingNoteFactory,
    MentorPrivateNoteFactory,
    QuestionFactory,
)


def _grow(world, size: int) -> None:
    """`size` questions, each with a comment, section comments, action items and notes."""
    for i in range(size):
        question = QuestionFactory(agenda=world.agenda, rank=i + 2)
        AnnotationFactory(agenda=world.agenda, section="question", question=question)
        AnnotationFactory(agenda=world.agenda, section=Agenda.SECTION_NAMES[i % 5])
        ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting)
        MeetingNoteFactory(meeting=world.meeting)


# session, user, meeting with its pair, agenda, questions, all comments, the mentor's read
# receipt, action items, the page's navigation (one query), notes, the
# meeting's status changes; the mentor also writes the receipt and reads their private note; the
# last meeting's recap opens a planned meeting's brief; the research plan's milestones (with the
# ones this agenda advances) one more; the previous meeting and what was read since it two more; whom the scholar asked and the pair's earlier agendas (the stuck streak)
# two more.
MENTOR_QUERIES = 19
SCHOLAR_QUERIES = 17


@pytest.mark.parametrize("size", [1, 8])
def test_it_shows_the_mentor_the_brief_in_a_fixed_number_of_queries(
    world, size, django_assert_num_queries
):
    _grow(world, size)
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="Mine")
    client = world.client_for(world.mentor)
    client.get(reverse("brief", args=[world.meeting.pk]))  # a second read: the receipt exists
    with django_assert_num_queries(MENTOR_QUERIES):
        response = client.get(reverse("brief", args=[world.meeting.pk]))
    assert response.status_code == 200
    assert len(response.context["questions"]) == size + 1
    assert b"Mine" in response.content


@pytest.mark.parametrize("size", [1, 8])
def test_it_shows_the_scholar_the_brief_in_a_fixed_number_of_queries(
    world, size, django_assert_num_queries
):
    _grow(world, size)
    world.agenda.wellbeing_visibility = Agenda.Visibility.MENTORS
    world.agenda.save()
    client = world.client_for(world.scholar)
    with django_assert_num_queries(SCHOLAR_QUERIES):
        response = client.get(reverse("brief", args=[world.meeting.pk]))
    assert response.status_code == 200
    assert len(response.context["action_items"]) == size
