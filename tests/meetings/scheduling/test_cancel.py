"""Cancelling one planned meeting (meeting_cancel): a confirmation step (GET), then the POST."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting, StatusChange
from meetings.scheduling import lifecycle as scheduling

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.mark.parametrize(
    "role,allowed,then",
    [
        ("scholar", True, "brief"),
        ("mentor", True, "brief"),
        ("staff", True, "meeting_cancel"),
        ("manager", True, "meeting_cancel"),
        ("other_mentor", False, None),
        ("other_scholar", False, None),
        ("other_staff", False, None),
        ("outsider", False, None),
    ],
)
def test_it_lets_the_pair_and_program_staff_cancel(world, role, allowed, then):
    response = world.client_for(getattr(world, role)).post(
        reverse("meeting_cancel", args=[world.meeting.pk])
    )
    world.meeting.refresh_from_db()
    if allowed:
        # the pair sees the status and its undo on the brief; staff on the meeting's status page
        assert response.status_code == 302
        assert response.url == reverse(then, args=[world.meeting.pk])
        assert world.meeting.status == Meeting.Status.CANCELLED
        change = StatusChange.objects.get(meeting=world.meeting)
        assert change.action == "cancelled" and change.by == getattr(world, role)
    else:
        assert response.status_code == 404
        assert world.meeting.status == Meeting.Status.PLANNED


def test_it_asks_before_cancelling(world):
    client = world.client_for(world.scholar)
    url = reverse("meeting_cancel", args=[world.meeting.pk])
    page = client.get(url).content.decode()
    assert "Cancel this meeting?" in page and f'action="{url}"' in page
    assert "Yes, cancel this meeting" in page
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.PLANNED  # asking changes nothing


def test_it_opens_the_confirmation_inline_for_htmx(world):
    client = world.client_for(world.mentor)
    response = client.htmx.get(reverse("meeting_cancel", args=[world.meeting.pk]))
    body = response.content.decode()
    assert 'id="lifecycle-confirm"' in body and "<html" not in body
    assert "HX-Request" in response["Vary"]  # a cache must not give the partial to a page load


def test_the_brief_and_move_page_link_to_the_confirmation_not_a_direct_post(world):
    url = reverse("meeting_cancel", args=[world.meeting.pk])
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    move = world.client_for(world.staff).get(reverse("meeting_reschedule", args=[world.meeting.pk]))
    for page in (brief.content.decode(), move.content.decode()):
        assert f'href="{url}"' in page
        assert f'action="{url}"' not in page


@pytest.mark.parametrize("role", ["other_mentor", "other_scholar", "other_staff", "outsider"])
def test_it_shows_the_confirmation_to_no_one_else(world, role):
    client = world.client_for(getattr(world, role))
    assert client.get(reverse("meeting_cancel", args=[world.meeting.pk])).status_code == 404


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
