"""Each event is emitted once by the one function that writes it, to the subscriptions that may
see it, with what each may see: the pair's own webhook gets the pair's text, the program's
webhook figures only; another pair's mentor and another program's staff get nothing."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.briefs import domain as briefs
from meetings.models import ActionItem, Capture, WebhookDelivery, WebhookEvent
from meetings.scheduling import lifecycle
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    CaptureFactory,
    LiveMeetingFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    UserFactory,
    WebhookSubscriptionFactory,
)

ALL = list(WebhookEvent.values)


@pytest.fixture
def subscribed(world, hooks):
    """Every event, for: the scholar (their own), another pair's mentor (their own), the
    program's staff (the program's), another program's staff (theirs); and a second mentor of
    the scholar, in another pair of the same program."""
    second_mentor = UserFactory(username="secondmentor")
    MentorshipFactory(program=world.program, scholar=world.scholar, mentor=second_mentor)
    subs = {
        "pair": WebhookSubscriptionFactory(owner=world.scholar, events=ALL),
        "other_mentor": WebhookSubscriptionFactory(owner=world.other_mentor, events=ALL),
        "second_mentor": WebhookSubscriptionFactory(owner=second_mentor, events=ALL),
        "staff": WebhookSubscriptionFactory(owner=world.staff, program=world.program, events=ALL),
        "other_staff": WebhookSubscriptionFactory(
            owner=world.other_staff, program=world.other_program, events=ALL
        ),
    }
    return subs


def _submit(world):
    agenda = AgendaFactory(
        meeting=MeetingFactory(mentorship=world.mentorship), bottleneck="SECRET-NEW bottleneck"
    )
    QuestionFactory(agenda=agenda, text="SECRET-NEW question?")
    assert agendas.submit(agenda)


def _add_item(world):
    briefs.add_action_item(
        world.meeting, world.mentor, {"text": "SECRET-NEW title", "owner": "scholar"}
    )


def _complete_item(world):
    item = ActionItemFactory(
        mentorship=world.mentorship, meeting=world.meeting, text="SECRET-NEW title"
    )
    briefs.set_item_done(item, world.mentor, True)
    briefs.set_item_done(ActionItem.objects.get(pk=item.pk), world.mentor, True)  # done already


def _tick_carried_item(world):
    item = ActionItemFactory(
        mentorship=world.mentorship, meeting=world.meeting, text="SECRET-NEW title"
    )
    later = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(days=9)
    )
    agendas.tick_carried_item(later, item, True)


def _schedule(world):
    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    lifecycle.schedule(world.mentorship, start, 45, by=world.mentor)


def _move(world):
    lifecycle.move(world.meeting, world.meeting.scheduled_at + timedelta(hours=2), 30)


def _hold(world):
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() - timedelta(hours=1)
    )
    lifecycle.mark_held(meeting, world.mentor)


def _cancel(world):
    lifecycle.cancel(world.meeting, world.staff)


WRITES = {
    "brief.submitted": _submit,
    "action_item.created": _add_item,
    "action_item.completed": _complete_item,
    "meeting.scheduled": _schedule,
    "meeting.moved": _move,
    "meeting.held": _hold,
    "meeting.cancelled": _cancel,
}


def _sent(subscription, event=None) -> list[dict]:
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    if event:
        deliveries = deliveries.filter(event=event)
    return [json.loads(d.body) for d in deliveries]


@pytest.mark.parametrize("event", list(WRITES))
def test_each_event_is_emitted_once_by_its_function_to_those_who_may_see_it(
    world, subscribed, event
):
    WRITES[event](world)
    [pair] = _sent(subscribed["pair"])
    [staff] = _sent(subscribed["staff"])
    assert pair["type"] == staff["type"] == event
    for nobody in ("other_mentor", "second_mentor", "other_staff"):
        assert _sent(subscribed[nobody]) == [], nobody
    # the program's webhook: figures, never text
    staff_body = WebhookDelivery.objects.get(subscription=subscribed["staff"]).body
    assert "SECRET" not in staff_body
    assert staff["data"]["meeting"]["url"].endswith(
        f"/programs/{world.program.slug}/scholars/{world.scholar.pk}/"
    )
    assert pair["data"]["meeting"]["url"].endswith(f"/meetings/{pair['data']['meeting']['id']}/")
    if event == "brief.submitted":
        assert pair["data"]["brief"]["bottleneck"] == "SECRET-NEW bottleneck"
        assert staff["data"]["brief"]["question_count"] == 1
        assert "bottleneck" not in staff["data"]["brief"]
    if event.startswith("action_item."):
        assert pair["data"]["action_item"]["title"] == "SECRET-NEW title"
        assert "title" not in staff["data"]["action_item"]
        assert staff["data"]["action_item"]["done"] is (event == "action_item.completed")


def test_the_scholar_ticking_a_carried_item_emits_completed_once(world, subscribed):
    _tick_carried_item(world)
    assert [p["type"] for p in _sent(subscribed["pair"])] == ["action_item.completed"]
    assert len(_sent(subscribed["staff"])) == 1


def test_marking_held_emits_held_and_one_created_per_filed_action(world, subscribed):
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() - timedelta(hours=1)
    )
    live = LiveMeetingFactory(meeting=meeting)
    CaptureFactory(live=live, kind=Capture.Kind.ACTION, text="SECRET-NEW captured action")
    lifecycle.mark_held(meeting, world.mentor)
    kinds = sorted(p["type"] for p in _sent(subscribed["pair"]))
    assert kinds == ["action_item.created", "meeting.held"]
    [created] = _sent(subscribed["pair"], "action_item.created")
    assert created["data"]["action_item"]["title"] == "SECRET-NEW captured action"


def test_a_series_emits_one_scheduled_per_meeting(world, subscribed):
    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    meetings = lifecycle.schedule(
        world.mentorship, start, 30, by=world.mentor, interval_days=7, count=3
    )
    ids = sorted(p["data"]["meeting"]["id"] for p in _sent(subscribed["pair"]))
    assert ids == sorted(m.pk for m in meetings)


def test_only_chosen_events_and_active_subscriptions_get_messages(world, hooks):
    only_held = WebhookSubscriptionFactory(owner=world.mentor, events=["meeting.held"])
    off = WebhookSubscriptionFactory(owner=world.mentor, events=ALL, active=False)
    _cancel(world)
    assert _sent(only_held) == [] and _sent(off) == []


def test_a_program_webhook_stops_when_its_creator_leaves_the_staff(world, subscribed):
    world.program.staff.remove(world.staff)
    _cancel(world)
    assert _sent(subscribed["staff"]) == []
    assert len(_sent(subscribed["pair"])) == 1
