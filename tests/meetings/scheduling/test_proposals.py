"""The proposed next meeting after a held one (meetings/scheduling/proposals.py) and its one-click
confirmation (proposal_confirm)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from meetings.models import Meeting
from meetings.scheduling import lifecycle as scheduling
from meetings.scheduling import proposals
from tests.factories import MeetingFactory, MentorshipFactory, UserFactory

# Tuesday 2 December 2026, 15:00 UTC
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def held(world):
    """The pair met today at 14:00 UTC and nothing later is planned."""
    world.meeting.scheduled_at = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
    world.meeting.duration_minutes = 45
    world.meeting.save()
    scheduling.mark_held(world.meeting, by=world.mentor)
    return world.meeting


def _current(world):
    return proposals.current(world.mentorship, world.mentor)


def test_it_proposes_the_next_meeting_at_the_cadence_same_weekday_and_time(world, held):
    proposal = _current(world)
    assert proposal.start == datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
    assert proposal.duration_minutes == 45 and proposal.after == held.scheduled_at


def test_it_keeps_the_mentors_wall_clock_time_across_daylight_saving():
    """Held Tue 20 Oct 14:00 in Berlin (summer time); two weeks later is after the clocks
    changed: still 14:00 in Berlin (13:00 UTC, no longer 12:00)."""
    berlin = ZoneInfo("Europe/Berlin")
    held_at = datetime(2026, 10, 20, 14, 0, tzinfo=berlin)
    start = proposals.next_slot(held_at, 14, berlin, now=datetime(2026, 10, 21, tzinfo=UTC))
    assert start.astimezone(berlin).hour == 14 and start.astimezone(UTC).hour == 13
    assert start.astimezone(berlin).weekday() == held_at.weekday()


def test_it_steps_past_slots_already_gone(world):
    held_at = NOW - timedelta(days=20)  # 12 Nov: +7 and +14 are past, +21 is tomorrow
    start = proposals.next_slot(held_at, 7, ZoneInfo("UTC"), now=NOW)
    assert start == held_at + timedelta(days=21)


def test_it_proposes_nothing_when_a_later_meeting_is_planned(world, held):
    MeetingFactory(mentorship=world.mentorship, scheduled_at=NOW + timedelta(days=12))
    assert _current(world) is None


def test_a_series_that_goes_on_gets_no_proposal(world):
    meetings = scheduling.schedule(
        world.mentorship, NOW - timedelta(minutes=30), 30, by=world.mentor, interval_days=7, count=3
    )
    world.meeting.delete()
    scheduling.mark_held(meetings[0], by=world.mentor)
    assert _current(world) is None
    page = world.client_for(world.mentor).get(reverse("brief", args=[meetings[0].pk]))
    assert "(proposed)" not in page.content.decode()


def test_it_proposes_nothing_before_the_pair_has_met(world):
    assert _current(world) is None


def test_a_proposal_is_not_a_meeting(world, held):
    before = Meeting.objects.count()
    world.client_for(world.mentor).get(reverse("home"))
    assert Meeting.objects.count() == before


def test_the_mentor_sees_it_on_home_and_right_after_marking_held(world, held):
    client = world.client_for(world.mentor)
    confirm = reverse("proposal_confirm", args=[world.mentorship.pk])
    home = client.get(reverse("home")).content.decode()
    assert "Wed 9 Dec, 14:00" in home and f'action="{confirm}"' in home
    move = (
        f"{reverse('meeting_new')}?mentorship={world.mentorship.pk}"
        "&amp;scheduled_at=2026-12-09T14:00&amp;duration_minutes=45"
    )
    assert f'href="{move}"' in home
    brief = client.get(reverse("brief", args=[held.pk])).content.decode()
    assert "Next meeting with Scholar: <strong>Wed 9 Dec, 14:00</strong>" in brief


def test_it_shows_the_time_in_the_mentors_zone(world, held):
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    home = world.client_for(world.mentor).get(reverse("home")).content.decode()
    assert "Wed 9 Dec, 09:00" in home


@pytest.mark.parametrize("role", ["scholar", "staff"])
def test_no_one_but_the_mentor_is_offered_it(world, held, role):
    page = world.client_for(getattr(world, role)).get(reverse("home")).content.decode()
    assert reverse("proposal_confirm", args=[world.mentorship.pk]) not in page


def test_the_mentor_confirms_it_in_one_click(world, held, django_capture_on_commit_callbacks):
    proposal = _current(world)
    client = world.client_for(world.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proposal_confirm", args=[world.mentorship.pk]),
            {"start": proposal.start.isoformat(), "next": reverse("home")},
            follow=True,
        )
    assert "Next meeting with Scholar: Wed 9 Dec, 14:00." in response.content.decode()
    meeting = Meeting.objects.get(mentorship=world.mentorship, status="planned")
    assert meeting.scheduled_at == proposal.start and meeting.duration_minutes == 45
    assert meeting.created_by == world.mentor
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.scholar.email, world.mentor.email])
    assert _current(world) is None  # now planned: nothing more to propose


def test_it_refuses_a_stale_proposal_and_shows_the_current_one(world, held):
    client = world.client_for(world.mentor)
    response = client.post(
        reverse("proposal_confirm", args=[world.mentorship.pk]),
        {"start": "2026-12-10T14:00:00+00:00"},
        follow=True,
    )
    assert "The proposed time changed: it is now Wed 9 Dec, 14:00" in response.content.decode()
    assert not Meeting.objects.filter(status="planned", mentorship=world.mentorship).exists()


def test_it_refuses_when_the_next_meeting_is_planned_already(world, held):
    proposal = _current(world)
    url = reverse("proposal_confirm", args=[world.mentorship.pk])
    client = world.client_for(world.mentor)
    client.post(url, {"start": proposal.start.isoformat()})
    response = client.post(url, {"start": proposal.start.isoformat()}, follow=True)
    assert "planned already" in response.content.decode()
    assert Meeting.objects.filter(status="planned", mentorship=world.mentorship).count() == 1


@pytest.mark.parametrize("role", ["scholar", "staff", "other_mentor", "outsider"])
def test_only_the_mentor_confirms(world, held, role):
    proposal = _current(world)
    response = world.client_for(getattr(world, role)).post(
        reverse("proposal_confirm", args=[world.mentorship.pk]),
        {"start": proposal.start.isoformat()},
    )
    assert response.status_code == 404
    assert not Meeting.objects.filter(status="planned", mentorship=world.mentorship).exists()


def test_schedule_one_preselects_the_only_pair(world):
    scholar = UserFactory()
    only = MentorshipFactory(program=world.program, scholar=scholar)
    page = world.client_for(scholar).get(reverse("meeting_new")).content.decode()
    assert f'<option value="{only.pk}" selected>' in page
    page = world.client_for(world.mentor).get(reverse("meeting_new")).content.decode()
    assert '<option value="" selected>' in page  # two pairs: the mentor chooses


def test_move_prefills_the_scheduling_form(world, held):
    url = f"{reverse('meeting_new')}?mentorship={world.mentorship.pk}"
    page = world.client_for(world.mentor).get(
        url + "&scheduled_at=2026-12-09T14:00&duration_minutes=45"
    )
    html = page.content.decode()
    assert 'value="2026-12-09T14:00"' in html and 'value="45"' in html
    assert f'<option value="{world.mentorship.pk}" selected>' in html


@pytest.mark.parametrize(
    "start",
    ["2026-13-45T10:00:00+00:00", "2026-02-30T10:00:00+00:00", "2026-12-09T14:00", "", "tomorrow"],
    ids=["month-13", "30-february", "no-zone", "empty", "words"],
)
def test_an_unreadable_proposal_time_is_refused_with_a_message(world, held, start):
    response = world.client_for(world.mentor).post(
        reverse("proposal_confirm", args=[world.mentorship.pk]), {"start": start}
    )
    assert response.status_code == 400
    assert "That proposal could not be read" in response.content.decode()
    assert not Meeting.objects.filter(status="planned", mentorship=world.mentorship).exists()


def test_a_one_off_move_does_not_become_the_proposed_slot(world):
    """A weekly series on Wednesdays at 14:00; its last meeting moved once to Thursday 9:00 and
    was held there: the next is proposed on the usual slot, Wednesday 14:00, a week on."""
    first = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    world.meeting.delete()
    with time_machine.travel(first - timedelta(days=1), tick=False):
        meetings = scheduling.schedule(
            world.mentorship, first, 30, by=world.mentor, interval_days=7, count=2
        )
        scheduling.move(meetings[1], datetime(2026, 12, 3, 9, 0, tzinfo=UTC), 30)
    for meeting in meetings:
        meeting.refresh_from_db()
        with time_machine.travel(meeting.scheduled_at + timedelta(minutes=5), tick=False):
            scheduling.mark_held(meeting, by=world.mentor)
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=UTC), tick=False):
        assert _current(world).start == datetime(2026, 12, 9, 14, 0, tzinfo=UTC)
