"""Moving one planned meeting (meeting_reschedule)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from meetings.models import Meeting
from meetings.scheduling import lifecycle as scheduling

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _move(client, meeting, when: datetime | str, minutes=30):
    when = when if isinstance(when, str) else when.strftime("%Y-%m-%dT%H:%M")
    return client.post(
        reverse("meeting_reschedule", args=[meeting.pk]),
        {"scheduled_at": when, "duration_minutes": minutes},
    )


@pytest.mark.parametrize(
    "role,expected",
    [
        ("scholar", 200),
        ("mentor", 200),
        ("staff", 200),
        ("manager", 200),
        ("other_mentor", 404),
        ("other_scholar", 404),
        ("other_staff", 404),
        ("outsider", 404),
    ],
)
def test_it_lets_the_pair_and_program_staff_open_the_page(world, role, expected):
    response = world.client_for(getattr(world, role)).get(
        reverse("meeting_reschedule", args=[world.meeting.pk])
    )
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert 'value="2027-03-03T09:00"' in html  # the meeting's time, in the user's zone (UTC)
        assert reverse("meeting_cancel", args=[world.meeting.pk]) in html


@pytest.mark.parametrize("role", ["scholar", "mentor", "staff"])
def test_it_moves_the_meeting_and_remembers_the_first_time(world, role):
    first = world.meeting.scheduled_at
    later = first + timedelta(days=1)
    response = _move(world.client_for(getattr(world, role)), world.meeting, later, minutes=60)
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.scheduled_at == later.replace(second=0, microsecond=0)
    assert world.meeting.duration_minutes == 60
    assert world.meeting.rescheduled_from == first
    assert world.meeting.reschedule_count == 1
    _move(world.client_for(getattr(world, role)), world.meeting, later + timedelta(days=1))
    world.meeting.refresh_from_db()
    assert world.meeting.rescheduled_from == first and world.meeting.reschedule_count == 2


def test_it_sends_the_pair_to_the_meeting_and_staff_home(world):
    later = world.meeting.scheduled_at + timedelta(days=1)
    response = _move(world.client_for(world.mentor), world.meeting, later)
    assert response.url == reverse("meeting", args=[world.meeting.pk])
    response = _move(world.client_for(world.staff), world.meeting, later + timedelta(days=1))
    assert response.url == reverse("home")


@pytest.mark.parametrize("role", ["other_mentor", "other_staff", "outsider"])
def test_it_lets_no_one_else_move_it(world, role):
    before = world.meeting.scheduled_at
    response = _move(world.client_for(getattr(world, role)), world.meeting, before + timedelta(1))
    assert response.status_code == 404
    world.meeting.refresh_from_db()
    assert world.meeting.scheduled_at == before and world.meeting.reschedule_count == 0


@pytest.mark.parametrize(
    "when,minutes,field",
    [
        ("9999-12-31T23:59", 30, "scheduled_at"),
        ("0001-01-01T00:00", 30, "scheduled_at"),
        (NOW - timedelta(hours=2), 30, "scheduled_at"),
        (NOW + timedelta(days=731), 30, "scheduled_at"),
        (NOW + timedelta(days=1), 5_000_000_000, "duration_minutes"),
        (NOW + timedelta(days=1), 0, "duration_minutes"),
    ],
)
def test_it_answers_bad_input_with_a_form_error(world, when, minutes, field):
    before = world.meeting.scheduled_at
    response = _move(world.client_for(world.mentor), world.meeting, when, minutes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    world.meeting.refresh_from_db()
    assert world.meeting.scheduled_at == before and world.meeting.reschedule_count == 0


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.CANCELLED])
def test_it_refuses_to_move_a_meeting_that_is_no_longer_planned(world, status):
    world.meeting.status = status
    world.meeting.save()
    before = world.meeting.scheduled_at
    client = world.client_for(world.mentor)
    refusal = "Only a planned meeting can be moved."
    responses = [
        client.get(reverse("meeting_reschedule", args=[world.meeting.pk])),
        _move(client, world.meeting, NOW + timedelta(days=9)),
        _move(client, world.meeting, "not a time"),
    ]
    assert all(r.status_code == 302 and r.url == reverse("home") for r in responses)
    # the page is not shown, nor the form's errors: the one refusal each time
    assert [str(m) for m in get_messages(responses[-1].wsgi_request)] == [refusal] * 3
    world.meeting.refresh_from_db()
    assert world.meeting.scheduled_at == before
    with pytest.raises(scheduling.NotPlanned):
        scheduling.move(world.meeting, NOW + timedelta(days=9), 30)


def test_it_moves_one_meeting_of_a_series_and_leaves_the_others(world):
    meetings = scheduling.schedule(
        world.mentorship, NOW + timedelta(days=3), 30, by=world.mentor, interval_days=7, count=4
    )
    second = meetings[1]
    _move(world.client_for(world.mentor), second, second.scheduled_at + timedelta(days=1))
    series = second.series
    times = list(series.meetings.order_by("pk").values_list("scheduled_at", flat=True))
    expected = series.occurrences()
    assert times[1] == expected[1] + timedelta(days=1)
    assert [times[0], *times[2:]] == [expected[0], *expected[2:]]


def test_it_leaves_an_unchanged_meeting_alone(world):
    scheduling.move(world.meeting, world.meeting.scheduled_at, world.meeting.duration_minutes)
    world.meeting.refresh_from_db()
    assert world.meeting.reschedule_count == 0 and world.meeting.rescheduled_from is None
