"""Mail: to the mentor when a brief is submitted or updated (queued by the functions that write
it, meetings/agendas/domain.py, inside their transaction), and the reminders that
`manage.py send_reminders` sends before meetings.

Every mail goes through one django-tasks task, `send_notice`. With the database backend the task
is a row written in the same transaction as the change that causes it: it exists exactly when the
change does, and the worker (`manage.py db_worker`) sends it, so a slow or failing mail server
never slows a page or loses a mail. The task first claims a SentReminder row (unique per kind,
meeting, recipient and key) and only then sends, so each notice goes once even when cron runs or
retries overlap. A failed send releases the claim and queues the task again with back-off.
Mails carry links (settings.SITE_URL) and only what the recipient may see (README, "Who sees what"): never the
wellbeing check-in, never a private note.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from accounts.mail import retry_later
from accounts.models import User
from meetings.models import Agenda, BriefRead, Meeting, SentReminder

log = logging.getLogger(__name__)

AGENDA_REMINDER_HOURS = 48
BRIEF_REMINDER_HOURS = 24

Kind = SentReminder.Kind

# Which preference (a User field) turns each kind of mail off.
PREFERENCE = {
    Kind.BRIEF_SUBMITTED: "mail_brief_submitted",
    Kind.BRIEF_UPDATED: "mail_brief_submitted",
    Kind.AGENDA_DUE: "mail_agenda_reminder",
    Kind.BRIEF_UNREAD: "mail_brief_reminder",
}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def wants(user: User, kind: str) -> bool:
    return bool(user.email) and user.is_active and getattr(user, PREFERENCE[kind], True)


def _message(kind: str, meeting: Meeting, recipient: User) -> tuple[str, str]:
    mentorship = meeting.mentorship
    agenda = Agenda.objects.filter(meeting=meeting).first()
    with timezone.override(recipient.zone):
        when = timezone.localtime(meeting.scheduled_at)
        ctx = {
            "recipient": recipient,
            "meeting": meeting,
            "when": when,
            "scholar": mentorship.scholar,
            "mentor": mentorship.mentor,
            # Only what the recipient may see: the mentor reads submitted briefs (no check-in).
            "bottleneck": agenda.bottleneck if agenda and agenda.is_submitted else "",
            "decision": agenda.decision if agenda and agenda.is_submitted else "",
            "question_count": agenda.questions.exclude(status="dropped").count() if agenda else 0,
            "brief_url": absolute(reverse("brief", args=[meeting.pk])),
            "agenda_url": absolute(reverse("agenda", args=[meeting.pk])),
            "settings_url": absolute(reverse("settings")),
        }
        subject = render_to_string(f"mail/{kind}_subject.txt", ctx).strip()
        body = render_to_string(f"mail/{kind}.txt", ctx)
    return " ".join(subject.split()), body


@task()
def send_notice(
    kind: str, meeting_id: int, recipient_id: int, key: str = "", attempt: int = 1
) -> bool:
    """Send one notice unless it was sent before; True when a mail went out."""
    meeting = Meeting.objects.select_related("mentorship__scholar", "mentorship__mentor").get(
        pk=meeting_id
    )
    recipient = User.objects.get(pk=recipient_id)
    if recipient.pk not in (meeting.mentorship.scholar_id, meeting.mentorship.mentor_id):
        return False  # never mail anyone outside the pair
    if not wants(recipient, kind):
        return False
    try:
        with transaction.atomic():
            claim = SentReminder.objects.create(
                kind=kind, meeting=meeting, recipient=recipient, key=key
            )
    except IntegrityError:
        return False  # already sent (or being sent by a parallel run)
    subject, body = _message(kind, meeting, recipient)
    try:
        send_mail(subject, body, None, [recipient.email], fail_silently=False)
    except Exception:
        claim.delete()  # not sent: the retry (or the next reminders run) may claim it again
        log.exception("Could not send %s to %s (attempt %d)", kind, recipient.email, attempt)
        # Without a retry (a backend that cannot defer), the next reminders run tries again.
        retry_later(send_notice, attempt, kind, meeting_id, recipient_id, key)
        raise  # the worker records this attempt as failed, with its traceback
    return True


def enqueue(kind: str, meeting: Meeting, recipient_id: int, key: str = "") -> None:
    """Queue a notice; the task checks the recipient's preferences, so nothing is loaded here."""
    send_notice.enqueue(kind, meeting.pk, recipient_id, key)


# --- When the scholar submits or updates -----------------------------------------------------


def brief_submitted(agenda: Agenda) -> None:
    """Queue the mentor's mail; called inside the submit's transaction."""
    meeting = agenda.meeting
    if meeting.is_open:
        enqueue(Kind.BRIEF_SUBMITTED, meeting, meeting.mentorship.mentor_id)


def brief_updated(agenda: Agenda) -> None:
    """One "updated" mail per read: more edits before the mentor opens the brief again send none.

    Called inside the writing transaction, with the agenda's meeting and pair already loaded.
    """
    meeting = agenda.meeting
    if not meeting.is_open:
        return
    mentor_id = meeting.mentorship.mentor_id
    read = BriefRead.objects.filter(agenda_id=agenda.pk, reader_id=mentor_id).first()
    key = read.last_read_at.isoformat() if read else "before-first-read"
    enqueue(Kind.BRIEF_UPDATED, meeting, mentor_id, key)


# --- Reminders (manage.py send_reminders) ----------------------------------------------------


def due_reminders(now=None) -> list[tuple[str, Meeting, User]]:
    """The reminders that are due now and were not sent yet."""
    now = now or timezone.now()
    candidates = list(
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            scheduled_at__gt=now,
            scheduled_at__lte=now + timedelta(hours=AGENDA_REMINDER_HOURS),
            mentorship__active=True,
        ).select_related("mentorship__scholar", "mentorship__mentor", "agenda")
    )
    ids = [m.pk for m in candidates]
    sent = set(
        SentReminder.objects.filter(
            kind__in=[Kind.AGENDA_DUE, Kind.BRIEF_UNREAD], meeting_id__in=ids
        ).values_list("kind", "meeting_id", "recipient_id")
    )
    reads = set(
        BriefRead.objects.filter(agenda__meeting_id__in=ids).values_list(
            "agenda__meeting_id", "reader_id"
        )
    )
    due: list[tuple[str, Meeting, User]] = []
    for meeting in candidates:
        agenda = getattr(meeting, "agenda", None)
        scholar, mentor = meeting.mentorship.scholar, meeting.mentorship.mentor
        if agenda is None or not agenda.is_submitted:
            if (Kind.AGENDA_DUE, meeting.pk, scholar.pk) not in sent:
                due.append((Kind.AGENDA_DUE, meeting, scholar))
        elif (
            meeting.scheduled_at <= now + timedelta(hours=BRIEF_REMINDER_HOURS)
            and (meeting.pk, mentor.pk) not in reads
            and (Kind.BRIEF_UNREAD, meeting.pk, mentor.pk) not in sent
        ):
            due.append((Kind.BRIEF_UNREAD, meeting, mentor))
    return due


def send_due_reminders(now=None) -> dict[str, int]:
    """Send (or queue) every due reminder once; returns counts for the command's report."""
    counts = {"sent": 0, "queued": 0, "skipped": 0, "failed": 0}
    for kind, meeting, recipient in due_reminders(now):
        if not wants(recipient, kind):
            counts["skipped"] += 1
            continue
        result = send_notice.enqueue(kind, meeting.pk, recipient.pk, "")
        if result.status == TaskResultStatus.SUCCESSFUL:
            counts["sent" if result.return_value else "skipped"] += 1
        elif result.status == TaskResultStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["queued"] += 1
    return counts
