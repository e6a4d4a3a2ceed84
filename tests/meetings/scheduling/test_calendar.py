"""The calendar feed (ics_feed): what it holds for each role, how each meeting reads, the token."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import MeetingFactory

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _get(world, user):
    return world.client_for(None).get(reverse("ics_feed", args=[user.rotate_ics_token()]))


def _feed(world, user) -> icalendar.Calendar:
    response = _get(world, user)
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def _events(world, user) -> dict[int, icalendar.Event]:
    """The feed's events by meeting pk (from the UID)."""
    events = {}
    for event in _feed(world, user).walk("VEVENT"):
        uid = str(event["UID"])
        assert uid.startswith("meeting-")
        events[int(uid.removeprefix("meeting-").split("@")[0])] = event
    return events


def test_it_serves_a_calendar_in_utc_with_a_stable_uid_per_meeting(world, settings):
    settings.SITE_URL = "https://mentorprep.example.org/"
    response = _get(world, world.mentor)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"
    body = response.content.decode()
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == f"mentorprep · {world.mentor.name}"
    event = _events(world, world.mentor)[world.meeting.pk]
    assert str(event["UID"]) == f"meeting-{world.meeting.pk}@mentorprep.example.org"
    start = world.meeting.scheduled_at.replace(microsecond=0)
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == start + timedelta(minutes=world.meeting.duration_minutes)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["STATUS"]) == "CONFIRMED" and event["SEQUENCE"] == 0


def test_it_links_each_role_to_what_it_may_open(world):
    base = "http://127.0.0.1:8000"
    pk = world.meeting.pk
    expected = {
        "mentor": (f"Mentoring: {world.scholar.name}", f"The brief: {base}/meetings/{pk}/brief/"),
        "scholar": (
            f"Meeting with {world.mentor.name}",
            f"Your agenda: {base}/meetings/{pk}/agenda/",
        ),
        "staff": (
            f"{world.scholar.name} ↔ {world.mentor.name}",
            f"Cadence: {base}/programs/winter/cadence/",
        ),
    }
    for role, (summary, description) in expected.items():
        event = _events(world, getattr(world, role))[pk]
        assert str(event["SUMMARY"]) == summary
        assert str(event["DESCRIPTION"]) == description
        assert str(event["URL"]) == description.split(": ", 1)[1]
    world.meeting.mark_held()
    event = _events(world, world.scholar)[pk]
    assert str(event["URL"]) == f"{base}/meetings/{pk}/brief/"


@pytest.mark.parametrize("role", ["other_mentor", "other_scholar", "other_staff", "outsider"])
def test_it_leaves_out_meetings_the_user_may_not_see(world, role):
    assert world.meeting.pk not in _events(world, getattr(world, role))


@pytest.mark.parametrize("role", ["scholar", "mentor", "staff", "manager"])
def test_it_never_carries_meeting_content(world, role):
    body = _get(world, getattr(world, role)).content.decode()
    assert "SECRET" not in body.replace("\r\n ", "")


def test_it_holds_the_last_30_days_and_everything_ahead(world):
    def at(**delta):
        return MeetingFactory(mentorship=world.mentorship, scheduled_at=NOW + timedelta(**delta))

    too_old = at(days=-30, minutes=-1)
    recent = at(days=-30, minutes=1)
    far = at(days=700)
    cancelled = at(days=5)
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()
    events = _events(world, world.scholar)
    assert too_old.pk not in events
    assert {recent.pk, far.pk, cancelled.pk, world.meeting.pk} <= set(events)


def test_it_bumps_the_sequence_when_a_meeting_moves_or_is_cancelled(world):
    client = world.client_for(world.mentor)
    new_time = world.meeting.scheduled_at + timedelta(days=1, hours=2)
    client.post(
        reverse("meeting_reschedule", args=[world.meeting.pk]),
        {"scheduled_at": new_time.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 50},
    )
    event = _events(world, world.scholar)[world.meeting.pk]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_time.replace(second=0, microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=50)
    client.post(reverse("meeting_cancel", args=[world.meeting.pk]))
    event = _events(world, world.scholar)[world.meeting.pk]
    assert event["SEQUENCE"] == 2 and str(event["STATUS"]) == "CANCELLED"


def test_it_folds_long_lines_without_splitting_characters(world):
    world.mentor.display_name = "Éléonore " * 13  # 117 characters: the field holds 120
    world.mentor.save()
    body = _get(world, world.scholar).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    body.decode()  # every fold falls between two characters
    event = _events(world, world.scholar)[world.meeting.pk]
    assert str(event["SUMMARY"]) == f"Meeting with {world.mentor.name}"


@pytest.mark.parametrize("size", [1, 10])
def test_it_builds_the_feed_in_the_same_queries_at_any_size(world, django_assert_num_queries, size):
    for _ in range(size - 1):
        MeetingFactory(mentorship=world.mentorship)
    token = world.mentor.rotate_ics_token()
    client = world.client_for(None)
    with django_assert_num_queries(2):  # the token's user, the meetings with their people
        response = client.get(reverse("ics_feed", args=[token]))
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == size + 1


def test_it_answers_404_for_unknown_rotated_or_inactive_tokens(world):
    client = world.client_for(None)
    old = world.mentor.rotate_ics_token()
    assert client.get(reverse("ics_feed", args=[old])).status_code == 200
    new = world.mentor.rotate_ics_token()
    assert client.get(reverse("ics_feed", args=[old])).status_code == 404
    assert client.get(reverse("ics_feed", args=[new])).status_code == 200
    assert client.get(reverse("ics_feed", args=["x" * 43])).status_code == 404
    assert client.get(reverse("ics_feed", args=[new[:19]])).status_code == 404
    assert client.get("/calendar/.ics").status_code == 404
    world.mentor.is_active = False
    world.mentor.save()
    assert client.get(reverse("ics_feed", args=[new])).status_code == 404


def test_it_rotates_the_token_from_the_settings_page(world):
    client = world.client_for(world.mentor)
    assert client.get(reverse("ics_token_rotate")).status_code == 405
    client.post(reverse("ics_token_rotate"))
    world.mentor.refresh_from_db()
    first = world.mentor.ics_token
    assert len(first) >= 40
    assert first in client.get(reverse("settings")).content.decode()
    client.post(reverse("ics_token_rotate"))
    world.mentor.refresh_from_db()
    assert world.mentor.ics_token != first
