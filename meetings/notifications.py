"""Mail: to the mentor when a brief is submitted or updated (queued by the functions that write
it, meetings/agendas/domain.py, inside their transaction), to the mentor when the scholar writes
the recap (meetings/recaps/domain.py), to a peer listed under "whom I asked" on a submitted agenda,
and the reminders that `manage.py send_reminders` sends before meetings. Each is queued through
meetings/delivery.py, which decides mail, Slack or both; the context built here serves the mail
and the Slack message of the same kind, so neither says more than the other.

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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from accounts.mail import retry_later
from accounts.models import User
from meetings import access
from meetings.models import Agenda, BriefRead, HelpAsked, Meeting, SentReminder

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
    Kind.RECAP_TO_CONFIRM: "mail_recap_confirm",
    Kind.PEER_ASKED: "mail_peer_asked",
}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def wants(user: User, kind: str) -> bool:
    return bool(user.email) and user.is_active and getattr(user, PREFERENCE[kind], True)


def asked_entry_id(key: str) -> int | None:
    """The "whom I asked" entry a PEER_ASKED notice is about: its key is "entry-<id>-<peer>"."""
    parts = key.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "entry" and parts[1].isdigit() else None


def may_receive(kind: str, meeting: Meeting, recipient: User, key: str = "") -> bool:
    """Whether this notice may go to this person at all, whatever the channel: the pair's own
    notices to the pair only; "you were asked" to the peer a submitted agenda names (access.py)."""
    if kind == Kind.PEER_ASKED:
        entry_id = asked_entry_id(key)
        return (
            entry_id is not None
            and HelpAsked.objects.filter(
                access.help_asked_as_peer(recipient), pk=entry_id, agenda__meeting=meeting
            ).exists()
        )
    return recipient.pk in (meeting.mentorship.scholar_id, meeting.mentorship.mentor_id)


def context(kind: str, meeting: Meeting, recipient: User, key: str = "") -> dict:
    """What the mail and the Slack message of this kind may say, in the recipient's time zone
    (render under timezone.override(recipient.zone))."""
    mentorship = meeting.mentorship
    if kind == Kind.PEER_ASKED:
        # A name and a date, nothing else: never the bottleneck nor what came of asking.
        entry = HelpAsked.objects.get(pk=asked_entry_id(key))
        with timezone.override(recipient.zone):
            return {
                "recipient": recipient,
                "asker": mentorship.scholar,
                "asked_on": timezone.localtime(entry.created_at),
                "home_url": absolute(reverse("home")),
                "settings_url": absolute(reverse("settings")),
            }
    agenda = Agenda.objects.filter(meeting=meeting).first()
    with timezone.override(recipient.zone):
        when = timezone.localtime(meeting.scheduled_at)
        return {
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
            "recap_url": absolute(reverse("recap", args=[meeting.pk])),
            "settings_url": absolute(reverse("settings")),
        }


def _message(kind: str, meeting: Meeting, recipient: User, key: str = "") -> tuple[str, str]:
    ctx = context(kind, meeting, recipient, key)
    with timezone.override(recipient.zone):
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
    if not may_receive(kind, meeting, recipient, key):
        return False  # never mail anyone outside the pair (but the peer asked, told so)
    if not wants(recipient, kind):
        return False
    claim = SentReminder.claim(kind=kind, meeting=meeting, recipient=recipient, key=key)
    if claim is None:
        return False  # already sent (or being sent by a parallel run)
    subject, body = _message(kind, meeting, recipient, key)
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
    """Queue a notice by mail, Slack or both (meetings/delivery.py decides)."""
    from meetings import delivery  # delivery builds on this module

    delivery.fan_out(kind, [meeting.pk], recipient_id, key)


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


# --- After the meeting, and "whom I asked" ------------------------------------------------------


def recap_written(meeting: Meeting) -> None:
    """Ask the mentor to confirm the scholar's new recap; called inside the write's transaction
    (once per recap: only its first save)."""
    enqueue(Kind.RECAP_TO_CONFIRM, meeting, meeting.mentorship.mentor_id)


def peers_asked(agenda: Agenda, entries=None) -> None:
    """Tell each peer the submitted agenda names under "whom I asked" that they were asked, once
    per entry and peer (`entries`: those just added or changed; all of the agenda's by
    default). Called inside the writing transaction."""
    if not agenda.is_submitted:
        return  # a draft is the scholar's alone
    if entries is None:
        entries = HelpAsked.objects.filter(agenda=agenda, kind=HelpAsked.Kind.PEER)
    for entry in entries:
        if entry.kind == HelpAsked.Kind.PEER and entry.peer_id:
            enqueue(
                Kind.PEER_ASKED, agenda.meeting, entry.peer_id, f"entry-{entry.pk}-{entry.peer_id}"
            )


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
    from meetings import delivery  # delivery builds on this module

    for kind, meeting, recipient in due_reminders(now):
        # By mail, Slack or both: one result per way, none when the person wants neither.
        results = delivery.fan_out(kind, [meeting.pk], recipient.pk, "", recipient=recipient)
        if not results:
            counts["skipped"] += 1
        for result in results:
            if result.status == TaskResultStatus.SUCCESSFUL:
                counts["sent" if result.return_value else "skipped"] += 1
            elif result.status == TaskResultStatus.FAILED:
                counts["failed"] += 1
            else:
                counts["queued"] += 1
    return counts
