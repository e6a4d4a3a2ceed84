"""Cancelling one planned meeting (meeting_cancel)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from meetings import scheduling
from meetings.models import Meeting

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("scholar", True),
        ("mentor", True),
        ("staff", True),
        ("manager", True),
        ("other_mentor", False),
        ("other_scholar", False),
        ("other_staff", False),
        ("outsider", False),
    ],
)
def test_it_lets_the_pair_and_program_staff_cancel(world, role, allowed):
    response = world.client_for(getattr(world, role)).post(
        reverse("meeting_cancel", args=[world.meeting.pk])
    )
    world.meeting.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and response.url == reverse("home")
        assert world.meeting.status == Meeting.Status.CANCELLED
    else:
        assert response.status_code == 404
        assert world.meeting.status == Meeting.Status.PLANNED


def test_it_answers_get_with_405(world):
    client = world.client_for(world.mentor)
    assert client.get(reverse("meeting_cancel", args=[world.meeting.pk])).status_code == 405


def test_it_keeps_a_held_meeting_held(world):
    world.meeting.mark_held()
    client = world.client_for(world.mentor)
    response = client.post(reverse("meeting_cancel", args=[world.meeting.pk]), follow=True)
    assert "Only a planned meeting can be cancelled." in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.HELD


def test_it_cancels_one_meeting_of_a_series_and_leaves_the_others(world):
    meetings = scheduling.schedule(
        world.mentorship, NOW + timedelta(days=3), 30, by=world.scholar, interval_days=7, count=3
    )
    world.client_for(world.scholar).post(reverse("meeting_cancel", args=[meetings[1].pk]))
    statuses = [m.status for m in meetings[0].series.meetings.order_by("scheduled_at")]
    assert statuses == [Meeting.Status.PLANNED, Meeting.Status.CANCELLED, Meeting.Status.PLANNED]
