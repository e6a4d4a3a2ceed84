"""Signed webhooks (Standard Webhooks): a person's endpoint for their own meetings, or a
program's endpoint kept by its staff, and each message sent to it.

Who manages a subscription and what it receives is written once, in access.py; the functions
that write and send are in meetings/webhooks/.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Program, User
from meetings import access


class WebhookEvent(models.TextChoices):
    BRIEF_SUBMITTED = "brief.submitted", "A brief is submitted"
    ACTION_ITEM_CREATED = "action_item.created", "An action item is added"
    ACTION_ITEM_COMPLETED = "action_item.completed", "An action item is marked done"
    MEETING_SCHEDULED = "meeting.scheduled", "A meeting is scheduled"
    MEETING_MOVED = "meeting.moved", "A meeting is moved"
    MEETING_HELD = "meeting.held", "A meeting is marked held"
    MEETING_CANCELLED = "meeting.cancelled", "A meeting is cancelled"


# The "send test event" button's message: to one subscription, whatever events it chose.
TEST_EVENT = "webhook.test"


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookSubscriptionQuerySet(models.QuerySet["WebhookSubscription"]):
    def managed_by(self, user: User) -> WebhookSubscriptionQuerySet:
        return self.filter(access.webhook_subscription(user))


class WebhookSubscription(models.Model):
    """An endpoint and the events it wants. Without a program it is its owner's own (the events
    of their own pairs, with what they may read); with one it is the program's, kept by its staff
    (figures only). The secret signs every message; it is shown once, when created or replaced."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=120, blank=True)
    # A list of WebhookEvent values (a JSON list: SQLite has no `contains` lookup on it, so the
    # few subscriptions of a pair or program are filtered in Python).
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100, default=new_secret)
    active = models.BooleanField(default=True)
    # Set when failing for three days turned it off (not when its owner pauses it).
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_mail_sent_at = models.DateTimeField(null=True, blank=True)
    # The first failure since the last success: failing for three days from then disables it.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = WebhookSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["owner", "active"]), models.Index(fields=["program"])]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return self.active and event in self.events

    @property
    def event_labels(self) -> list[str]:
        return [label for value, label in WebhookEvent.choices if value in self.events]


class WebhookDelivery(models.Model):
    """One message to one subscription: its `message_id` is the `webhook-id` header, the same
    on every attempt. The body is stored as sent, so every attempt sends the same bytes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Given up"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id}"
