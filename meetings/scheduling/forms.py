"""The scheduling forms. The rules themselves are meetings/scheduling/lifecycle.py's: a form only reads the
input and reports the rules' errors next to the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from meetings.models import Meeting
from meetings.scheduling import lifecycle as rules

WINDOW = "From now up to two years ahead."
DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SlotForm(forms.Form):
    """A time and a length: moving a meeting, and the base of scheduling one."""

    scheduled_at = forms.DateTimeField(
        label="When (your time zone)",
        widget=DATETIME_LOCAL,
        help_text=WINDOW,
    )
    duration_minutes = forms.IntegerField(
        label="Minutes",
        initial=30,
        widget=forms.NumberInput(attrs={"min": rules.MIN_MINUTES, "max": rules.MAX_MINUTES}),
        help_text=f"{rules.MIN_MINUTES} to {rules.MAX_MINUTES}.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                self.validate(data)
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def validate(self, data: dict) -> None:
        rules.validate_slot(data["scheduled_at"], data["duration_minutes"])


class MoveForm(SlotForm):
    """A planned meeting's new time and length."""

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {"scheduled_at": meeting.scheduled_at, "duration_minutes": meeting.duration_minutes},
        )
        super().__init__(*args, **kwargs)
        self.fields["scheduled_at"].label = "New time (your time zone)"


class ScheduleForm(SlotForm):
    """One meeting, or a series of them (a series of one is one meeting)."""

    REPEAT_CHOICES = [
        ("once", "Just this meeting"),
        ("7", "Every week"),
        ("14", "Every two weeks"),
        ("custom", "Every … days"),
    ]
    field_order = [
        "mentorship",
        "scheduled_at",
        "duration_minutes",
        "repeat",
        "interval_days",
        "count",
    ]

    mentorship = forms.ModelChoiceField(queryset=None, label="With")
    # Not required: a request naming no repetition schedules one meeting.
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, required=False, label="Repeat")
    interval_days = forms.IntegerField(
        label="Custom interval (days)",
        required=False,
        widget=forms.NumberInput(attrs={"min": rules.MIN_INTERVAL, "max": rules.MAX_INTERVAL}),
        help_text=f"Only for “Every … days”: {rules.MIN_INTERVAL} to {rules.MAX_INTERVAL}.",
    )
    count = forms.IntegerField(
        label="Number of meetings",
        initial=8,
        required=False,
        widget=forms.NumberInput(attrs={"min": rules.MIN_COUNT, "max": rules.MAX_COUNT}),
        help_text=f"For a series: {rules.MIN_COUNT} to {rules.MAX_COUNT}, "
        "the last one within two years.",
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["mentorship"].queryset = rules.schedulable_mentorships(user)
        if not self.is_bound and not self.initial.get("mentorship"):
            # Someone with one pair has nothing to choose: start from it.
            pairs = list(self.fields["mentorship"].queryset[:2])
            if len(pairs) == 1:
                self.initial["mentorship"] = pairs[0].pk
        self.fields["scheduled_at"].help_text = f"For a series, the first meeting. {WINDOW}"

    def clean(self) -> dict:
        repeat = self.cleaned_data.get("repeat") or "once"
        if repeat == "custom" and self.cleaned_data.get("interval_days") is None:
            self.add_error("interval_days", "Say every how many days the meetings repeat.")
        if repeat != "once" and self.cleaned_data.get("count") is None:
            self.add_error("count", f"Say how many meetings to schedule (up to {rules.MAX_COUNT}).")
        return super().clean()

    def validate(self, data: dict) -> None:
        rules.validate_series(
            data["scheduled_at"],
            data["duration_minutes"],
            self.interval(),
            self.meeting_count(),
            self.user.time_zone,
        )

    def interval(self) -> int | None:
        repeat = self.cleaned_data.get("repeat") or "once"
        if repeat == "once":
            return None
        return self.cleaned_data["interval_days"] if repeat == "custom" else int(repeat)

    def meeting_count(self) -> int:
        return 1 if self.interval() is None else self.cleaned_data["count"]

    def plan(self) -> dict:
        """The arguments of scheduling.schedule for what the form describes (once valid)."""
        return {
            "mentorship": self.cleaned_data["mentorship"],
            "start": self.cleaned_data["scheduled_at"],
            "duration_minutes": self.cleaned_data["duration_minutes"],
            "interval_days": self.interval(),
            "count": self.meeting_count(),
        }
