"""Meeting mode: the meeting in progress and what either person captures in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from meetings.models.agendas import Question
from meetings.models.choices import CaptureKind
from meetings.models.meetings import Meeting


class LiveMeeting(models.Model):
    """The shared state of a meeting in progress (meetings/meeting_mode/live.py): which question is on,
    since when, and a counter of every change, so each open page asks only for what is new.

    `seq` grows by one with every capture and every move; `version` only with moves, so a stale
    "next question" from the other person's page is refused instead of skipping a question.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="live")
    seq = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    reading_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    current_question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question_started_at = models.DateTimeField(null=True, blank=True)
    finished = models.BooleanField(default=False)  # past the last question
    # When each of the pair first opened meeting mode: once both have, the meeting has begun,
    # and it may be marked held even before its scheduled time (scheduling.mark_held).
    scholar_opened_at = models.DateTimeField(null=True, blank=True)
    mentor_opened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Live {self.meeting}"

    @property
    def both_opened_at(self):
        """When the second of the pair opened meeting mode (None until both have)."""
        if self.scholar_opened_at and self.mentor_opened_at:
            return max(self.scholar_opened_at, self.mentor_opened_at)
        return None


class Capture(models.Model):
    """An answer, decision or action item typed during the meeting: appended, never overwritten,
    and filed into the meeting record when the meeting is marked held."""

    Kind = CaptureKind

    live = models.ForeignKey(LiveMeeting, on_delete=models.CASCADE, related_name="captures")
    seq = models.PositiveIntegerField()
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["live", "seq"], name="one_capture_per_seq")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"
