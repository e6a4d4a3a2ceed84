"""The lifecycle pages cost the same number of queries whatever the pair's history: the
confirmation steps, and the held meeting's brief with its status record and proposal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.scheduling import lifecycle as scheduling
from tests.factories import MeetingFactory


def _grow(world, size: int) -> None:
    """`size` earlier held meetings, each held and its "held" undone and made again."""
    for i in reversed(range(size)):  # oldest first: a later held meeting fixes earlier ones
        meeting = MeetingFactory(
            mentorship=world.mentorship, scheduled_at=timezone.now() - timedelta(days=7 * (i + 2))
        )
        scheduling.mark_held(meeting, by=world.mentor)
        scheduling.undo(meeting, by=world.mentor)
        scheduling.mark_held(meeting, by=world.mentor)


# session, user, meeting with its pair, its status changes, the page's navigation (one:
# is a scholar, staffed programs); "held" also asks meeting mode whether both began and what it will file
CONFIRM_QUERIES = {"meeting_cancel": 5, "meeting_held": 6}


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("name", ["meeting_held", "meeting_cancel"])
def test_the_confirmation_steps_cost_a_fixed_number_of_queries(
    world, size, name, django_assert_num_queries
):
    _grow(world, size)
    world.meeting.scheduled_at = timezone.now() - timedelta(minutes=5)
    world.meeting.save()
    client = world.client_for(world.mentor)
    with django_assert_num_queries(CONFIRM_QUERIES[name]):
        response = client.get(reverse(name, args=[world.meeting.pk]))
    assert response.status_code == 200 and b"Yes, " in response.content


# the brief's 20 (test_brief_queries.py) less the last recap (a planned meeting's only), and the
# proposal (one query, the pair's facts)
HELD_BRIEF_QUERIES = 19


@pytest.mark.parametrize("size", [1, 8])
def test_the_held_brief_with_its_proposal_costs_a_fixed_number_of_queries(
    world, size, django_assert_num_queries
):
    _grow(world, size)
    world.meeting.scheduled_at = timezone.now() - timedelta(minutes=5)
    world.meeting.save()
    scheduling.mark_held(world.meeting, by=world.mentor)
    client = world.client_for(world.mentor)
    client.get(reverse("brief", args=[world.meeting.pk]))  # the read receipt exists
    with django_assert_num_queries(HELD_BRIEF_QUERIES):
        response = client.get(reverse("brief", args=[world.meeting.pk]))
    assert response.context["proposal"] is not None
    assert b"(proposed)" in response.content and b"Undo" in response.content
