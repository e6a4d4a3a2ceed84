"""A message whose worker died while sending it (claimed, never settled, its task gone with the
worker) recovers by itself: once the claim is older than a dozen send timeouts it is queued
again, by `manage.py retry_webhooks` (cron) or by the next delivery to the same endpoint, under
the same `webhook-id`; a message answered 2xx, or given up, is never sent again."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from meetings.models import WebhookDelivery
from meetings.webhooks.delivery import (
    CLAIM_EXPIRY_TIMEOUTS,
    RETRY_DELAYS,
    Claim,
    abandoned_before,
    deliver,
)
from tests.factories import WebhookDeliveryFactory, WebhookSubscriptionFactory
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

Status = WebhookDelivery.Status


@pytest.fixture
def endpoint(world, hooks, receiver):
    subscription = WebhookSubscriptionFactory(owner=world.mentor, url=receiver.url())
    receiver.secrets["/hook"] = subscription.secret
    return subscription


def _claimed_by_a_worker_that_dies(delivery: WebhookDelivery) -> None:
    """What `deliver` writes when it claims a message, with nothing after: the worker was killed
    before it sent, or while it waited for the answer."""
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=timezone.now()
    )


def _retry_webhooks() -> str:
    out = StringIO()
    call_command("retry_webhooks", stdout=out)
    return out.getvalue()


def test_the_claim_expires_after_a_dozen_send_timeouts(hooks):
    now = timezone.now()
    expiry = timedelta(seconds=CLAIM_EXPIRY_TIMEOUTS * hooks.WEBHOOKS_TIMEOUT_SECONDS)
    assert abandoned_before(now) == now - expiry
    hooks.WEBHOOKS_TIMEOUT_SECONDS = 5
    assert abandoned_before(now) == now - timedelta(minutes=1)  # the default: a minute


def test_retry_webhooks_requeues_a_message_abandoned_by_its_worker(endpoint, receiver):
    start = timezone.now()
    delivery = WebhookDeliveryFactory(subscription=endpoint)
    with time_machine.travel(start, tick=False):
        _claimed_by_a_worker_that_dies(delivery)
    expiry = abandoned_before(start) - start  # negative: how far back a claim expires

    # A claim younger than its expiry may be a live worker still waiting for the answer.
    with time_machine.travel(start - expiry - timedelta(seconds=1), tick=False):
        assert "queued again: 0." in _retry_webhooks()
        run_worker()
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == Status.SENDING

    with time_machine.travel(start - expiry + timedelta(seconds=1), tick=False):
        assert "queued again: 1." in _retry_webhooks()
        assert WebhookDelivery.objects.get().status == Status.PENDING
        run_worker()
    [message] = receiver.accepted()
    headers = {k.lower(): v for k, v in message.headers.items()}
    assert headers["webhook-id"] == delivery.message_id  # the same message, not a new one
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (Status.DELIVERED, 2, "")

    # Delivered: however late cron runs again, it is never sent a second time.
    with time_machine.travel(start + timedelta(days=5), tick=False):
        assert "queued again: 0." in _retry_webhooks()
        run_worker()
    assert len(receiver.requests) == 1


def test_delivered_and_given_up_messages_are_never_requeued(endpoint, receiver):
    long_ago = timezone.now() - timedelta(days=2)
    delivered = WebhookDeliveryFactory(
        subscription=endpoint,
        status=Status.DELIVERED,
        attempts=1,
        last_attempt_at=long_ago,
        delivered_at=long_ago,
        response_code=204,
    )
    given_up = WebhookDeliveryFactory(
        subscription=endpoint, status=Status.FAILED, attempts=10, last_attempt_at=long_ago
    )
    assert "queued again: 0." in _retry_webhooks()
    run_worker()
    # Even a task for the delivered message (a duplicate, or one that outlived its worker's
    # claim) finds it delivered and sends nothing.
    assert deliver.call(delivered.pk) is False
    assert receiver.requests == []
    assert WebhookDelivery.objects.get(pk=delivered.pk).status == Status.DELIVERED
    assert WebhookDelivery.objects.get(pk=given_up.pk).status == Status.FAILED


def test_the_next_delivery_to_the_endpoint_recovers_it_without_cron(endpoint, receiver):
    start = timezone.now()
    lost = WebhookDeliveryFactory(subscription=endpoint)
    with time_machine.travel(start, tick=False):
        _claimed_by_a_worker_that_dies(lost)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        fresh = WebhookDeliveryFactory(subscription=endpoint)
        deliver.enqueue(fresh.pk)
        run_worker()  # sends the fresh one, and queues the lost one; a second round sends it
        run_worker()
    assert sorted(r.headers["webhook-id"] for r in receiver.accepted()) == sorted(
        [lost.message_id, fresh.message_id]
    )
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {Status.DELIVERED}


def test_the_back_off_goes_on_from_the_lost_attempt(endpoint, receiver):
    receiver.always_fail = True
    start = timezone.now()
    delivery = WebhookDeliveryFactory(subscription=endpoint, attempts=2)
    with time_machine.travel(start, tick=False):
        _claimed_by_a_worker_that_dies(delivery)  # its third attempt
    later = start + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        _retry_webhooks()
        run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 4)
    assert delivery.next_attempt_at == later + RETRY_DELAYS[3]  # the wait after a 4th attempt
    assert len(receiver.requests) == 1


def test_a_failure_from_the_run_thought_dead_does_not_undo_the_requeue(endpoint, receiver):
    """The run that looked dead was only slow: its claim was taken over, so its late failure is
    not recorded (nor retried twice); the re-queued run decides."""
    start = timezone.now()
    delivery = WebhookDeliveryFactory(subscription=endpoint)
    with time_machine.travel(start, tick=False):
        _claimed_by_a_worker_that_dies(delivery)
    old_claim = Claim(delivery.pk, 1)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert "queued again: 1." in _retry_webhooks()
        assert old_claim.settle(Status.FAILED, 500, "Answered 500.") is False
        assert WebhookDelivery.objects.get().status == Status.PENDING
        run_worker()
    assert WebhookDelivery.objects.get().status == Status.DELIVERED
    assert len(receiver.accepted()) == 1
