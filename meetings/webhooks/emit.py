"""`emit(event, *subjects)`: what a function that writes calls, once, inside its transaction.

For each subject (an Agenda for brief.submitted, an ActionItem, a Meeting) it finds the active
subscriptions that want the event and may receive it (access.py, asked now, at emit time), builds
for each the payload its subscriber may see, and stores one WebhookDelivery per subscription with
its delivery task (meetings/webhooks/delivery.py). With the database task backend both rows are
written in the caller's transaction: a rolled-back write sends nothing, a committed one is sent
by `manage.py db_worker`, never by the page.

Payloads carry ids, dates, statuses and links. A person's own webhook (a member of the pair)
also gets what the pair reads in the mail of the same kind: the brief's bottleneck and its
number of questions, an action item's title. A program's webhook gets figures only, never
text. Never a wellbeing check-in, never a private note.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mentorship
from meetings import access
from meetings.models import (
    TEST_EVENT,
    ActionItem,
    Agenda,
    Meeting,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from meetings.webhooks.delivery import deliver

Event = WebhookEvent
PAIR, STAFF = "pair", "staff"


def emit(event: str, *subjects) -> int:
    """Queue `event` about each subject for every subscription that wants it and may see it;
    returns how many messages were queued."""
    queued = 0
    for subject in subjects:
        meeting = _meeting_of(subject)
        if meeting is None:
            continue
        audiences = _audience(event, meeting)
        if audiences:
            meeting = Meeting.objects.select_related(
                "mentorship__program", "mentorship__scholar", "mentorship__mentor"
            ).get(pk=meeting.pk)
        for subscription, audience in audiences:
            queue(subscription, event, _data(event, subject, meeting, audience))
            queued += 1
    return queued


def send_test(subscription: WebhookSubscription) -> WebhookDelivery:
    """The "send test event" button: a message to this subscription alone."""
    data = {"subscription_id": subscription.pk, "message": "A test event from mentorprep."}
    return queue(subscription, TEST_EVENT, data)


def queue(subscription: WebhookSubscription, event: str, data: dict) -> WebhookDelivery:
    """Store one message and its delivery task (in the caller's transaction)."""
    now = timezone.now()
    body = json.dumps(
        {"type": event, "timestamp": _iso(now), "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id=f"msg_{uuid.uuid4().hex}",
        event=event,
        body=body,
        created_at=now,
        next_attempt_at=now,
    )
    deliver.enqueue(delivery.pk)
    return delivery


# --- Who receives it ---------------------------------------------------------------------------


def _meeting_of(subject) -> Meeting | None:
    if isinstance(subject, Meeting):
        return subject
    if isinstance(subject, Agenda):
        return subject.meeting
    if isinstance(subject, ActionItem):
        return subject.meeting  # an item always belongs to a meeting when it is written
    return None


def _audience(event: str, meeting: Meeting) -> list[tuple[WebhookSubscription, str]]:
    """The subscriptions that want `event` about `meeting` and may receive it, each with what
    it gets (PAIR: the pair's content; STAFF: figures). The candidates are the pair's own and
    the program's (one query); each is then checked with its rule in access.py."""
    pair = Mentorship.objects.filter(pk=meeting.mentorship_id)
    own = Q(owner_id__in=pair.values("scholar_id")) | Q(owner_id__in=pair.values("mentor_id"))
    candidates = WebhookSubscription.objects.filter(
        (own & Q(program__isnull=True)) | Q(program_id__in=pair.values("program_id")),
        active=True,
    ).select_related("owner")
    found = []
    for subscription in candidates:
        if not subscription.wants(event):
            continue
        if subscription.program_id is None:
            rule, audience = access.webhook_pair_events(subscription.owner), PAIR
        else:
            rule = access.webhook_program_events(subscription.owner, subscription.program_id)
            audience = STAFF
        if access.allows(Meeting.objects, rule, meeting.pk):
            found.append((subscription, audience))
    return found


# --- What it carries ---------------------------------------------------------------------------


def _iso(when) -> str | None:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z") if when else None


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _meeting_data(meeting: Meeting, audience: str) -> dict:
    mentorship = meeting.mentorship
    data = {
        "id": meeting.pk,
        "mentorship_id": mentorship.pk,
        "program": mentorship.program.slug,
        "scholar": {"id": mentorship.scholar_id, "name": mentorship.scholar.name},
        "mentor": {"id": mentorship.mentor_id, "name": mentorship.mentor.name},
        "scheduled_at": _iso(meeting.scheduled_at),
        "duration_minutes": meeting.duration_minutes,
        "status": meeting.status,
        "first_planned_at": _iso(meeting.rescheduled_from),
        "held_at": _iso(meeting.held_at),
    }
    if audience == PAIR:
        data["url"] = _link("meeting", meeting.pk)
    else:
        data["url"] = _link("scholar_summary", mentorship.program.slug, mentorship.scholar_id)
    return data


def _data(event: str, subject, meeting: Meeting, audience: str) -> dict:
    data: dict = {"meeting": _meeting_data(meeting, audience)}
    if event == Event.BRIEF_SUBMITTED:
        agenda = subject
        questions = agenda.questions.exclude(status="dropped").count()
        data["brief"] = {
            "agenda_id": agenda.pk,
            "submitted_at": _iso(agenda.submitted_at),
            "on_time": agenda.submitted_on_time,
            "question_count": questions,
        }
        if audience == PAIR:
            data["brief"]["bottleneck"] = agenda.bottleneck
            data["brief"]["url"] = _link("brief", meeting.pk)
    elif event in (Event.ACTION_ITEM_CREATED, Event.ACTION_ITEM_COMPLETED):
        item = subject
        data["action_item"] = {
            "id": item.pk,
            "owner": item.owner,
            "due_on": item.due_on.isoformat() if item.due_on else None,
            "done": item.done,
            "done_at": _iso(item.done_at),
            "created_at": _iso(item.created_at),
        }
        if audience == PAIR:
            data["action_item"]["title"] = item.text
            data["action_item"]["url"] = _link("brief", meeting.pk) + "#actions"
    return data
