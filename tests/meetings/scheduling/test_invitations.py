"""Mail with a calendar invitation to both people when a meeting is scheduled, moved, cancelled
or brought back (meetings/scheduling/invitations.py); the invitation is parsed with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from meetings.models import SentReminder
from meetings.scheduling import lifecycle as scheduling
from tests.factories import MeetingFactory

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a change the way a request does: its queued mail goes once the change is committed."""

    def run(change, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = change(*args, **kwargs)
        return result

    return run


def _invites(message) -> list[tuple[str, icalendar.Calendar]]:
    """The text/calendar parts of a sent mail: (their Content-Type, the parsed calendar)."""
    parts = []
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            parts.append(
                (part["Content-Type"], icalendar.Calendar.from_ical(part.get_payload(decode=True)))
            )
    return parts


def _event(message) -> tuple[str, icalendar.Event]:
    [(content_type, calendar)] = _invites(message)
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def _to(address: str):
    return next(m for m in mail.outbox if m.to == [address])


def test_it_mails_both_people_an_invitation_when_a_meeting_is_scheduled(world, run):
    start = NOW + timedelta(days=3, hours=5)
    [meeting] = run(scheduling.schedule, world.mentorship, start, 45, by=world.scholar)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.scholar.email, world.mentor.email])
    message = _to(world.mentor.email)
    assert "Meeting with Scholar" in message.subject
    assert f"/meetings/{meeting.pk}/" in message.body
    [(content_type, calendar)] = _invites(message)
    assert content_type.startswith("text/calendar") and 'method="REQUEST"' in content_type
    method, event = _event(message)
    assert method == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.pk}@127.0.0.1" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == start
    assert "DTSTART:20270304T140000Z" in calendar.to_ical().decode()  # in UTC
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=45)
    assert str(event["ORGANIZER"]) == "mailto:noreply@mentorprep.local"
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == sorted(f"mailto:{u.email}" for u in (world.scholar, world.mentor))
    assert "SECRET" not in message.body and "SECRET" not in message.message().as_string()


def test_it_keeps_the_uid_and_raises_the_sequence_when_the_meeting_moves(world, run):
    first_start = world.meeting.scheduled_at
    run(scheduling.move, world.meeting, first_start + timedelta(days=1), 30)
    method, moved = _event(_to(world.scholar.email))
    assert method == "REQUEST" and moved["SEQUENCE"] == 1
    assert str(moved["UID"]) == f"meeting-{world.meeting.pk}@127.0.0.1"
    assert moved.decoded("DTSTART") == first_start + timedelta(days=1)
    assert "moved" in _to(world.scholar.email).subject
    run(scheduling.move, world.meeting, first_start + timedelta(days=2), 30)
    _, again = _event(_to(world.mentor.email))
    assert again["UID"] == moved["UID"] and again["SEQUENCE"] == 2


def test_it_sends_a_cancel_when_the_meeting_is_cancelled_and_a_request_when_undone(world, run):
    run(scheduling.cancel, world.meeting, by=world.mentor)
    method, event = _event(_to(world.scholar.email))
    assert method == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1 and str(event["UID"]) == f"meeting-{world.meeting.pk}@127.0.0.1"
    assert "Cancelled" in _to(world.scholar.email).subject
    run(scheduling.undo, world.meeting, by=world.mentor)
    method, event = _event(_to(world.scholar.email))
    assert method == "REQUEST" and str(event["STATUS"]) == "CONFIRMED" and event["SEQUENCE"] == 2


def test_it_sends_one_mail_for_a_series_with_an_invitation_per_meeting(world, run):
    meetings = run(
        scheduling.schedule,
        world.mentorship,
        NOW + timedelta(days=1),
        30,
        by=world.mentor,
        interval_days=7,
        count=3,
    )
    assert len(mail.outbox) == 2
    invites = _invites(_to(world.scholar.email))
    uids = [str(cal.walk("VEVENT")[0]["UID"]) for _, cal in invites]
    assert uids == [f"meeting-{m.pk}@127.0.0.1" for m in meetings]
    assert "3 meetings" in _to(world.scholar.email).subject


def test_it_sends_no_mail_when_held_or_when_the_move_changes_nothing(world, run):
    run(scheduling.move, world.meeting, world.meeting.scheduled_at, world.meeting.duration_minutes)
    assert mail.outbox == []
    world.meeting.scheduled_at = NOW - timedelta(minutes=5)
    world.meeting.save()
    run(scheduling.mark_held, world.meeting, by=world.mentor)
    assert mail.outbox == []


def test_it_respects_the_choice_of_no_meeting_mail(world, run):
    world.scholar.mail_meeting_changes = False
    world.scholar.save()
    run(scheduling.cancel, world.meeting, by=world.mentor)
    assert [m.to for m in mail.outbox] == [[world.mentor.email]]


def test_the_settings_page_offers_the_choice(world):
    client = world.client_for(world.mentor)
    assert "mail_meeting_changes" in client.get(reverse("settings")).content.decode()
    client.post(reverse("settings"), {"form": "mail", "mail_brief_submitted": "on"})
    world.mentor.refresh_from_db()
    assert world.mentor.mail_meeting_changes is False


def test_it_sends_each_change_once(world, run):
    from meetings.scheduling.invitations import send_invitation

    run(scheduling.cancel, world.meeting, by=world.mentor)
    key = str(world.meeting.reschedule_count)
    assert not send_invitation.call("meeting_cancelled", [world.meeting.pk], world.scholar.pk, key)
    assert SentReminder.objects.filter(kind="meeting_cancelled").count() == 2


def test_it_never_mails_someone_outside_the_pair(world):
    from meetings.scheduling.invitations import send_invitation

    other = MeetingFactory()
    assert not send_invitation.call("meeting_moved", [other.pk], world.scholar.pk, "1")
    assert mail.outbox == []


def test_the_views_queue_the_mail(world, run):
    client = world.client_for(world.scholar)
    run(client.post, reverse("meeting_cancel", args=[world.meeting.pk]))
    assert len(mail.outbox) == 2 and all(_event(m)[0] == "CANCEL" for m in mail.outbox)
