"""Marking a meeting held (meeting_held): the mentor only, a planned meeting only."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_it_lets_the_mentor_mark_the_meeting_held(world):
    response = world.client_for(world.mentor).post(
        reverse("meeting_held", args=[world.meeting.pk]), follow=True
    )
    assert response.redirect_chain[0][0] == reverse("brief", args=[world.meeting.pk])
    assert "Meeting marked held" in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.HELD and world.meeting.held_at == NOW


@pytest.mark.parametrize(
    "role", ["scholar", "staff", "manager", "other_mentor", "other_scholar", "outsider"]
)
def test_it_lets_no_one_else_mark_it_held(world, role):
    response = world.client_for(getattr(world, role)).post(
        reverse("meeting_held", args=[world.meeting.pk])
    )
    assert response.status_code == 404
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.PLANNED


def test_it_keeps_a_cancelled_meeting_cancelled(world):
    world.meeting.status = Meeting.Status.CANCELLED
    world.meeting.save()
    response = world.client_for(world.mentor).post(
        reverse("meeting_held", args=[world.meeting.pk]), follow=True
    )
    assert "Only a planned meeting can be marked held." in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.CANCELLED and world.meeting.held_at is None
