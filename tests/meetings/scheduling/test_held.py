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


# --- One "held", whatever the page: meeting mode's captures are filed ------------------------

# Every page that marks a meeting held: the brief's confirmation step and meeting mode's own
# button, each as a plain form post and with htmx.
HELD_ROUTES = [
    pytest.param("meeting_held", False, id="brief-confirmation"),
    pytest.param("meeting_held", True, id="brief-confirmation-htmx"),
    pytest.param("live_held", False, id="meeting-mode"),
    pytest.param("live_held", True, id="meeting-mode-htmx"),
]


def _capture_all_three(world):
    question = world.agenda.questions.first()
    scholar, mentor = world.client_for(world.scholar), world.client_for(world.mentor)
    url = reverse("live_capture", args=[world.meeting.pk])
    scholar.post(url, {"kind": "answer", "text": "Start with the pilot", "question": question.pk})
    mentor.post(url, {"kind": "decision", "text": "We drop dataset B"})
    scholar.post(url, {"kind": "action", "text": "Rerun with three seeds"})
    return question


@pytest.mark.parametrize(("route", "htmx"), HELD_ROUTES)
def test_marking_held_from_every_route_files_every_capture(world, started, route, htmx):
    from meetings.models import ActionItem, Annotation, Capture, MeetingNote, Question

    question = _capture_all_three(world)
    client = world.client_for(world.mentor)
    response = (client.htmx if htmx else client).post(reverse(route, args=[started.pk]))
    assert response.status_code in (200, 302)
    started.refresh_from_db()
    assert started.is_held
    assert Annotation.objects.get(question=question).body == "Start with the pilot"
    question.refresh_from_db()
    assert question.status == Question.Status.DISCUSSED
    assert MeetingNote.objects.get(meeting=started).body == "We drop dataset B"
    assert ActionItem.objects.get(meeting=started).text == "Rerun with three seeds"
    assert not Capture.objects.filter(filed_at__isnull=True).exists()


def test_the_confirmation_says_what_meeting_mode_files(world, started):
    _capture_all_three(world)
    page = world.client_for(world.mentor).get(reverse("meeting_held", args=[started.pk]))
    assert (
        "3 answers, decisions or action items captured in meeting mode go into its record"
        in page.content.decode()
    )
    response = world.client_for(world.mentor).post(
        reverse("meeting_held", args=[started.pk]), follow=True
    )
    assert "3 captures from meeting mode filed into its record" in response.content.decode()


# --- A meeting run early ---------------------------------------------------------------------


def _open_meeting_mode(world, user, at):
    with time_machine.travel(at, tick=False):
        assert (
            world.client_for(user).get(reverse("live", args=[world.meeting.pk])).status_code == 200
        )


@pytest.mark.parametrize("route", ["meeting_held", "live_held"])
def test_a_meeting_both_opened_early_may_be_held_and_takes_the_time_it_began(world, route):
    """Planned for 11:00; the scholar opens meeting mode at 8:40, the mentor at 8:45: it began
    at 8:45, and marking it held at 9:00 gives it that time, which its status change keeps."""
    planned = NOW + timedelta(hours=2)
    world.meeting.scheduled_at = planned
    world.meeting.save()
    _open_meeting_mode(world, world.scholar, NOW - timedelta(minutes=20))
    began = NOW - timedelta(minutes=15)
    _open_meeting_mode(world, world.mentor, began)
    client = world.client_for(world.mentor)
    page = client.get(reverse("meeting_held", args=[world.meeting.pk])).content.decode()
    assert "Yes, mark it held" in page and "the meeting takes the time it began" in page
    client.post(reverse(route, args=[world.meeting.pk]))
    world.meeting.refresh_from_db()
    assert world.meeting.is_held and world.meeting.scheduled_at == began
    assert world.meeting.rescheduled_from == planned
    change = StatusChange.objects.get(meeting=world.meeting)
    assert (change.action, change.moved_from) == ("held", planned)
    log = client.get(reverse("meeting_held", args=[world.meeting.pk])).content.decode()
    assert "begun early, so its time moved from 1 Mar 2027, 11:00" in log


def test_undoing_an_early_held_gives_the_meeting_its_planned_time_back(world):
    from meetings.scheduling import lifecycle as scheduling

    planned = NOW + timedelta(hours=2)
    world.meeting.scheduled_at = planned
    world.meeting.save()
    _open_meeting_mode(world, world.scholar, NOW - timedelta(minutes=5))
    _open_meeting_mode(world, world.mentor, NOW)
    scheduling.mark_held(world.meeting, by=world.mentor)
    scheduling.undo(world.meeting, by=world.mentor)
    world.meeting.refresh_from_db()
    assert world.meeting.is_open and world.meeting.scheduled_at == planned
    assert world.meeting.rescheduled_from is None


def test_one_person_in_meeting_mode_early_is_not_a_meeting(world):
    world.meeting.scheduled_at = NOW + timedelta(hours=2)
    world.meeting.save()
    _open_meeting_mode(world, world.mentor, NOW - timedelta(minutes=5))
    response = world.client_for(world.mentor).htmx.post(
        reverse("live_held", args=[world.meeting.pk])
    )
    assert response.status_code == 422
    assert "or once you have both opened meeting mode" in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.is_open and world.meeting.scheduled_at == NOW + timedelta(hours=2)


def test_a_meeting_opened_early_but_held_late_still_takes_the_time_it_began(world):
    """Both in meeting mode at 8:50 for a 9:00 meeting, marked held at 9:40: it began at 8:50."""
    from meetings.scheduling import lifecycle as scheduling

    world.meeting.scheduled_at = NOW
    world.meeting.save()
    _open_meeting_mode(world, world.scholar, NOW - timedelta(minutes=12))
    _open_meeting_mode(world, world.mentor, NOW - timedelta(minutes=10))
    with time_machine.travel(NOW + timedelta(minutes=40), tick=False):
        scheduling.mark_held(world.meeting, by=world.mentor)
    world.meeting.refresh_from_db()
    assert world.meeting.scheduled_at == NOW - timedelta(minutes=10)
