"""After the meeting: the recap, "Did you get what you came for?" and feedback on leading."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models.choices import LeadFeedbackClarity, LeadFeedbackFirst, MeetingOutcomeAnswer
from meetings.models.derived import DerivedFieldsMixin, DerivedQuerySet, MarkdownHTMLField
from meetings.models.meetings import Meeting


class RecapQuerySet(DerivedQuerySet):
    def visible_to(self, user: User) -> RecapQuerySet:
        return self.filter(access.recap(user))


class Recap(DerivedFieldsMixin, models.Model):
    """The scholar's three lines after a held meeting; the mentor confirms them or adds a
    correction. The recap opens the pair's next agenda."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="recap")
    takeaway = models.TextField("What I take away", max_length=600)
    next_steps = models.TextField("What I'll do next", max_length=600)
    still_need = models.TextField("What I still need", max_length=600, blank=True)
    version = models.PositiveIntegerField(default=1)
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    correction = models.TextField("Correction or addition", max_length=1000, blank=True)
    # Stored when the text is written (meetings/models/derived.py): the recap as shown.
    takeaway_html = MarkdownHTMLField(sources="takeaway")
    next_steps_html = MarkdownHTMLField(sources="next_steps")
    still_need_html = MarkdownHTMLField(sources="still_need")
    correction_html = MarkdownHTMLField(sources="correction")

    objects = RecapQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Recap of {self.meeting_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class MeetingOutcomeQuerySet(models.QuerySet["MeetingOutcome"]):
    def visible_to(self, user: User) -> MeetingOutcomeQuerySet:
        return self.filter(access.meeting_outcome(user))


class MeetingOutcome(models.Model):
    """The scholar's private answer to "Did you get what you came for?"."""

    Answer = MeetingOutcomeAnswer

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="outcome")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    comment = models.CharField("Anything to add (only you see this)", max_length=300, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    objects = MeetingOutcomeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.get_answer_display()} for {self.meeting_id}"


class LeadFeedbackQuerySet(models.QuerySet["LeadFeedback"]):
    def visible_to(self, user: User) -> LeadFeedbackQuerySet:
        return self.filter(access.lead_feedback(user))


class LeadFeedback(models.Model):
    """A mentor's short feedback to the scholar on how they led the meeting."""

    Clarity = LeadFeedbackClarity

    First = LeadFeedbackFirst

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="lead_feedback")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    clarity = models.CharField("How clear was the meeting?", max_length=8, choices=Clarity.choices)
    important_first = models.CharField(
        "Did the most important point come first?", max_length=8, choices=First.choices
    )
    note = models.TextField("A note for the scholar", max_length=600, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LeadFeedbackQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "mentor"], name="one_feedback_per_mentor")
        ]

    def __str__(self) -> str:
        return f"Feedback by {self.mentor_id} on {self.meeting_id}"
