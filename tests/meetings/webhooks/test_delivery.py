"""Delivery to a real receiver: signed as Standard Webhooks says, exactly once per event despite
failures and timeouts, retried with back-off under one `webhook-id`, logged, and turned off after
three days of failures (with a mail to its owner)."""

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.agendas import domain as agendas
from meetings.models import Agenda, WebhookDelivery, WebhookSubscription
from meetings.webhooks.delivery import DISABLE_AFTER, RETRY_DELAYS, deliver
from tests.at_once import at_once
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    QuestionFactory,
    WebhookDeliveryFactory,
    WebhookSubscriptionFactory,
)
from tests.worker import run_worker

from .conftest import next_due, run_until_done

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def draft(world):
    agenda = AgendaFactory(
        meeting=MeetingFactory(mentorship=world.mentorship), bottleneck="Seeds disagree"
    )
    QuestionFactory(agenda=agenda)
    return agenda


def _webhook_mail() -> list:
    """The mails about webhooks (the mentor also gets the brief's own mail)."""
    return [m for m in mail.outbox if "webhook" in m.subject]


def _subscribe(client, receiver, events=("brief.submitted",), path="/hook") -> WebhookSubscription:
    """Register an endpoint through the page, as its owner would, and keep the secret the page
    shows once."""
    response = client.post(
        reverse("webhook_new"), {"url": receiver.url(path), "events": list(events)}
    )
    assert response.status_code == 302, response.content
    page = client.get(response["Location"])
    subscription = WebhookSubscription.objects.latest("pk")
    secret = page.context["secret"]
    assert secret.startswith("whsec_") and secret.encode() in page.content
    receiver.secrets[path] = secret
    return subscription


def test_a_mentors_webhook_receives_brief_submitted_signed(world, hooks, receiver, draft):
    _subscribe(world.client_for(world.mentor), receiver)
    assert agendas.submit(Agenda.objects.get(pk=draft.pk))
    assert receiver.requests == []  # the submit only stored it: the worker sends it
    run_until_done()
    [message] = receiver.accepted()
    headers = {k.lower(): v for k, v in message.headers.items()}
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["content-type"] == "application/json"
    payload = message.payload
    assert payload["type"] == "brief.submitted"
    brief = payload["data"]["brief"]
    assert brief["agenda_id"] == draft.pk
    assert brief["bottleneck"] == "Seeds disagree"  # the mentor reads the brief
    assert brief["url"] == f"https://mentorprep.example/meetings/{draft.meeting_id}/brief/"
    assert payload["data"]["meeting"]["id"] == draft.meeting_id
    assert "wellbeing" not in message.body.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)
    assert delivery.message_id == headers["webhook-id"]


def test_it_delivers_exactly_once_through_500s_and_timeouts_under_one_id(
    world, hooks, receiver, draft
):
    _subscribe(world.client_for(world.mentor), receiver)
    receiver.fail_first, receiver.hang_first = 2, 1  # two 500s, then one answer too late
    agendas.submit(Agenda.objects.get(pk=draft.pk))
    waits = []

    def note_wait():
        task = next_due()
        if task is not None and task.run_after:
            waits.append(task.run_after - timezone.now())

    run_until_done(after_each=note_wait)
    assert len(receiver.requests) == 4
    assert len(receiver.accepted()) == 1
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert len(ids) == 1  # the same message every time
    assert all(r.verified for r in receiver.requests)  # each attempt signed anew, correctly
    timestamps = [int(r.headers["webhook-timestamp"]) for r in receiver.requests]
    assert timestamps == sorted(timestamps) and len(set(timestamps)) == 4
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("delivered", 4)
    # the waits grow as the schedule says (each measured from just after the failed attempt)
    assert [round(w.total_seconds()) for w in waits[:3]] == [
        round(d.total_seconds()) for d in RETRY_DELAYS[:3]
    ]

    # The same message queued again (a duplicate task) is not sent again after its 2xx.
    deliver.enqueue(delivery.pk)
    run_worker()
    assert len(receiver.requests) == 4
    WebhookSubscription.objects.get()  # still on
    assert WebhookSubscription.objects.get().failing_since is None


def test_a_rolled_back_write_sends_nothing(world, hooks, receiver, draft):
    _subscribe(world.client_for(world.mentor), receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        agendas.submit(Agenda.objects.get(pk=draft.pk))
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the request fails after the submit")
    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert receiver.requests == []


def test_the_owner_sees_the_delivery_log(world, hooks, receiver, draft):
    client = world.client_for(world.mentor)
    subscription = _subscribe(client, receiver)
    receiver.fail_first = 1
    agendas.submit(Agenda.objects.get(pk=draft.pk))
    run_worker()  # first attempt: 500, a retry is queued
    page = client.get(reverse("webhook", args=[subscription.pk])).content.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.message_id in page
    assert "Waiting" in page and "500" in page and "Answered 500." in page
    run_until_done()
    page = client.get(reverse("webhook", args=[subscription.pk])).content.decode()
    assert "Delivered" in page and "204" in page
    assert receiver.secrets["/hook"] not in page  # the secret was shown once, at creation
    settings_page = client.get(reverse("settings")).content.decode()
    assert receiver.url() in settings_page and 'id="webhooks"' in settings_page


def test_rotating_the_secret_signs_with_the_new_one_only(world, hooks, receiver, draft):
    client = world.client_for(world.mentor)
    subscription = _subscribe(client, receiver)
    old = receiver.secrets["/hook"]
    response = client.post(reverse("webhook_rotate", args=[subscription.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"])
    new = page.context["secret"]
    assert new.startswith("whsec_") and new != old and new.encode() in page.content
    again = client.get(reverse("webhook", args=[subscription.pk]))
    assert new.encode() not in again.content  # shown once

    # A receiver still on the old secret refuses the message (401: a failed attempt)…
    agendas.submit(Agenda.objects.get(pk=draft.pk))
    run_worker()
    assert [r.verified for r in receiver.requests] == [False]
    # …and accepts its retry once it has the new one.
    receiver.secrets["/hook"] = new
    run_until_done()
    assert len(receiver.accepted()) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


def test_an_endpoint_failing_for_three_days_is_turned_off_and_its_owner_told(
    world, hooks, receiver, draft
):
    client = world.client_for(world.mentor)
    subscription = _subscribe(client, receiver)
    receiver.always_fail = True
    agendas.submit(Agenda.objects.get(pk=draft.pk))
    seen = []

    def check():
        sub = WebhookSubscription.objects.get(pk=subscription.pk)
        if sub.failing_since:
            seen.append((timezone.now() - sub.failing_since, sub.active))

    run_until_done(after_each=check)
    # on while the failures spanned less than three days, off from then on
    assert all(active for span, active in seen if span < DISABLE_AFTER)
    assert [active for span, active in seen if span >= DISABLE_AFTER][:1] == [False]
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == len(receiver.requests)
    assert receiver.accepted() == []
    [notice] = _webhook_mail()
    assert notice.to == [world.mentor.email]
    assert "turned off" in notice.subject
    assert f"/webhooks/{subscription.pk}/" in notice.body

    # No new message goes to an endpoint that is off.
    second = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=second)
    agendas.submit(second)
    assert WebhookDelivery.objects.count() == 1

    # Its owner turns it back on: the next event is delivered, the failures start afresh.
    receiver.always_fail = False
    response = client.post(reverse("webhook_active", args=[subscription.pk]), {"active": "on"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.active and subscription.failing_since is None
    third = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=third)
    agendas.submit(third)
    run_until_done()
    assert len(receiver.accepted()) == 1
    assert len(_webhook_mail()) == 1


def test_failures_shorter_than_three_days_leave_it_on_and_a_success_clears_them(
    world, hooks, receiver, draft
):
    subscription = _subscribe(world.client_for(world.mentor), receiver)
    receiver.fail_first = 7  # fails for about a day (the first seven attempts)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        agendas.submit(Agenda.objects.get(pk=draft.pk))
    run_until_done()
    subscription.refresh_from_db()
    assert subscription.active and subscription.failing_since is None
    assert subscription.last_success_at is not None
    assert subscription.last_success_at - start < DISABLE_AFTER
    assert len(receiver.accepted()) == 1 and _webhook_mail() == []


def test_workers_running_the_same_message_at_once_send_it_once(world, hooks, receiver):
    """The claim comes before the send: of four runs of one message at once (duplicated tasks,
    two workers), one sends it and the others find it claimed."""
    subscription = WebhookSubscriptionFactory(owner=world.mentor, url=receiver.url())
    receiver.secrets["/hook"] = subscription.secret
    delivery = WebhookDeliveryFactory(subscription=subscription)
    results = at_once(lambda i: deliver.call(delivery.pk), 4)
    assert sorted(map(str, results)) == ["False", "False", "False", "True"]
    assert len(receiver.requests) == 1 and len(receiver.accepted()) == 1
    assert WebhookDelivery.objects.get().attempts == 1
