"""Slack: one workspace, connected by the operator with a bot token (SLACK_BOT_TOKEN), and each
person's own opt-in from Settings.

Connecting: the person's account address is looked up in the workspace (users.lookupByEmail),
a six-digit code goes to them by direct message (the only message before they confirm), and
typing it in Settings confirms the link. The code expires, allows a few attempts, and only its
hash is stored. Disconnecting deletes the link.

The messages themselves (which notice, to whom, when) are meetings/delivery.py's; this module
only talks to Slack. A new client is made per use: nothing mutable is shared between threads.
slack-sdk's own retry handlers are switched off, so a call never sleeps in a worker: a task that
is rate limited queues itself again for when Slack says (Retry-After).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from accounts.models import SlackConnection, User

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=15)
CODE_ATTEMPTS = 5
# A new code at most this often: each one is a direct message, and a held-down button must not
# flood the person's Slack (nor the workspace's rate limit).
RESEND_AFTER = timedelta(minutes=1)
TIMEOUT_SECONDS = 10

NOT_CONFIGURED = "Slack is not set up on this site."
NO_EMAIL = "Add an e-mail address to your account first: Slack finds you by it."
NOT_FOUND = (
    "Nobody in the Slack workspace has the address {email}. Use the same address in Slack and "
    "here (or ask the workspace's admin to invite you), then try again."
)
UNAVAILABLE = "Slack did not answer just now. Nothing was sent: try again in a minute."
WRONG_CODE = "That is not the code we sent. Check the direct message from the app and try again."
EXPIRED = "That code has expired or was tried too often: send a new one."
TOO_SOON = (
    "A code was sent to you less than a minute ago: check your direct messages in Slack, or ask "
    "for a new one in {seconds} seconds."
)


class SlackProblem(Exception):
    """Something the person is told, in words (the message)."""


@dataclass
class SendFailure(Exception):
    """A message that did not go: `retry_after` seconds when Slack rate limited us, `retryable`
    when trying again later may help (Slack or the network failed), neither when it will not
    (the person left the workspace, the token was revoked)."""

    error: str
    retryable: bool
    retry_after: int | None = None


def configured() -> bool:
    return bool(settings.SLACK_BOT_TOKEN)


def client() -> WebClient:
    return WebClient(
        token=settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[],  # never sleep in a worker or a request: we schedule retries ourselves
    )


def confirmed(user: User) -> SlackConnection | None:
    """The person's confirmed link, when Slack is set up; else None."""
    if not configured():
        return None
    return SlackConnection.objects.filter(user=user, confirmed_at__isnull=False).first()


def _hash(user: User, code: str) -> str:
    return salted_hmac("accounts.slack.code", f"{user.pk}:{code}").hexdigest()


def _failure(exc: Exception) -> SendFailure:
    if isinstance(exc, SlackApiError):
        response = exc.response
        if response.status_code == 429:
            try:
                after = int(response.headers.get("Retry-After", "") or 60)
            except ValueError:
                after = 60
            return SendFailure("ratelimited", True, max(after, 1))
        error = str(response.get("error", "")) if isinstance(response.data, dict) else ""
        # Slack's own failures (5xx, "internal_error", "fatal_error") may pass; the others
        # (user_not_found, account_inactive, invalid_auth…) will not.
        retryable = response.status_code >= 500 or error in {"internal_error", "fatal_error"}
        return SendFailure(error or f"http {response.status_code}", retryable)
    return SendFailure(type(exc).__name__, True)  # the network: timeouts, refused connections


def send_dm(slack_user_id: str, text: str) -> None:
    """Open (or find) the direct conversation with the person and post `text` there. Raises
    SendFailure."""
    web = client()
    try:
        opened = web.conversations_open(users=slack_user_id)
        web.chat_postMessage(
            channel=opened["channel"]["id"], text=text, unfurl_links=False, unfurl_media=False
        )
    except (SlackClientError, OSError) as exc:
        raise _failure(exc) from exc


# --- Opting in and out (Settings) -------------------------------------------------------------


def start(user: User) -> SlackConnection:
    """Find the person in the workspace by their account address and send them a new code.
    Raises SlackProblem with what to tell them. Any earlier link is replaced (and unconfirmed
    until the new code is typed), so nothing is sent to a Slack account not proven theirs."""
    if not configured():
        raise SlackProblem(NOT_CONFIGURED)
    if not user.email:
        raise SlackProblem(NO_EMAIL)
    wait = _resend_wait(user)
    if wait:
        raise SlackProblem(TOO_SOON.format(seconds=wait))
    try:
        found = client().users_lookupByEmail(email=user.email)
    except SlackApiError as exc:
        if exc.response.status_code < 500 and exc.response.get("error") == "users_not_found":
            raise SlackProblem(NOT_FOUND.format(email=user.email)) from exc
        raise SlackProblem(UNAVAILABLE) from exc
    except (SlackClientError, OSError) as exc:
        raise SlackProblem(UNAVAILABLE) from exc
    slack_user_id = found["user"]["id"]
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    try:
        send_dm(
            slack_user_id,
            f"Your mentorprep code is {code}. Type it in your mentorprep settings to receive "
            "notices here. It works for 15 minutes. Did not ask for it? Ignore this message.",
        )
    except SendFailure as exc:
        raise SlackProblem(UNAVAILABLE) from exc
    connection, _ = SlackConnection.objects.update_or_create(
        user=user,
        defaults={
            "slack_user_id": slack_user_id,
            "code_hash": _hash(user, code),
            "code_sent_at": timezone.now(),
            "code_attempts": 0,
            "confirmed_at": None,
        },
    )
    return connection


def _resend_wait(user: User) -> int:
    """Seconds before the person may ask for another code (0: now)."""
    sent_at = (
        SlackConnection.objects.filter(user=user, code_sent_at__isnull=False)
        .values_list("code_sent_at", flat=True)
        .first()
    )
    if sent_at is None:
        return 0
    left = sent_at + RESEND_AFTER - timezone.now()
    return max(0, math.ceil(left.total_seconds()))


def confirm(user: User, code: str) -> SlackConnection:
    """Confirm the link with the code sent by `start`. Raises SlackProblem (wrong, expired,
    tried too often, or none sent); a wrong attempt is counted whatever follows."""
    with transaction.atomic():
        connection = (
            SlackConnection.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True)
            .exclude(code_hash="")
            .first()
        )
        problem = _check(connection, user, code)
        if problem is None:
            connection.code_hash = ""
            connection.confirmed_at = timezone.now()
            connection.save(update_fields=["code_hash", "confirmed_at"])
    if problem is not None:
        raise SlackProblem(problem)
    return connection


def _check(connection: SlackConnection | None, user: User, code: str) -> str | None:
    """What is wrong with this attempt (counted on the connection), or None."""
    if (
        connection is None
        or connection.code_attempts >= CODE_ATTEMPTS
        or connection.code_sent_at is None
        or timezone.now() - connection.code_sent_at > CODE_TTL
    ):
        return EXPIRED
    if constant_time_compare(connection.code_hash, _hash(user, "".join(code.split()))):
        return None
    connection.code_attempts += 1
    connection.save(update_fields=["code_attempts"])
    return EXPIRED if connection.code_attempts >= CODE_ATTEMPTS else WRONG_CODE


def disconnect(user: User) -> None:
    """Stop every Slack message at once: the link goes (messages already queued find no link
    when their turn comes, and are not sent)."""
    SlackConnection.objects.filter(user=user).delete()
