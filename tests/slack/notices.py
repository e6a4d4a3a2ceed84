"""Each kind of notice, caused the way the app causes it (the domain function that writes), and
what its Slack message says, for the delivery tests and the worker test."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from meetings.agendas import domain as agendas
from meetings.models import HelpAsked, Meeting
from meetings.notifications import send_due_reminders
from meetings.recaps import domain as recaps
from meetings.recaps.forms import RecapForm
from meetings.scheduling import lifecycle
from tests.factories import (
    AgendaFactory,
    HeldMeetingFactory,
    MeetingFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
)

# Words each kind's Slack message says (templates/slack/<kind>.txt).
SAYS = {
    "brief_submitted": "submitted their brief",
    "brief_updated": "changed their brief",
    "brief_unread": "have not opened their brief",
    "agenda_due": "your agenda is not submitted",
    "recap_to_confirm": "wrote the recap",
    "peer_asked": "listed you as someone they asked",
    "meeting_scheduled": "is scheduled for",
    "meeting_moved": "is now on",
    "meeting_cancelled": "is cancelled",
}
MENTOR_KINDS = [
    "brief_submitted",
    "brief_updated",
    "brief_unread",
    "recap_to_confirm",
    "meeting_scheduled",
    "meeting_moved",
    "meeting_cancelled",
]


def cause(kind: str, mentorship, peer: User | None = None) -> Meeting:
    """Make the change that sends `kind` (peer_asked: naming `peer`); returns its meeting."""
    scholar, mentor = mentorship.scholar, mentorship.mentor
    soon = timezone.now() + timedelta(days=5)
    if kind == "brief_submitted":
        agenda = AgendaFactory(meeting=MeetingFactory(mentorship=mentorship, scheduled_at=soon))
        QuestionFactory(agenda=agenda)
        assert agendas.submit(agenda)
        return agenda.meeting
    if kind == "brief_updated":
        meeting = MeetingFactory(mentorship=mentorship, scheduled_at=soon + timedelta(days=1))
        agenda = SubmittedAgendaFactory(meeting=meeting)
        agendas.touch(agenda)
        return meeting
    if kind in ("brief_unread", "agenda_due"):
        meeting = MeetingFactory(
            mentorship=mentorship, scheduled_at=timezone.now() + timedelta(hours=20)
        )
        if kind == "brief_unread":
            SubmittedAgendaFactory(meeting=meeting)
        send_due_reminders()
        return meeting
    if kind == "recap_to_confirm":
        meeting = HeldMeetingFactory(mentorship=mentorship)
        form = RecapForm({"takeaway": "Use a smaller model", "next_steps": "Run it", "version": ""})
        recaps.write_recap(meeting, scholar, form)
        return meeting
    if kind == "peer_asked":
        agenda = SubmittedAgendaFactory(
            meeting=MeetingFactory(mentorship=mentorship, scheduled_at=soon + timedelta(days=2))
        )
        agendas.add_help_asked(agenda, {"kind": HelpAsked.Kind.PEER, "peer": peer}, scholar)
        return agenda.meeting
    if kind == "meeting_scheduled":
        start = (soon + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        return lifecycle.schedule(mentorship, start, 60, by=mentor)[0]
    if kind == "meeting_moved":
        meeting = MeetingFactory(mentorship=mentorship, scheduled_at=soon + timedelta(days=4))
        start = (soon + timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
        lifecycle.move(meeting, start, 45)
        return meeting
    if kind == "meeting_cancelled":
        meeting = MeetingFactory(mentorship=mentorship, scheduled_at=soon + timedelta(days=7))
        lifecycle.cancel(meeting, by=mentor)
        return meeting
    raise ValueError(kind)
