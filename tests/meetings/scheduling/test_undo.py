"""Undoing "held" or "cancelled" (meeting_undo): until the end of that day in the time zone of
the person who made the change; recorded and shown with who and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from meetings.models import Meeting, StatusChange
from meetings.scheduling import lifecycle as scheduling
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory

# 1 Dec 2026, 20:00 UTC: 21:00 in Berlin, 15:00 in New York
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def held(world):
    world.meeting.scheduled_at = NOW - timedelta(hours=1)
    world.meeting.save()
    scheduling.mark_held(world.meeting, by=world.mentor)
    return world.meeting


def _undo(world, user, meeting, **kwargs):
    return world.client_for(user).post(reverse("meeting_undo", args=[meeting.pk]), **kwargs)


def test_the_mentor_undoes_held_and_the_meeting_is_planned_again(world, held):
    response = _undo(world, world.mentor, held, follow=True)
    assert "Undone: the meeting is planned again (it was held)." in response.content.decode()
    held.refresh_from_db()
    assert held.status == Meeting.Status.PLANNED and held.held_at is None
    actions = list(StatusChange.objects.filter(meeting=held).values_list("action", "by"))
    assert actions == [("held", world.mentor.pk), ("undone", world.mentor.pk)]


def test_the_brief_shows_the_undo_next_to_the_status_and_the_record(world, held):
    page = world.client_for(world.mentor).get(reverse("brief", args=[held.pk])).content.decode()
    assert f'action="{reverse("meeting_undo", args=[held.pk])}"' in page
    assert "until the end of Tue 1 Dec" in page
    assert "Marked held by Mentor, 1 Dec 2026, 20:00" in page
    _undo(world, world.mentor, held)
    page = world.client_for(world.scholar).get(reverse("brief", args=[held.pk])).content.decode()
    assert "Marked held by Mentor" in page and "Undone by Mentor, 1 Dec 2026, 20:00" in page


@pytest.mark.parametrize("role", ["scholar", "staff", "manager"])
def test_only_the_mentor_undoes_held(world, held, role):
    assert _undo(world, getattr(world, role), held).status_code == 404
    held.refresh_from_db()
    assert held.status == Meeting.Status.HELD


@pytest.mark.parametrize("role", ["scholar", "staff"])
def test_undo_itself_refuses_held_to_anyone_but_the_mentor(world, held, role):
    with pytest.raises(PermissionDenied):
        scheduling.undo(held, by=getattr(world, role))
    held.refresh_from_db()
    assert held.status == Meeting.Status.HELD
    assert held.status_changes.last().action == StatusChange.Action.HELD


@pytest.mark.parametrize("role", ["other_mentor", "other_scholar", "other_staff", "outsider"])
def test_no_one_outside_undoes_anything(world, role):
    scheduling.cancel(world.meeting, by=world.scholar)
    assert _undo(world, getattr(world, role), world.meeting).status_code == 404
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.CANCELLED


def test_the_scholar_does_not_see_an_undo_for_held(world, held):
    page = world.client_for(world.scholar).get(reverse("brief", args=[held.pk])).content.decode()
    assert reverse("meeting_undo", args=[held.pk]) not in page


@pytest.mark.parametrize("role,then", [("scholar", "brief"), ("staff", "meeting_cancel")])
def test_whoever_may_cancel_may_undo_a_cancellation(world, role, then):
    user = getattr(world, role)
    scheduling.cancel(world.meeting, by=world.mentor)
    response = _undo(world, user, world.meeting)
    assert response.url == reverse(then, args=[world.meeting.pk])
    world.meeting.refresh_from_db()
    assert world.meeting.status == Meeting.Status.PLANNED
    assert world.meeting.status_changes.last().by == user


def test_staff_see_the_status_and_its_undo_after_cancelling(world):
    client = world.client_for(world.staff)
    response = client.post(reverse("meeting_cancel", args=[world.meeting.pk]), follow=True)
    page = response.content.decode()
    assert "This meeting is cancelled" in page
    assert f'action="{reverse("meeting_undo", args=[world.meeting.pk])}"' in page
    assert "Cancelled by Staff, 1 Dec 2026, 20:00" in page
    assert "SECRET" not in page  # staff see times and statuses, never the brief


@pytest.mark.parametrize(
    "zone,until",
    [
        ("Europe/Berlin", datetime(2026, 12, 1, 22, 59, tzinfo=UTC)),  # 23:59 in Berlin
        ("America/New_York", datetime(2026, 12, 2, 4, 59, tzinfo=UTC)),  # 23:59 in New York
    ],
)
def test_it_may_be_undone_until_the_end_of_that_day_in_the_actors_time_zone(world, zone, until):
    world.mentor.time_zone = zone
    world.mentor.save()
    scheduling.cancel(world.meeting, by=world.mentor)
    with time_machine.travel(until + timedelta(minutes=1), tick=False):
        response = _undo(world, world.mentor, world.meeting, follow=True)
        assert "Only a meeting marked held or cancelled today" in response.content.decode()
        world.meeting.refresh_from_db()
        assert world.meeting.status == Meeting.Status.CANCELLED
        page = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
        assert reverse("meeting_undo", args=[world.meeting.pk]) not in page.content.decode()
    with time_machine.travel(until, tick=False):
        _undo(world, world.mentor, world.meeting)
        world.meeting.refresh_from_db()
        assert world.meeting.status == Meeting.Status.PLANNED


def test_it_refuses_when_there_is_nothing_to_undo(world):
    response = _undo(world, world.mentor, world.meeting, follow=True)
    assert "Only a meeting marked held or cancelled today" in response.content.decode()
    assert not StatusChange.objects.exists()


def test_undoing_twice_undoes_once(world, held):
    _undo(world, world.mentor, held)
    response = _undo(world, world.mentor, held, follow=True)
    assert "Only a meeting marked held or cancelled today" in response.content.decode()
    assert StatusChange.objects.filter(action="undone").count() == 1


def test_it_keeps_held_when_a_later_meeting_was_held_since(world, held):
    later = MeetingFactory(mentorship=world.mentorship, scheduled_at=NOW - timedelta(minutes=10))
    scheduling.mark_held(later, by=world.mentor)
    StatusChange.objects.filter(meeting=later).delete()  # only the first one's undo is tried
    held.status_changes.update(at=NOW)
    response = _undo(world, world.mentor, held, follow=True)
    assert "A later meeting of this pair is already marked held" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Meeting.Status.HELD


def test_it_keeps_held_when_its_questions_were_carried_on(world, held):
    question = world.agenda.questions.get()
    later = MeetingFactory(mentorship=world.mentorship, scheduled_at=NOW + timedelta(days=7))
    QuestionFactory(agenda=AgendaFactory(meeting=later), text=question.text, carried_from=question)
    response = _undo(world, world.mentor, held, follow=True)
    assert "already carried into the next agenda" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Meeting.Status.HELD
