"""The writes of the webhook pages: register, edit, replace the secret, turn on or off, delete,
send a given-up message again.
Callers have looked the subscription up through `WebhookSubscription.objects.managed_by`."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Program, User
from meetings.models import WebhookDelivery, WebhookSubscription
from meetings.models.webhooks import new_secret
from meetings.webhooks.delivery import abandoned_before, deliver


def register(owner: User, data: dict, program: Program | None = None) -> WebhookSubscription:
    """A new endpoint (WebhookForm's data): the owner's own, or `program`'s (the caller checked
    that the owner is on its staff). Its secret is shown once, by the page that called this."""
    return WebhookSubscription.objects.create(owner=owner, program=program, **data)


def update(subscription: WebhookSubscription, data: dict) -> None:
    for name, value in data.items():
        setattr(subscription, name, value)
    subscription.save(update_fields=list(data))


def rotate_secret(subscription: WebhookSubscription) -> str:
    """A new secret; messages sent from now on (retries of older ones too) are signed with it."""
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret"])
    return subscription.secret


@transaction.atomic
def set_active(subscription: WebhookSubscription, active: bool) -> None:
    """Turn an endpoint on (again: its three days of failures start afresh) or off."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.active = active
    fields = ["active"]
    if active:
        subscription.disabled_at = None
        subscription.failing_since = None
        fields += ["disabled_at", "failing_since"]
    subscription.save(update_fields=fields)


def delete(subscription: WebhookSubscription) -> None:
    subscription.delete()


def resend(delivery: WebhookDelivery) -> bool:
    """Queue a message that was given up (or whose worker died while sending) once more, under
    the same `webhook-id`, its back-off starting afresh. Never one that was delivered: False
    then, and for a message already waiting."""
    Status = WebhookDelivery.Status
    stale = abandoned_before()  # its worker is gone (retry_webhooks re-queues it too)
    with transaction.atomic():
        again = WebhookDelivery.objects.filter(
            Q(status=Status.FAILED) | Q(status=Status.SENDING, last_attempt_at__lt=stale),
            pk=delivery.pk,
        ).update(status=Status.PENDING, next_attempt_at=timezone.now())
        if again:
            deliver.enqueue(delivery.pk)
    return bool(again)
