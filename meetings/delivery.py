"""Which way each notice goes, mail, Slack or both, and the Slack half of sending it.

Every notice about a meeting is queued here, by `fan_out`, from the function that writes the
change (inside its transaction: with the database backend each task is a row of that
transaction). The person's choice per kind is `channels`: the `mail_*` switch of their account
(the mail half, as before Slack) and, once they confirmed a Slack link, its `slack_*` switch.
Without a bot token (SLACK_BOT_TOKEN) there is no Slack half at all and nothing is loaded here.

A Slack message is sent by `send_slack`, run by `manage.py db_worker` like mail: it claims a
SentReminder row for the Slack channel first (unique per kind, meeting, recipient, key and
channel), so it goes once however often it is queued; a failed send releases the claim and
queues the task again with back-off, or after Slack's Retry-After when rate limited. The text
comes from templates/slack/<kind>.txt with the same context as the mail of the kind
(notifications.context, invitations.context): never more than the mail, never a check-in or a
private note, always a link to the page.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from accounts import slack
from accounts.mail import retry_later
from accounts.models import SlackConnection, User
from meetings import notifications
from meetings.models import Meeting, SentReminder
from meetings.scheduling import invitations

log = logging.getLogger(__name__)

Kind = SentReminder.Kind
MAIL, SLACK = SentReminder.Channel.MAIL, SentReminder.Channel.SLACK

# The preference each kind follows: User.mail_<name> and SlackConnection.slack_<name>.
PREFERENCE = {
    Kind.BRIEF_SUBMITTED: "brief_submitted",
    Kind.BRIEF_UPDATED: "brief_submitted",
    Kind.AGENDA_DUE: "agenda_reminder",
    Kind.BRIEF_UNREAD: "brief_reminder",
    Kind.RECAP_TO_CONFIRM: "recap_confirm",
    Kind.PEER_ASKED: "peer_asked",
    Kind.MEETING_SCHEDULED: "meeting_changes",
    Kind.MEETING_MOVED: "meeting_changes",
    Kind.MEETING_CANCELLED: "meeting_changes",
    Kind.MEETING_RESTORED: "meeting_changes",
}
MEETING_KINDS = set(invitations.KINDS)


def channels(user: User, kind: str, connection: SlackConnection | None = None) -> set[str]:
    """How this person wants this kind of notice: {"mail"}, {"slack"}, both or none.
    `connection`: their confirmed Slack link, if already loaded (else looked up)."""
    if not user.is_active:
        return set()
    name = PREFERENCE[kind]
    chosen = set()
    if user.email and getattr(user, f"mail_{name}"):
        chosen.add(MAIL)
    if connection is None:
        connection = slack.confirmed(user)
    if connection is not None and connection.is_confirmed and getattr(connection, f"slack_{name}"):
        chosen.add(SLACK)
    return chosen


def _mail_task(kind: str, meeting_ids: list[int], recipient_id: int, key: str):
    if kind in MEETING_KINDS:
        return invitations.send_invitation.enqueue(kind, meeting_ids, recipient_id, key)
    return notifications.send_notice.enqueue(kind, meeting_ids[0], recipient_id, key)


def fan_out(kind: str, meeting_ids: list[int], recipient_id: int, key: str = "", recipient=None):
    """Queue one notice (a series' change: one per meeting list) by the ways its recipient
    chose; returns the queued tasks' results. Each task checks the choice again when it runs,
    so a change of mind (or a disconnect) before then is followed.

    Without Slack this loads nothing (the mail task decides, as it always has), so the write
    that calls it costs no extra query."""
    if not slack.configured() and recipient is None:
        return [_mail_task(kind, meeting_ids, recipient_id, key)]
    if recipient is None:
        recipient = User.objects.filter(pk=recipient_id).first()
        if recipient is None:
            return []
    chosen = channels(recipient, kind)
    results = []
    if MAIL in chosen:
        results.append(_mail_task(kind, meeting_ids, recipient_id, key))
    if SLACK in chosen:
        results.append(send_slack.enqueue(kind, meeting_ids, recipient_id, key))
    return results


def render(kind: str, meetings: list[Meeting], recipient: User, key: str = "") -> str:
    """The Slack message: templates/slack/<kind>.txt over the mail's own context."""
    if kind in MEETING_KINDS:
        ctx = invitations.context(meetings, recipient)
    else:
        ctx = notifications.context(kind, meetings[0], recipient, key)
    with timezone.override(recipient.zone):
        return render_to_string(f"slack/{kind}.txt", ctx).strip()


@task()
def send_slack(
    kind: str, meeting_ids: list[int], recipient_id: int, key: str = "", attempt: int = 1
) -> bool:
    """Send one Slack message unless it was sent before; True when it went out."""
    meetings = invitations.pair_meetings(meeting_ids)
    recipient = User.objects.filter(pk=recipient_id).first()
    if not meetings or recipient is None:
        return False
    first = meetings[0]
    if not notifications.may_receive(kind, first, recipient, key):
        return False
    connection = slack.confirmed(recipient)
    if connection is None or SLACK not in channels(recipient, kind, connection):
        return False  # not (or no longer) wanted, disconnected, or Slack switched off
    claim = SentReminder.claim(
        kind=kind, meeting=first, recipient=recipient, key=key, channel=SLACK
    )
    if claim is None:
        return False  # already sent (or being sent by a parallel run)
    text = render(kind, meetings, recipient, key)
    try:
        slack.send_dm(connection.slack_user_id, text)
    except slack.SendFailure as failure:
        claim.delete()  # not sent: the retry may claim it again
        log.warning(
            "Could not send %s to Slack user %s (attempt %d): %s",
            kind,
            connection.slack_user_id,
            attempt,
            failure.error,
        )
        args = (kind, meeting_ids, recipient_id, key)
        if failure.retry_after is not None:
            retry_later(send_slack, attempt, *args, after=timedelta(seconds=failure.retry_after))
        elif failure.retryable:
            retry_later(send_slack, attempt, *args)
        raise  # the worker records this attempt as failed
    return True
