"""Scheduling: the rules a meeting's time, length and repetition follow, and the functions that
schedule, move, cancel and close meetings.

The forms (meetings/scheduling/forms.py) check input with `validate_slot` / `validate_series`;
the writing functions check again, so no caller can store a meeting outside the rules.
Moving or cancelling one meeting of a series changes only that meeting: the series keeps its rule.
Each of them queues the pair's mail with a calendar invitation (meetings/scheduling/invitations.py).

A meeting is marked held from its start time on, or once both of the pair opened meeting mode;
marking it held files what meeting mode captured (one function, whatever page calls it). Marking held and cancelling are recorded
(StatusChange) and may be undone until the end of that day in the time zone of the person who
did it; the undo is recorded too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Mentorship, User
from meetings import access
from meetings.models import LiveMeeting, Meeting, MeetingSeries, Question, StatusChange
from meetings.scheduling import invitations
from meetings.unstuck import streaks as stuck
from meetings.webhooks import emit as webhooks

# A meeting may be entered just after it started (people record it as they sit down); two years
# ahead covers any mentoring programme and keeps absurd dates (9999) out of the calendar.
GRACE = timedelta(hours=1)
HORIZON = timedelta(days=730)
MIN_MINUTES, MAX_MINUTES = 5, 480
MIN_COUNT, MAX_COUNT = 1, 52
MIN_INTERVAL, MAX_INTERVAL = 1, 90


class NotPlanned(Exception):
    """The meeting was held or cancelled already: its time and status are fixed."""


class NotStarted(Exception):
    """The meeting has not started yet: it cannot have been held."""


class CannotUndo(Exception):
    """There is no change to undo, it was made before today, or undoing it would break the
    record."""


def window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The earliest and latest time a meeting may be scheduled at."""
    now = now or timezone.now()
    return now - GRACE, now + HORIZON


def validate_slot(start: datetime, duration_minutes: int) -> None:
    """Raise a ValidationError (by field name) unless the time lies in the window and the length
    is between MIN_MINUTES and MAX_MINUTES."""
    validate_series(start, duration_minutes)


def validate_series(
    start: datetime,
    duration_minutes: int,
    interval_days: int | None = None,
    count: int = 1,
    time_zone: str = "UTC",
) -> None:
    """validate_slot for every meeting of a series of `count` meetings `interval_days` apart
    (count 1: one meeting, no interval needed)."""
    errors: dict[str, str] = {}
    earliest, latest = window()
    if start < earliest:
        errors["scheduled_at"] = "Pick a time from now on."
    elif start > latest:
        errors["scheduled_at"] = f"Pick a time within two years (by {_day(latest)})."
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = (
            f"A meeting lasts {MIN_MINUTES} to {MAX_MINUTES} minutes ({MAX_MINUTES // 60} hours)."
        )
    if count != 1:
        if not MIN_COUNT <= count <= MAX_COUNT:
            errors["count"] = f"Schedule {MIN_COUNT} to {MAX_COUNT} meetings at a time."
        if interval_days is None or not MIN_INTERVAL <= interval_days <= MAX_INTERVAL:
            errors["interval_days"] = (
                f"Meetings repeat every {MIN_INTERVAL} to {MAX_INTERVAL} days."
            )
    if not errors and count > 1:
        last = _series(start, duration_minutes, interval_days, count, time_zone).occurrences()[-1]
        if last > latest:
            errors["count"] = (
                f"The last meeting would fall on {_day(last)}, more than two years ahead: "
                "schedule fewer meetings."
            )
    if errors:
        raise ValidationError(errors)


def _day(when: datetime) -> str:
    return date_format(timezone.localtime(when), "j F Y")


def _series(start, duration_minutes, interval_days, count, time_zone) -> MeetingSeries:
    return MeetingSeries(
        starts_at=start,
        duration_minutes=duration_minutes,
        interval_days=interval_days,
        count=count,
        time_zone=time_zone,
    )


def schedulable_mentorships(user: User):
    """The active mentorships the user may schedule meetings for."""
    return (
        Mentorship.objects.active()
        .filter(access.mentorship_schedule(user))
        .select_related("scholar", "mentor", "program")
    )


@transaction.atomic
def schedule(
    mentorship: Mentorship,
    start: datetime,
    duration_minutes: int,
    *,
    by: User,
    interval_days: int | None = None,
    count: int = 1,
) -> list[Meeting]:
    """One meeting (count 1), or a series of `count` meetings every `interval_days`, whose
    occurrences keep their wall-clock time in the scheduling user's time zone."""
    validate_series(start, duration_minutes, interval_days, count, by.time_zone)
    if count == 1:
        meetings = [
            Meeting.objects.create(
                mentorship=mentorship,
                scheduled_at=start,
                duration_minutes=duration_minutes,
                created_by=by,
            )
        ]
    else:
        series = _series(start, duration_minutes, interval_days, count, by.time_zone)
        series.mentorship = mentorship
        series.created_by = by
        series.save()
        meetings = series.create_meetings()
    invitations.scheduled(meetings)
    webhooks.emit(webhooks.Event.MEETING_SCHEDULED, *meetings)
    return meetings


def check_movable(meeting: Meeting) -> None:
    """Refuse unless the meeting is planned: a held or cancelled meeting keeps its time."""
    if not meeting.is_open:
        raise NotPlanned("Only a planned meeting can be moved.")


@transaction.atomic
def move(meeting: Meeting, start: datetime, duration_minutes: int) -> None:
    """Give one planned meeting a new time or length. The first planned time is kept (the pair
    sees what it was), and the counter calendar apps use to replace the event grows."""
    check_movable(meeting)
    validate_slot(start, duration_minutes)
    if (start, duration_minutes) == (meeting.scheduled_at, meeting.duration_minutes):
        return
    if start != meeting.scheduled_at and meeting.rescheduled_from is None:
        meeting.rescheduled_from = meeting.scheduled_at
    meeting.scheduled_at = start
    meeting.duration_minutes = duration_minutes
    meeting.reschedule_count = F("reschedule_count") + 1
    meeting.save(
        update_fields=["scheduled_at", "duration_minutes", "rescheduled_from", "reschedule_count"]
    )
    meeting.refresh_from_db(fields=["reschedule_count"])
    stuck.recompute_pair(meeting.mentorship_id)  # the order of the pair's agendas may change
    invitations.moved(meeting)
    webhooks.emit(webhooks.Event.MEETING_MOVED, meeting)


@transaction.atomic
def cancel(meeting: Meeting, by: User) -> None:
    """Cancel one planned meeting; the feed keeps it, marked cancelled, so calendars drop it."""
    _lock_planned(meeting, "Only a planned meeting can be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.reschedule_count = F("reschedule_count") + 1
    meeting.save(update_fields=["status", "reschedule_count"])
    meeting.refresh_from_db(fields=["reschedule_count"])
    _record(meeting, StatusChange.Action.CANCELLED, by)
    stuck.recompute_pair(meeting.mentorship_id)  # its agenda no longer counts
    invitations.cancelled(meeting)
    webhooks.emit(webhooks.Event.MEETING_CANCELLED, meeting)


@transaction.atomic
def mark_held(meeting: Meeting, by: User) -> int:
    """Record that a planned meeting took place and file everything captured in meeting mode
    into its record (returns how many captures were filed): the one way a meeting becomes held,
    whichever page it is done from. Its brief becomes read-only.

    Allowed from its scheduled start on, or once both of the pair have opened meeting mode: a
    meeting run early then takes the time it began, and the status change keeps the time it
    had (`moved_from`)."""
    _lock_planned(meeting, "Only a planned meeting can be marked held.")
    live = live_facts(meeting)
    began = live.both_opened_at if live else None
    if not may_mark_held(meeting, live):
        raise NotStarted(
            f"This meeting starts on {_moment(meeting.scheduled_at, by)} (your time): "
            "mark it held once it has started, or once you have both opened meeting mode."
        )
    moved_from = None
    if began is not None and began < meeting.scheduled_at:
        moved_from = meeting.scheduled_at
        if meeting.rescheduled_from is None:
            meeting.rescheduled_from = moved_from
        meeting.scheduled_at = began
        meeting.save(update_fields=["scheduled_at", "rescheduled_from"])
    meeting.mark_held()
    _record(meeting, StatusChange.Action.HELD, by, moved_from=moved_from)
    # the pair's last held meeting (and, run early, the order of its agendas) changed
    stuck.recompute_pair(meeting.mentorship_id)
    webhooks.emit(webhooks.Event.MEETING_HELD, meeting)
    # Imported here: meeting mode's filing uses the briefs' domain, which imports this module.
    from meetings.meeting_mode import live

    return live.file_captures(meeting, by)


def began_at(meeting: Meeting) -> datetime | None:
    """When the meeting began in meeting mode: the moment the second of the pair opened it
    (None while only one, or neither, has)."""
    live = live_facts(meeting)
    return live.both_opened_at if live else None


def live_facts(meeting: Meeting) -> LiveMeeting | None:
    """The meeting's meeting-mode state (None if nobody opened it), with `unfiled`: how many
    captures marking it held would file. One query."""
    return (
        LiveMeeting.objects.filter(meeting_id=meeting.pk)
        .annotate(unfiled=Count("captures", filter=Q(captures__filed_at__isnull=True)))
        .first()
    )


def may_mark_held(meeting: Meeting, live: LiveMeeting | None) -> bool:
    """The held rule, for pages that offer it: from the start time on, or once both of the pair
    opened meeting mode (`live`: live_facts)."""
    return meeting.has_started or bool(live and live.both_opened_at)


def undoable(meeting: Meeting, changes: list[StatusChange] | None = None) -> StatusChange | None:
    """The change an undo would revert: the meeting's latest, if it made the meeting held or
    cancelled and its day is not over yet (`changes`: the meeting's changes, oldest first, when
    the caller has them)."""
    if meeting.is_open:
        return None
    if changes is None:
        latest = meeting.status_changes.order_by("-at", "-pk").first()
    else:
        latest = changes[-1] if changes else None
    if latest is None or latest.action != meeting.status:
        return None
    return latest if timezone.now() < latest.undo_deadline() else None


@transaction.atomic
def undo(meeting: Meeting, by: User) -> StatusChange:
    """Put a meeting marked held or cancelled today back to planned; returns the change undone.

    Whoever may cancel may undo a cancellation; only the mentor undoes "held", as only they
    mark it (PermissionDenied otherwise). A held meeting stays held when a later meeting of the
    pair was held since, or when its open questions were carried into a later agenda: reopening
    it would duplicate them."""
    given, meeting = meeting, Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_held and not given.is_mentor(by):
        raise PermissionDenied("Only the mentor changes whether a meeting was held.")
    change = undoable(meeting)
    if change is None:
        raise CannotUndo(
            "Only a meeting marked held or cancelled today can be put back to planned."
        )
    if change.action == StatusChange.Action.HELD:
        _check_reopen(meeting)
        meeting.status = Meeting.Status.PLANNED
        meeting.held_at = None
        if change.moved_from is not None:
            # Held early, it had taken the time it began: it gets its planned time back.
            if meeting.rescheduled_from == change.moved_from:
                meeting.rescheduled_from = None
            meeting.scheduled_at = change.moved_from
        meeting.save(update_fields=["status", "held_at", "scheduled_at", "rescheduled_from"])
        stuck.recompute_pair(meeting.mentorship_id)  # its last held meeting is an earlier one
    else:
        meeting.status = Meeting.Status.PLANNED
        meeting.reschedule_count = F("reschedule_count") + 1
        meeting.save(update_fields=["status", "reschedule_count"])
        meeting.refresh_from_db(fields=["reschedule_count"])
        invitations.restored(meeting)
        stuck.recompute_pair(meeting.mentorship_id)  # its agenda counts again
    _record(meeting, StatusChange.Action.UNDONE, by)
    given.status, given.held_at = meeting.status, meeting.held_at
    given.scheduled_at, given.rescheduled_from = meeting.scheduled_at, meeting.rescheduled_from
    given.reschedule_count = meeting.reschedule_count
    return change


def _check_reopen(meeting: Meeting) -> None:
    later_held = Meeting.objects.filter(
        mentorship_id=meeting.mentorship_id,
        status=Meeting.Status.HELD,
        scheduled_at__gt=meeting.scheduled_at,
    )
    if later_held.exists():
        raise CannotUndo(
            "A later meeting of this pair is already marked held: this one stays held. "
            "Add a note instead."
        )
    if Question.objects.filter(carried_from__agenda__meeting=meeting).exists():
        raise CannotUndo(
            "Questions of this meeting were already carried into the next agenda: it stays "
            "held. Add a note instead."
        )


def _lock_planned(meeting: Meeting, refusal: str) -> None:
    """Refuse unless the meeting is still planned in the database, holding its row until the
    transaction ends: two clicks (or two people) at once change it, and record it, once."""
    status = Meeting.objects.select_for_update().values_list("status", flat=True).get(pk=meeting.pk)
    if not meeting.is_open or status != Meeting.Status.PLANNED:
        raise NotPlanned(refusal)


def _record(meeting: Meeting, action: str, by: User, **extra) -> StatusChange:
    return StatusChange.objects.create(
        meeting=meeting, action=action, by=by, time_zone=by.zone.key, **extra
    )


def _moment(when: datetime, user: User) -> str:
    return date_format(when.astimezone(user.zone), "l j F Y, H:i")
