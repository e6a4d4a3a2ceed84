"""Issue 4: scheduling (one meeting or a series), moving one meeting, the ICS feed."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import ics
from meetings.models import Meeting, MeetingSeries

WHEN = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)


def _post_series(client, mentorship, **extra):
    data = {
        "mentorship": mentorship.pk,
        "starts_at": timezone.localtime(WHEN).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 45,
        "repeat": "7",
        "count": 4,
    } | extra
    return client.post(reverse("series_new"), data)


@pytest.mark.parametrize("role", ["mentor", "scholar", "staff"])
def test_it_lets_the_pair_and_program_staff_schedule_a_weekly_series(world, role):
    response = _post_series(world.client_for(getattr(world, role)), world.mentorship)
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    times = list(series.meetings.order_by("scheduled_at").values_list("scheduled_at", flat=True))
    assert len(times) == 4
    assert all(b - a == timedelta(days=7) for a, b in zip(times, times[1:], strict=False))


@pytest.mark.parametrize("role", ["other_mentor", "other_staff", "outsider", "other_scholar"])
def test_it_refuses_a_series_for_someone_elses_mentorship(world, role):
    response = _post_series(world.client_for(getattr(world, role)), world.mentorship)
    assert response.status_code == 200  # the form, with an error
    html = response.content.decode()
    assert "Select a valid choice" in html or "no active mentorship" in html
    assert not MeetingSeries.objects.exists()


def test_it_schedules_a_custom_interval_and_asks_for_the_interval(world):
    client = world.client_for(world.mentor)
    response = _post_series(client, world.mentorship, repeat="custom", count=3)
    assert "every how many days" in response.content.decode()
    _post_series(client, world.mentorship, repeat="custom", interval_days=10, count=3)
    series = MeetingSeries.objects.get()
    assert series.interval_days == 10 and series.meetings.count() == 3


def test_it_keeps_local_time_across_daylight_saving(db):
    berlin_start = datetime(2027, 3, 22, 15, 0, tzinfo=UTC)  # 16:00 in Berlin (CET)
    series = MeetingSeries(
        starts_at=berlin_start, interval_days=7, count=2, time_zone="Europe/Berlin"
    )
    first, second = series.occurrences()
    assert second.astimezone(UTC).hour == 14  # 16:00 CEST after the change on 28 March


def test_it_moves_or_cancels_one_meeting_without_breaking_the_series(world):
    client = world.client_for(world.mentor)
    _post_series(client, world.mentorship)
    series = MeetingSeries.objects.get()
    first, second, third, fourth = series.meetings.order_by("scheduled_at")
    new_time = timezone.localtime(second.scheduled_at + timedelta(days=1))
    response = client.post(
        reverse("meeting_reschedule", args=[second.pk]),
        {"scheduled_at": new_time.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 30},
    )
    assert response.status_code == 302
    client.post(reverse("meeting_cancel", args=[third.pk]))
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.scheduled_at == new_time and second.rescheduled_from is not None
    assert second.reschedule_count == 1
    assert second.series == series and third.series == series
    assert third.status == Meeting.Status.CANCELLED
    fourth.refresh_from_db()
    assert fourth.scheduled_at == series.occurrences()[3]
    assert fourth.status == Meeting.Status.PLANNED


@pytest.mark.parametrize(
    "role,expected",
    [("scholar", 200), ("mentor", 200), ("staff", 200), ("other_mentor", 404), ("outsider", 404)],
)
def test_it_scopes_rescheduling(world, role, expected):
    response = world.client_for(getattr(world, role)).get(
        reverse("meeting_reschedule", args=[world.meeting.pk])
    )
    assert response.status_code == expected


def test_it_refuses_to_move_a_held_meeting(world):
    world.meeting.mark_held()
    before = world.meeting.scheduled_at
    client = world.client_for(world.mentor)
    client.post(
        reverse("meeting_reschedule", args=[world.meeting.pk]),
        {"scheduled_at": "2030-01-01T10:00", "duration_minutes": 30},
    )
    world.meeting.refresh_from_db()
    assert world.meeting.scheduled_at == before


# --- ICS ---------------------------------------------------------------------------------------


def test_it_folds_long_lines_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "é" * 100
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_it_serves_a_valid_calendar_at_the_secret_link(world):
    token = world.mentor.rotate_ics_token()
    world.meeting.scheduled_at = timezone.now() + timedelta(days=2)
    world.meeting.save()
    response = world.client_for(None).get(reverse("ics_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    cal = icalendar.Calendar.from_ical(response.content)
    events = [c for c in cal.walk("VEVENT")]
    mine = [e for e in events if str(e["UID"]).startswith(f"meeting-{world.meeting.pk}@")]
    assert len(mine) == 1
    event = mine[0]
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
        assert prop in event
    assert event.decoded("DTSTART") == world.meeting.scheduled_at.replace(microsecond=0)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert f"/meetings/{world.meeting.pk}/brief/" in str(event["URL"])
    assert "SECRET-BOTTLENECK" not in body


def test_it_links_the_scholar_to_the_agenda_and_staff_to_cadence(world):
    s_token = world.scholar.rotate_ics_token()
    body = world.client_for(None).get(reverse("ics_feed", args=[s_token])).content.decode()
    assert f"/meetings/{world.meeting.pk}/agenda/" in body.replace("\r\n ", "")
    t_token = world.staff.rotate_ics_token()
    body = world.client_for(None).get(reverse("ics_feed", args=[t_token])).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "/programs/winter/cadence/" in unfolded
    assert "SECRET" not in unfolded


def test_it_answers_404_for_unknown_or_rotated_tokens(world):
    client = world.client_for(None)
    old = world.mentor.rotate_ics_token()
    assert client.get(reverse("ics_feed", args=[old])).status_code == 200
    new = world.mentor.rotate_ics_token()
    assert client.get(reverse("ics_feed", args=[old])).status_code == 404
    assert client.get(reverse("ics_feed", args=[new])).status_code == 200
    assert client.get(reverse("ics_feed", args=["x" * 43])).status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_it_rotates_the_token_from_the_settings_page(world):
    client = world.client_for(world.mentor)
    assert client.get(reverse("ics_token_rotate")).status_code == 405
    client.post(reverse("ics_token_rotate"))
    world.mentor.refresh_from_db()
    first = world.mentor.ics_token
    assert len(first) >= 40
    html = client.get(reverse("settings")).content.decode()
    assert first in html
    client.post(reverse("ics_token_rotate"))
    world.mentor.refresh_from_db()
    assert world.mentor.ics_token != first


def test_it_marks_cancelled_meetings_cancelled_in_the_feed(world):
    token = world.mentor.rotate_ics_token()
    world.meeting.status = Meeting.Status.CANCELLED
    world.meeting.save()
    cal = icalendar.Calendar.from_ical(
        world.client_for(None).get(reverse("ics_feed", args=[token])).content
    )
    event = next(
        e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(f"meeting-{world.meeting.pk}@")
    )
    assert str(event["STATUS"]) == "CANCELLED"


def test_it_schedules_a_single_meeting_from_the_same_form(world):
    client = world.client_for(world.staff)
    response = _post_series(client, world.mentorship, repeat="once", count="")
    assert response.status_code == 302
    assert not MeetingSeries.objects.exists()
    assert Meeting.objects.filter(mentorship=world.mentorship, scheduled_at=WHEN).exists()
    assert "Schedule meetings for a mentorship" in client.get(reverse("home")).content.decode()
