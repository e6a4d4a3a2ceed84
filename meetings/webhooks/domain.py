"""The writes of the webhook pages: register, edit, replace the secret, turn on or off, delete.
Callers have looked the subscription up through `WebhookSubscription.objects.managed_by`."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Program, User
from meetings.models import WebhookSubscription
from meetings.models.webhooks import new_secret


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
