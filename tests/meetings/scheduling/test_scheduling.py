"""Scheduling one meeting or a series (meeting_new, series_new) and the rules they follow."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting, MeetingSeries
from meetings.scheduling import lifecycle as scheduling

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
WHEN = NOW + timedelta(days=3)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _local(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


def _post(client, mentorship, url_name="series_new", **extra):
    data = {
        "mentorship": mentorship.pk,
        "scheduled_at": _local(WHEN),
        "duration_minutes": 45,
        "repeat": "7",
        "count": 4,
    } | extra
    return client.post(reverse(url_name), data)


def _new_meetings():
    return Meeting.objects.filter(scheduled_at__gt=NOW + timedelta(days=2, hours=1))


# --- Who schedules -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentor", "scholar", "staff", "manager"])
def test_it_lets_the_pair_and_program_staff_schedule_a_weekly_series(world, role):
    response = _post(world.client_for(getattr(world, role)), world.mentorship)
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    times = list(series.meetings.order_by("scheduled_at").values_list("scheduled_at", flat=True))
    assert times == [WHEN + timedelta(days=7 * i) for i in range(4)]
    assert {m.duration_minutes for m in series.meetings.all()} == {45}
    assert series.created_by == getattr(world, role)


@pytest.mark.parametrize("role", ["other_mentor", "other_staff", "outsider", "other_scholar"])
@pytest.mark.parametrize("url_name", ["meeting_new", "series_new"])
def test_it_refuses_to_schedule_for_someone_elses_mentorship(world, role, url_name):
    client = world.client_for(getattr(world, role))
    response = _post(client, world.mentorship, url_name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html or "no active mentorship" in html
    assert not _new_meetings().exists()


def test_it_offers_only_the_pairs_the_user_may_schedule_for(world):
    form = world.client_for(world.mentor).get(reverse("meeting_new")).context["form"]
    pairs = set(form.fields["mentorship"].queryset)
    assert pairs == set(world.mentor.mentorships_as_mentor.all())
    world.mentorship.active = False
    world.mentorship.save()
    form = world.client_for(world.scholar).get(reverse("meeting_new")).context["form"]
    assert not form.fields["mentorship"].queryset.exists()


def test_it_sends_the_pair_to_the_meeting_and_staff_home(world):
    response = _post(world.client_for(world.mentor), world.mentorship, repeat="once")
    meeting = _new_meetings().get()
    assert response.url == reverse("meeting", args=[meeting.pk])
    meeting.delete()
    response = _post(world.client_for(world.staff), world.mentorship, repeat="once")
    assert response.url == reverse("home")


# --- One form for one meeting or a series -----------------------------------------------------


def test_it_schedules_one_meeting_when_no_repetition_is_asked(world):
    client = world.client_for(world.staff)
    response = _post(client, world.mentorship, "meeting_new", repeat="", count="")
    assert response.status_code == 302
    assert not MeetingSeries.objects.exists()
    meeting = _new_meetings().get()
    assert meeting.scheduled_at == WHEN and meeting.mentorship == world.mentorship
    assert meeting.created_by == world.staff


def test_it_schedules_one_meeting_from_the_time_and_length_alone(world):
    data = {"mentorship": world.mentorship.pk, "scheduled_at": _local(WHEN), "duration_minutes": 45}
    response = world.client_for(world.mentor).post(reverse("meeting_new"), data)
    meeting = _new_meetings().get()
    assert response.url == reverse("meeting", args=[meeting.pk])
    assert meeting.mentorship == world.mentorship and meeting.duration_minutes == 45


def test_it_treats_a_series_of_one_as_one_meeting(world):
    _post(world.client_for(world.mentor), world.mentorship, count=1)
    assert not MeetingSeries.objects.exists()
    assert _new_meetings().count() == 1


def test_it_offers_a_single_meeting_or_a_weekly_series_first(world):
    client = world.client_for(world.mentor)
    assert client.get(reverse("meeting_new")).context["form"]["repeat"].value() == "once"
    url = reverse("series_new") + f"?mentorship={world.mentorship.pk}"
    form = client.get(url).context["form"]
    assert form["repeat"].value() == "7"
    assert str(form["mentorship"].value()) == str(world.mentorship.pk)


def test_it_schedules_a_custom_interval_and_asks_for_the_interval(world):
    client = world.client_for(world.mentor)
    response = _post(client, world.mentorship, repeat="custom", count=3)
    assert "every how many days" in response.content.decode()
    response = _post(client, world.mentorship, repeat="7", count="")
    assert "how many meetings" in response.content.decode()
    assert not _new_meetings().exists()
    _post(client, world.mentorship, repeat="custom", interval_days=10, count=3)
    series = MeetingSeries.objects.get()
    assert series.interval_days == 10 and series.meetings.count() == 3


def test_it_keeps_local_time_across_daylight_saving(world):
    world.mentor.time_zone = "Europe/Berlin"
    world.mentor.save()
    client = world.client_for(world.mentor)
    start = datetime(2027, 3, 22, 16, 0)  # Berlin wall clock, CET; CEST from 28 March
    _post(client, world.mentorship, scheduled_at=_local(start), count=2)
    first, second = MeetingSeries.objects.get().meetings.order_by("scheduled_at")
    assert first.scheduled_at.astimezone(UTC).hour == 15
    assert second.scheduled_at.astimezone(UTC).hour == 14


# --- The rules: bad input is a form error, never a 500 -----------------------------------------


@pytest.mark.parametrize(
    "field,extra",
    [
        ("scheduled_at", {"scheduled_at": _local(NOW - timedelta(hours=2))}),
        ("scheduled_at", {"scheduled_at": _local(NOW + timedelta(days=731))}),
        ("scheduled_at", {"scheduled_at": "not a time"}),
        ("duration_minutes", {"duration_minutes": 5_000_000_000}),
        ("duration_minutes", {"duration_minutes": 4}),
        ("duration_minutes", {"duration_minutes": 481}),
        ("duration_minutes", {"duration_minutes": -30}),
        ("count", {"count": 53}),
        ("count", {"count": 0}),
        ("count", {"count": 10**30}),
        ("interval_days", {"repeat": "custom", "interval_days": 91}),
        ("interval_days", {"repeat": "custom", "interval_days": 0}),
        ("interval_days", {"repeat": "custom", "interval_days": 10**30}),
        # every meeting of the series must fall within two years
        ("count", {"repeat": "custom", "interval_days": 30, "count": 30}),
        ("repeat", {"repeat": "every-day"}),
    ],
)
def test_it_answers_bad_input_with_a_form_error(world, field, extra):
    response = _post(world.client_for(world.mentor), world.mentorship, **extra)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not _new_meetings().exists() and not MeetingSeries.objects.exists()


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00"])
@pytest.mark.parametrize("time_zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_it_refuses_the_ends_of_the_calendar_in_any_time_zone(world, when, time_zone):
    world.mentor.time_zone = time_zone
    world.mentor.save()
    client = world.client_for(world.mentor)
    for repeat in ("once", "7"):
        response = _post(client, world.mentorship, scheduled_at=when, repeat=repeat)
        assert response.status_code == 200
        assert "scheduled_at" in response.context["form"].errors
    assert not _new_meetings().exists() and not MeetingSeries.objects.exists()


def test_it_refuses_a_series_starting_in_9999(world):
    response = _post(
        world.client_for(world.mentor),
        world.mentorship,
        scheduled_at="9999-12-25T10:00",
        repeat="custom",
        interval_days=90,
        count=52,
    )
    assert response.status_code == 200
    assert "within two years" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_it_states_the_limits_on_the_form(world):
    html = world.client_for(world.mentor).get(reverse("series_new")).content.decode()
    for limit in ("two years", "5 to 480", "1 to 90", "1 to 52"):
        assert limit in html


def test_it_accepts_the_edges_of_the_rules(db):
    scheduling.validate_slot(NOW - timedelta(minutes=59), 5)
    scheduling.validate_slot(NOW + timedelta(days=730), 480)
    scheduling.validate_series(NOW, 30, interval_days=14, count=52)
    scheduling.validate_series(NOW + timedelta(days=365), 30, interval_days=7, count=52)


@pytest.mark.parametrize(
    "args,field",
    [
        ((NOW - timedelta(minutes=61), 30), "scheduled_at"),
        ((NOW + timedelta(days=730, minutes=1), 30), "scheduled_at"),
        ((NOW, 481), "duration_minutes"),
        ((NOW, 30, 91, 2), "interval_days"),
        ((NOW, 30, None, 2), "interval_days"),
        ((NOW, 30, 7, 53), "count"),
        ((NOW + timedelta(days=400), 30, 7, 52), "count"),
    ],
)
def test_it_names_the_broken_rule(db, args, field):
    with pytest.raises(ValidationError) as caught:
        scheduling.validate_series(*args)
    assert set(caught.value.message_dict) == {field}


def test_it_never_writes_a_meeting_outside_the_rules(world):
    with pytest.raises(ValidationError):
        scheduling.schedule(world.mentorship, NOW + timedelta(days=800), 30, by=world.mentor)
    with pytest.raises(ValidationError):
        scheduling.schedule(world.mentorship, WHEN, 30, by=world.mentor, interval_days=7, count=500)
    assert not _new_meetings().exists() and not MeetingSeries.objects.exists()
