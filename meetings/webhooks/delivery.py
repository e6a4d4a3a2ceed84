"""Sending a webhook message: Standard Webhooks signing, the address check that keeps the server
from calling its own network (SSRF), and the django-tasks task that delivers with retries.

The task first claims the message (a conditional update from "waiting" to "sending") and only
then sends, so a message answered with a 2xx is never sent again, even when two workers or a
duplicated task run at once. A failed attempt releases the claim and queues the task again
after a growing wait (RETRY_DELAYS, about three days in all); the `webhook-id` stays the same on
every attempt, the timestamp and signature are those of the attempt. An endpoint whose failures
since its last success span three days is turned off and its owner told by mail.

A worker that dies while sending (killed, out of memory, the machine gone) leaves its claim
behind and no task to finish it. A claim older than CLAIM_EXPIRY_TIMEOUTS send timeouts is
taken as abandoned: `requeue_abandoned` (run by `manage.py retry_webhooks` from cron, and by
every delivery to the same endpoint) puts the message back in the queue, same `webhook-id`.
The attempt that looked dead may still answer late: a 2xx it gets is recorded whatever
happened meanwhile, so the message is not sent once more after that; a failure it gets is
dropped when its claim was taken over.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
import socket
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.mail import retry_later
from meetings.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

Status = WebhookDelivery.Status

# Waits after each failed attempt (Standard Webhooks suggests a schedule like it): the last
# attempt comes a little over three days after the first, so an endpoint that is down for good
# is turned off even when it was sent a single message.
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DISABLE_AFTER = timedelta(days=3)
USER_AGENT = "mentorprep-webhooks/1"
# An attempt connects and reads within a timeout each (and resolves the name before): a claim
# this many timeouts old (a minute by default) belongs to a worker that is gone.
CLAIM_EXPIRY_TIMEOUTS = 12


def abandoned_before(now=None):
    """Claims older than this were abandoned by their worker."""
    expiry = timedelta(seconds=CLAIM_EXPIRY_TIMEOUTS * settings.WEBHOOKS_TIMEOUT_SECONDS)
    return (now or timezone.now()) - expiry


class UnsafeEndpoint(ValueError):
    """An endpoint the server will not call: not https, or on a private or local address."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to (never resolved a second time)


def check_endpoint(url: str) -> Target:
    """Resolve the endpoint and refuse it unless it is https and every address it resolves to
    is public (settings.WEBHOOKS_ALLOW_PRIVATE allows plain http and private or loopback
    addresses, for development and the tests). Raises UnsafeEndpoint with the reason."""
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeEndpoint("This is not a valid address.") from error
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise UnsafeEndpoint("Use an https:// address.")
    if parts.username or parts.password:
        raise UnsafeEndpoint("Put no user name or password in the address.")
    host = parts.hostname
    if not host:
        raise UnsafeEndpoint("This address has no host name.")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeEndpoint(f"{host} could not be found.") from error
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise UnsafeEndpoint(f"{host} could not be found.")
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise UnsafeEndpoint(
                    f"{host} is a private or local address: webhooks go to public addresses only."
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: HMAC-SHA256 of "{id}.{timestamp}.{body}" with the
    secret's bytes (base64 after "whsec_"), in base64, after the version "v1,"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _post(target: Target, body: bytes, headers: dict) -> int:
    """POST to the checked address (the TLS certificate is checked against the host name);
    returns the status code. Short timeouts, no redirects, nothing of the answer kept."""
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOKS_TIMEOUT_SECONDS, read=settings.WEBHOOKS_TIMEOUT_SECONDS
    )
    options = {"timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(target.address, target.port, **options)
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host  # an IPv6 address
    host = host if target.port == default_port else f"{host}:{target.port}"
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host},
            redirect=False,
            preload_content=False,
        )
        response.read(1024, decode_content=False)
        response.release_conn()
        return response.status
    finally:
        pool.close()


def send(subscription: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """One attempt: (status code or None, what went wrong or "")."""
    body = delivery.body.encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription.secret, delivery.message_id, timestamp, body),
    }
    try:
        target = check_endpoint(subscription.url)
    except UnsafeEndpoint as refused:
        return None, f"Refused: {refused}"[:200]
    try:
        code = _post(target, body, headers)
    except urllib3.exceptions.TimeoutError:
        return None, "No answer in time."
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return None, f"Could not connect: {type(error).__name__}"[:200]
    return code, "" if 200 <= code < 300 else f"Answered {code}."


@task()
def deliver(delivery_id: int, attempt: int = 1) -> bool:
    """Send one message unless it was delivered (or is being sent); True when answered 2xx."""
    now = timezone.now()
    with transaction.atomic():
        claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=None,
        )
    if not claimed:
        return False  # delivered already, given up, or being sent by a parallel run
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    requeue_abandoned(subscription.pk)  # a dead worker's message to this endpoint, if any
    claim = Claim(delivery_id, delivery.attempts)
    if not subscription.active:
        claim.settle(Status.FAILED, error="The endpoint was turned off.")
        return False
    code, error = send(subscription, delivery)
    if code is not None and 200 <= code < 300:
        done = timezone.now()
        # Recorded even when the claim was taken over meanwhile: the message arrived, and a
        # run that has not sent it yet finds it delivered.
        WebhookDelivery.objects.filter(pk=delivery_id).exclude(status=Status.DELIVERED).update(
            status=Status.DELIVERED, response_code=code, error="", delivered_at=done
        )
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            last_success_at=done, failing_since=None
        )
        return True
    _failed(claim, subscription.pk, attempt, code, error)
    return False


@dataclass(frozen=True)
class Claim:
    """A run's hold on a message: its attempt number while it is being sent. A failure is
    recorded only while the run still holds it (not once the claim expired and was re-queued)."""

    delivery_id: int
    attempt_number: int

    def settle(self, status: str, code: int | None = None, error: str = "", **more) -> bool:
        return bool(
            WebhookDelivery.objects.filter(
                pk=self.delivery_id, status=Status.SENDING, attempts=self.attempt_number
            ).update(status=status, response_code=code, error=error, **more)
        )


@transaction.atomic
def _failed(claim: Claim, subscription_id: int, attempt: int, code, error: str) -> None:
    """Record a failed attempt, turn the endpoint off once failing for three days, and queue
    the next attempt (or give up)."""
    now = timezone.now()
    WebhookSubscription.objects.filter(pk=subscription_id, failing_since__isnull=True).update(
        failing_since=now
    )
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    if subscription.active and subscription.failing_since <= now - DISABLE_AFTER:
        disable(subscription, now)
    retry = (
        subscription.active
        and attempt < MAX_ATTEMPTS
        and deliver.get_backend().supports_defer  # the tests' immediate backend cannot wait
    )
    if not retry:
        claim.settle(Status.FAILED, code, error)
        return
    run_after = now + RETRY_DELAYS[attempt - 1]
    if claim.settle(Status.PENDING, code, error, next_attempt_at=run_after):
        deliver.using(run_after=run_after).enqueue(claim.delivery_id, attempt=attempt + 1)


def requeue_abandoned(subscription_id: int | None = None) -> int:
    """Queue again, at once and under the same `webhook-id`, the messages whose claim expired
    (of one endpoint, or of all); their back-off goes on from the attempt that was lost. A
    delivered or given-up message is never touched. Returns how many were queued."""
    now = timezone.now()
    stale = WebhookDelivery.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=abandoned_before(now)
    )
    if subscription_id is not None:
        stale = stale.filter(subscription_id=subscription_id)
    queued = 0
    for delivery_id, attempts in stale.values_list("pk", "attempts"):
        with transaction.atomic():
            # Conditional on the claim seen: a parallel sweep or a late answer wins the row.
            again = WebhookDelivery.objects.filter(
                pk=delivery_id, status=Status.SENDING, attempts=attempts
            ).update(
                status=Status.PENDING,
                next_attempt_at=now,
                error="The worker stopped while sending: queued again.",
            )
            if again:
                deliver.enqueue(delivery_id, attempt=min(attempts + 1, MAX_ATTEMPTS))
                queued += 1
    if queued:
        log.warning("Re-queued %s webhook message(s) abandoned by their worker", queued)
    return queued


def disable(subscription: WebhookSubscription, now) -> None:
    """Turn a failing endpoint off and queue its owner's mail (inside the caller's
    transaction, the subscription's row locked)."""
    subscription.active = False
    subscription.disabled_at = now
    subscription.disabled_mail_sent_at = None
    subscription.save(update_fields=["active", "disabled_at", "disabled_mail_sent_at"])
    log.warning("Webhook %s turned off after failing for three days", subscription.pk)
    send_disabled_mail.enqueue(subscription.pk)


@task()
def send_disabled_mail(subscription_id: int, attempt: int = 1) -> bool:
    """Tell the owner their endpoint was turned off; claimed first, so it goes once."""
    now = timezone.now()
    with transaction.atomic():
        claimed = WebhookSubscription.objects.filter(
            pk=subscription_id, active=False, disabled_mail_sent_at__isnull=True
        ).update(disabled_mail_sent_at=now)
    if not claimed:
        return False
    subscription = WebhookSubscription.objects.select_related("owner", "program").get(
        pk=subscription_id
    )
    owner = subscription.owner
    if not owner.email or not owner.is_active:
        return False
    site = settings.SITE_URL.rstrip("/")
    ctx = {
        "recipient": owner,
        "subscription": subscription,
        "page_url": site + reverse("webhook", args=[subscription.pk]),
        "settings_url": site + reverse("settings"),
    }
    with timezone.override(owner.zone):
        subject = " ".join(render_to_string("mail/webhook_disabled_subject.txt", ctx).split())
        body = render_to_string("mail/webhook_disabled.txt", ctx)
    try:
        send_mail(subject, body, None, [owner.email], fail_silently=False)
    except Exception:
        WebhookSubscription.objects.filter(pk=subscription_id).update(disabled_mail_sent_at=None)
        log.exception("Could not tell %s their webhook was turned off", owner.email)
        retry_later(send_disabled_mail, attempt, subscription_id)
        raise
    return True
