"""After the meeting: the scholar's recap (the mentor confirms it or adds a correction), the
scholar's private "Did you get what you came for?", and the mentor's feedback on how the scholar
led the meeting.

Only a held meeting has an "after": every write here refuses any other. The held record itself
stays read-only; these are separate records about it. Who sees which is in access.py.

Each write is checked here, once, in this order: who may make it (access.py, `recap_writer` and
`recap_reviewer`; anyone else: NotYours), then the person's form (Invalid: the form says what to
fix), then the meeting's state (a ValidationError saying why not). The views turn each into their
answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from meetings import access, notifications
from meetings.models import LeadFeedback, Meeting, MeetingOutcome, Recap

if TYPE_CHECKING:
    from meetings.recaps.forms import ConfirmRecapForm, LeadFeedbackForm, OutcomeForm, RecapForm

NOT_HELD = "The recap and feedback open once the meeting is marked held."


class NotYours(Exception):
    """The write is someone else's to make (the views answer as for a meeting the person may
    not see)."""


class Invalid(Exception):
    """The person's form has errors: the form says which, beside its fields."""


class Stale(Exception):
    """Someone saved a newer recap since this one was opened."""


def _only(allowed: bool, why: str) -> None:
    if not allowed:
        raise NotYours(why)


def _cleaned(form) -> dict:
    if not form.is_valid():
        raise Invalid
    return form.cleaned_data


def _require_held(meeting: Meeting) -> None:
    if not meeting.is_held:
        raise ValidationError(NOT_HELD)


def _lock_held(meeting: Meeting) -> None:
    """Refuse unless the meeting is held in the database, holding its row until the transaction
    ends: an undo of "held" waits for the write (or the write sees the undo), and two first
    saves of a recap make one recap, the second seeing the first."""
    status = Meeting.objects.select_for_update().values_list("status", flat=True).get(pk=meeting.pk)
    if status != Meeting.Status.HELD:
        raise ValidationError(NOT_HELD)


@transaction.atomic
def write_recap(meeting: Meeting, user: User, form: RecapForm) -> Recap:
    """Create or update the scholar's recap. Raises Stale when the form's version is not the
    recap's (someone saved a newer one in between, or the form was opened before there was a
    recap and names no version); a confirmed recap is fixed (the mentor's correction follows
    it)."""
    _only(access.may_write_recap(user, meeting), "Only the scholar writes the recap.")
    version = _cleaned(form)["version"]
    _lock_held(meeting)
    data = form.recap_data()
    recap = Recap.objects.select_for_update().filter(meeting=meeting).first()
    if recap is None:
        recap = Recap.objects.create(meeting=meeting, **data)
        notifications.recap_written(meeting)  # the mentor is asked to confirm it, once
        return recap
    if recap.is_confirmed:
        raise ValidationError("Your mentor has confirmed this recap: it can no longer change.")
    if version != recap.version:
        raise Stale
    for name, value in data.items():
        setattr(recap, name, value)
    recap.version += 1
    recap.updated_at = timezone.now()
    recap.save()
    return recap


@transaction.atomic
def confirm_recap(recap: Recap, user: User, form: ConfirmRecapForm) -> None:
    """The mentor confirms the recap as written, or with a correction or addition: the version
    the form names, which the mentor read (Stale when the scholar saved another since, or the
    form names none); only while the meeting is held (an undo of "held" closes it)."""
    _only(access.may_review_recap(user, recap.meeting), "Only the mentor confirms the recap.")
    data = _cleaned(form)
    _lock_held(recap.meeting)
    current = Recap.objects.select_for_update().get(pk=recap.pk)
    if data["version"] != current.version:
        raise Stale
    recap.version = current.version
    recap.correction = data["correction"]
    recap.confirmed_by = user
    recap.confirmed_at = timezone.now()
    recap.version += 1
    recap.save(update_fields=["confirmed_by", "confirmed_at", "correction", "version"])


def record_outcome(meeting: Meeting, user: User, form: OutcomeForm) -> MeetingOutcome:
    _only(access.may_write_recap(user, meeting), "Only the scholar answers.")
    data = _cleaned(form)
    _require_held(meeting)
    outcome, _ = MeetingOutcome.objects.update_or_create(
        meeting=meeting,
        defaults={
            "answer": data["answer"],
            "comment": data["comment"],
            "answered_at": timezone.now(),
        },
    )
    return outcome


def give_feedback(meeting: Meeting, user: User, form: LeadFeedbackForm) -> LeadFeedback:
    _only(access.may_review_recap(user, meeting), "Only the mentor gives feedback.")
    data = _cleaned(form)
    _require_held(meeting)
    feedback, _ = LeadFeedback.objects.update_or_create(
        meeting=meeting, mentor=user, defaults={**data, "updated_at": timezone.now()}
    )
    return feedback


def last_recap(meeting: Meeting) -> Recap | None:
    """The recap that opens this meeting's agenda: the pair's latest held meeting before it."""
    return (
        Recap.objects.filter(
            meeting__mentorship_id=meeting.mentorship_id,
            meeting__status=Meeting.Status.HELD,
            meeting__scheduled_at__lt=meeting.scheduled_at,
        )
        .select_related("meeting", "confirmed_by")
        .order_by("-meeting__scheduled_at")
        .first()
    )


def recaps_to_write(scholar: User, limit: int = 3) -> list[Meeting]:
    """Each pair's latest held meeting of the last three weeks, when it has no recap yet (an
    older meeting's recap is not asked for once a newer meeting was held)."""
    since = timezone.now() - timezone.timedelta(days=21)
    recent = (
        Meeting.objects.held()
        .filter(access.recap_writer(scholar), scheduled_at__gte=since)
        .select_related("mentorship__mentor", "recap")
        .order_by("-scheduled_at")
    )
    latest: dict[int, Meeting] = {}
    for meeting in recent:
        latest.setdefault(meeting.mentorship_id, meeting)
    owed = [m for m in latest.values() if not hasattr(m, "recap")]
    return owed[:limit]


def recaps_to_confirm(mentor: User, limit: int = 5) -> list[Recap]:
    """Recaps the mentor's scholars wrote that wait for the mentor's confirmation."""
    return list(
        Recap.objects.filter(access.recap_reviewer(mentor, "meeting__"), confirmed_at__isnull=True)
        .select_related("meeting__mentorship__scholar")
        .order_by("-meeting__scheduled_at")[:limit]
    )


def outcome_trend(mentor: User, limit: int = 12) -> list[MeetingOutcome]:
    """The mentor's own trend: the answers for their latest meetings, oldest first (answers only:
    the comment stays the scholar's)."""
    outcomes = (
        MeetingOutcome.objects.filter(meeting__mentorship__mentor=mentor)
        .select_related("meeting__mentorship__scholar")
        .only(
            "answer",
            "meeting__scheduled_at",
            "meeting__mentorship__scholar__display_name",
            "meeting__mentorship__scholar__first_name",
            "meeting__mentorship__scholar__last_name",
            "meeting__mentorship__scholar__username",
        )
        .order_by("-meeting__scheduled_at")[:limit]
    )
    return list(reversed(outcomes))


@dataclass(frozen=True)
class CameForRate:
    """Figures only: how many answers, and how many said yes or partly."""

    yes: int
    partly: int
    no: int

    @property
    def answered(self) -> int:
        return self.yes + self.partly + self.no

    @property
    def percent_yes(self) -> int | None:
        return round(100 * self.yes / self.answered) if self.answered else None


def came_for_rate(mentor_id: int, program_id: int) -> CameForRate:
    """The program's rate for one mentor, as figures (what staff see)."""
    counts = MeetingOutcome.objects.filter(
        meeting__mentorship__mentor_id=mentor_id, meeting__mentorship__program_id=program_id
    ).aggregate(
        yes=Count("pk", filter=Q(answer=MeetingOutcome.Answer.YES)),
        partly=Count("pk", filter=Q(answer=MeetingOutcome.Answer.PARTLY)),
        no=Count("pk", filter=Q(answer=MeetingOutcome.Answer.NO)),
    )
    return CameForRate(**counts)
