"""A meeting of a pair: its time, status, series, status changes and the reminders sent for it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings import access
from meetings.models.choices import (
    MeetingStatus,
    SentReminderChannel,
    SentReminderKind,
    StatusChangeAction,
)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings whose content the user may open."""
        return self.filter(access.meeting_content(user))

    def schedule_visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings whose time and status the user may see."""
        return self.filter(access.meeting_schedule(user))

    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.PLANNED, scheduled_at__gte=timezone.now())

    def held(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.HELD)


class Meeting(models.Model):
    Status = MeetingStatus

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A meeting may belong to a recurring series; moving or cancelling one meeting changes only
    # that meeting (the series keeps its rule).
    series = models.ForeignKey(
        "MeetingSeries", on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    rescheduled_from = models.DateTimeField(null=True, blank=True)
    # The ICS SEQUENCE: grows at each move, cancellation and undone cancellation, so calendar
    # apps replace their copy of the event.
    reschedule_count = models.PositiveSmallIntegerField(default=0)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [
            models.Index(fields=["mentorship", "status", "scheduled_at"]),
            # The cadence dashboard's overdue flag: the program's recent held meetings in one
            # index-only range scan (time), hashed once instead of a probe per pair. Partial (held
            # meetings only): on (status, time) PostgreSQL also took it for "the next planned
            # meetings of these pairs" and filtered a thousand rows instead of probing 20 pairs.
            models.Index(
                fields=["scheduled_at", "mentorship"],
                condition=models.Q(status="held"),
                name="meeting_held_time_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.mentorship.scholar} with {self.mentorship.mentor}, {self.scheduled_at:%Y-%m-%d}"
        )

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def is_open(self) -> bool:
        """A planned meeting: its agenda can still change."""
        return self.status == self.Status.PLANNED

    def is_scholar(self, user: User) -> bool:
        return self.mentorship.scholar_id == user.pk

    def is_mentor(self, user: User) -> bool:
        return self.mentorship.mentor_id == user.pk

    @property
    def has_started(self) -> bool:
        """Its start time has come: only then may it be marked held."""
        return self.scheduled_at <= timezone.now()

    def previous(self) -> Meeting | None:
        """The pair's last earlier meeting that took place (held, or whose time has passed)."""
        return (
            Meeting.objects.filter(
                Q(status=Meeting.Status.HELD) | Q(scheduled_at__lt=timezone.now()),
                mentorship_id=self.mentorship_id,
                scheduled_at__lt=self.scheduled_at,
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-scheduled_at")
            .first()
        )

    def mark_held(self, when=None) -> None:
        self.status = self.Status.HELD
        self.held_at = when or timezone.now()
        self.save(update_fields=["status", "held_at"])


class MeetingSeries(models.Model):
    """A recurring rule for a mentorship: every interval_days from starts_at, count times."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="series")
    starts_at = models.DateTimeField()
    interval_days = models.PositiveSmallIntegerField(default=7)
    count = models.PositiveSmallIntegerField(default=8)
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    # Occurrences keep their local wall-clock time in this zone across daylight-saving changes.
    time_zone = models.CharField(max_length=64, default="UTC")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="series_interval_ge_1"),
            models.CheckConstraint(condition=Q(count__gte=1), name="series_count_ge_1"),
        ]

    def __str__(self) -> str:
        return f"Every {self.interval_days} days: {self.mentorship}"

    def occurrences(self) -> list:
        import zoneinfo

        try:
            zone = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        local = self.starts_at.astimezone(zone).replace(tzinfo=None)
        return [
            (local + timedelta(days=self.interval_days * i)).replace(tzinfo=zone)
            for i in range(self.count)
        ]

    @transaction.atomic
    def create_meetings(self) -> list[Meeting]:
        meetings = Meeting.objects.bulk_create(
            Meeting(
                mentorship=self.mentorship,
                scheduled_at=when,
                duration_minutes=self.duration_minutes,
                series=self,
                created_by=self.created_by,
            )
            for when in self.occurrences()
        )
        return meetings


class StatusChange(models.Model):
    """A meeting marked held or cancelled, or such a change undone: who did it and when.

    The record an undo leaves (a held meeting's record is otherwise fixed), and what tells
    whether the latest change may still be undone: until the end of the day it was made, in the
    time zone of the person who made it (kept here, so changing one's zone later moves nothing).
    """

    Action = StatusChangeAction

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(max_length=64, default="UTC")
    # A meeting held before its scheduled time (both had opened meeting mode) takes the time it
    # began; this keeps the time it had, so the record says so and an undo puts it back.
    moved_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["meeting", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} meeting {self.meeting_id} at {self.at:%Y-%m-%d %H:%M}"

    def undo_day(self) -> date:
        """The day the change was made, in its author's time zone: it may be undone until that
        day ends."""
        return self.at.astimezone(self._zone()).date()

    def undo_deadline(self) -> datetime:
        """The end of undo_day, in its author's time zone."""
        return datetime.combine(self.undo_day() + timedelta(days=1), time.min, tzinfo=self._zone())

    def _zone(self):
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class SentReminder(models.Model):
    """Each mail that must go once (a reminder, a brief notice) is claimed here before sending."""

    Kind = SentReminderKind
    Channel = SentReminderChannel

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Mail and a Slack message of the same notice are claimed apart: each goes once.
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.MAIL)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Distinguishes repeatable notices (an update after each read); empty for reminders.
    key = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "meeting", "recipient", "key", "channel"],
                name="each_notice_once_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} for meeting {self.meeting_id}"

    @classmethod
    def claim(cls, **fields) -> SentReminder | None:
        """Claim a notice before sending it: the new row, or None when it was sent before (or
        is being sent by a parallel run). A failed send deletes the row so a retry may claim it."""
        try:
            with transaction.atomic():
                return cls.objects.create(**fields)
        except IntegrityError:
            return None
