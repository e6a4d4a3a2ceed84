"""Mail to both people of a pair when a meeting is scheduled, moved, cancelled or brought back
(a cancellation undone), each with an iCalendar invitation attached (meetings/scheduling/calendar.py builds
it: the same event as the feed).

Queued by the functions that write the change (meetings/scheduling/lifecycle.py), inside their
transaction, through one django-tasks task, like meetings/notifications.py: the task claims a
SentReminder row first (kind, first meeting, recipient and the meeting's SEQUENCE as the key), so
each mail goes once. A series is one mail with one invitation per meeting (each its own UID).
Mails carry times, names and links only, and go to the pair only.
"""

from __future__ import annotations

import logging
from email.mime.text import MIMEText

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.mail import retry_later
from accounts.models import User
from meetings.models import Meeting, SentReminder
from meetings.notifications import absolute
from meetings.scheduling import calendar

log = logging.getLogger(__name__)

Kind = SentReminder.Kind
KINDS = (
    Kind.MEETING_SCHEDULED,
    Kind.MEETING_MOVED,
    Kind.MEETING_CANCELLED,
    Kind.MEETING_RESTORED,
)
PREFERENCE = "mail_meeting_changes"


def scheduled(meetings: list[Meeting]) -> None:
    _enqueue(Kind.MEETING_SCHEDULED, meetings)


def moved(meeting: Meeting) -> None:
    _enqueue(Kind.MEETING_MOVED, [meeting])


def cancelled(meeting: Meeting) -> None:
    _enqueue(Kind.MEETING_CANCELLED, [meeting])


def restored(meeting: Meeting) -> None:
    _enqueue(Kind.MEETING_RESTORED, [meeting])


def _enqueue(kind: str, meetings: list[Meeting]) -> None:
    """By mail, Slack or both, as each person chose (meetings/delivery.py decides)."""
    from meetings import delivery  # delivery builds on this module

    first = meetings[0]
    ids = [m.pk for m in meetings]
    for recipient_id in (first.mentorship.scholar_id, first.mentorship.mentor_id):
        delivery.fan_out(kind, ids, recipient_id, str(first.reschedule_count))


def wants(user: User) -> bool:
    return bool(user.email) and user.is_active and getattr(user, PREFERENCE, True)


def pair_meetings(meeting_ids: list[int]) -> list[Meeting]:
    """The meetings a change notice is about, in time order: [] unless they exist and all
    belong to one pair (a notice never spans pairs)."""
    meetings = list(
        Meeting.objects.filter(pk__in=meeting_ids)
        .select_related("mentorship__scholar", "mentorship__mentor", "mentorship__program")
        .order_by("scheduled_at")
    )
    return meetings if len({m.mentorship_id for m in meetings}) == 1 else []


@task()
def send_invitation(
    kind: str, meeting_ids: list[int], recipient_id: int, key: str = "", attempt: int = 1
) -> bool:
    """Send one change mail unless it was sent before; True when a mail went out."""
    meetings = pair_meetings(meeting_ids)
    if not meetings:
        return False
    first = meetings[0]
    recipient = User.objects.get(pk=recipient_id)
    if recipient.pk not in (first.mentorship.scholar_id, first.mentorship.mentor_id):
        return False  # never mail anyone outside the pair
    if not wants(recipient):
        return False
    claim = SentReminder.claim(kind=kind, meeting=first, recipient=recipient, key=key)
    if claim is None:
        return False  # already sent (or being sent by a parallel run)
    message = _message(kind, meetings, recipient)
    try:
        message.send(fail_silently=False)
    except Exception:
        claim.delete()
        log.exception("Could not send %s to %s (attempt %d)", kind, recipient.email, attempt)
        retry_later(send_invitation, attempt, kind, meeting_ids, recipient_id, key)
        raise
    return True


def context(meetings: list[Meeting], recipient: User) -> dict:
    """What the mail and the Slack message about this change may say: times, names and links
    (render under timezone.override(recipient.zone))."""
    first = meetings[0]
    mentorship = first.mentorship
    other = mentorship.mentor if recipient.pk == mentorship.scholar_id else mentorship.scholar
    with timezone.override(recipient.zone):
        return {
            "recipient": recipient,
            "other": other,
            "meetings": meetings,
            "meeting": first,
            "when": timezone.localtime(first.scheduled_at),
            "was": timezone.localtime(first.rescheduled_from) if first.rescheduled_from else None,
            "whens": [timezone.localtime(m.scheduled_at) for m in meetings],
            "meeting_url": absolute(reverse("meeting", args=[first.pk])),
            "settings_url": absolute(reverse("settings")),
        }


def _message(kind: str, meetings: list[Meeting], recipient: User) -> EmailMessage:
    ctx = context(meetings, recipient)
    with timezone.override(recipient.zone):
        subject = " ".join(render_to_string(f"mail/{kind}_subject.txt", ctx).split())
        body = render_to_string(f"mail/{kind}.txt", ctx)
    message = EmailMessage(subject, body, to=[recipient.email])
    for i, meeting in enumerate(meetings, start=1):
        message.attach(_ics_part(meeting, recipient, i if len(meetings) > 1 else None))
    return message


def _ics_part(meeting: Meeting, recipient: User, number: int | None) -> MIMEText:
    """The invitation as a text/calendar part with its iTIP method, which is what makes mail
    apps offer "add to calendar" (or remove it, for a cancellation)."""
    invite = calendar.invitation(meeting, recipient)
    part = MIMEText(invite.to_ical().decode(), "calendar", "utf-8")
    part.set_param("method", str(invite["METHOD"]))
    name = f"invite-{number}.ics" if number else "invite.ics"
    part.add_header("Content-Disposition", "attachment", filename=name)
    return part
