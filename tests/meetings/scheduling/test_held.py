"""Marking a meeting held (meeting_held): the mentor only, a planned meeting only, from its
start time on, after a confirmation step."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting, StatusChange
from tests.factories import MeetingFactory

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def started(world):
    world.meeting.scheduled_at = NOW - timedelta(minutes=20)
    world.meeting.save()
    return world.meeting


def test_it_lets_the_mentor_mark_a_started_meeting_held(world, started):
    response = world.client_for(world.mentor).post(
        reverse("meeting_held", args=[started.pk]), follow=True
    )
    assert response.redirect_chain[0][0] == reverse("brief", args=[started.pk])
    assert "Meeting marked held" in response.content.decode()
    started.refresh_from_db()
    assert started.status == Meeting.Status.HELD and started.held_at == NOW
    change = StatusChange.objects.get(meeting=started)
    assert (change.action, change.by, change.at) == ("held", world.mentor, NOW)


def test_it_refuses_a_meeting_that_has_not_started(world):
    """Time-zone aware: in Berlin the meeting is on 2 Dec at 00:30, and it is still 1 Dec."""
    world.mentor.time_zone = "Europe/Berlin"
    world.mentor.save()
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2026, 12, 1, 22, 0, tzinfo=UTC), tick=False):
        response = world.client_for(world.mentor).post(
            reverse("meeting_held", args=[meeting.pk]), follow=True
        )
    body = response.content.decode()
    assert "This meeting starts on Wednesday 2 December 2026, 00:30 (your time)" in body
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.held_at is None
    assert not StatusChange.objects.exists()


def test_it_lets_the_mentor_mark_it_held_from_the_start_on(world):
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    )
    client = world.client_for(world.mentor)
    with time_machine.travel(datetime(2026, 12, 2, 13, 59, tzinfo=UTC), tick=False):
        client.post(reverse("meeting_held", args=[meeting.pk]))
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.PLANNED
    with time_machine.travel(datetime(2026, 12, 2, 14, 0, tzinfo=UTC), tick=False):
        client.post(reverse("meeting_held", args=[meeting.pk]))
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.HELD


def test_it_offers_the_button_only_once_the_meeting_has_started(world, started):
    url = reverse("meeting_held", args=[world.meeting.pk])
    client = world.client_for(world.mentor)
    assert f'href="{url}"' in client.get(reverse("brief", args=[started.pk])).content.decode()
    started.scheduled_at = NOW + timedelta(hours=2)
    started.save()
    page = client.get(reverse("brief", args=[started.pk])).content.decode()
    assert f'href="{url}"' not in page
    assert "You can mark it held once it has started." in page


def test_it_asks_before_marking_held(world, started):
    url = reverse("meeting_held", args=[started.pk])
    page = world.client_for(world.mentor).get(url).content.decode()
    assert "Mark this meeting held?" in page and f'action="{url}"' in page
    started.refresh_from_db()
    assert started.status == Meeting.Status.PLANNED


def test_the_confirmation_says_when_it_may_be_marked_instead_of_a_form(world):
    url = reverse("meeting_held", args=[world.meeting.pk])  # two days ahead
    page = world.client_for(world.mentor).get(url).content.decode()
    assert "mark it held once it has started" in page and f'action="{url}"' not in page


@pytest.mark.parametrize(
    "role", ["scholar", "staff", "manager", "other_mentor", "other_scholar", "outsider"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_lets_no_one_else_mark_it_held(world, started, role, method):
    client = world.client_for(getattr(world, role))
    response = getattr(client, method)(reverse("meeting_held", args=[started.pk]))
    assert response.status_code == 404
    started.refresh_from_db()
    assert started.status == Meeting.Status.PLANNED


def test_it_keeps_a_cancelled_meeting_cancelled(world, started):
    started.status = Meeting.Status.CANCELLED
    started.save()
    response = world.client_for(world.mentor).post(
        reverse("meeting_held", args=[started.pk]), follow=True
    )
    assert "Only a planned meeting can be marked held." in response.content.decode()
    started.refresh_from_db()
    assert started.status == Meeting.Status.CANCELLED and started.held_at is None


def test_it_refuses_when_the_meeting_changed_meanwhile(world, started):
    """Two tabs: one cancels, the other (loaded before) marks held: the second is refused."""
    from meetings.scheduling import lifecycle as scheduling

    loaded_before = Meeting.objects.get(pk=started.pk)
    scheduling.cancel(started, by=world.scholar)
    with pytest.raises(scheduling.NotPlanned):
        scheduling.mark_held(loaded_before, by=world.mentor)
    started.refresh_from_db()
    assert started.status == Meeting.Status.CANCELLED
    assert list(StatusChange.objects.values_list("action", flat=True)) == ["cancelled"]
