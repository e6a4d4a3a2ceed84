"""The reading list, recommendations and the progress log."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Min
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings.forms import link_field, one_line, web_link
from meetings.models import (
    ProgressLine,
    ReadingEntry,
    ReadingRecommendation,
)


def first_day(scholar: User) -> date | None:
    """The day the scholar's first program or mentorship began (None: they have neither)."""
    starts = Mentorship.objects.filter(scholar=scholar).aggregate(
        mentorship=Min("started_on"), program=Min("program__starts_on")
    )
    days = [day for day in starts.values() if day is not None]
    return min(days) if days else None


class ReadingEntryForm(forms.ModelForm):
    link = link_field()

    class Meta:
        model = ReadingEntry
        fields = ["title", "link", "takeaway", "read_on"]
        labels = {"link": "Link (optional)", "takeaway": "What changed in my model (one line)"}
        widgets = {
            "read_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "link": forms.URLInput(attrs={"placeholder": "https://…"}),
        }
        error_messages = {
            "title": {"required": "A reading needs a title."},
            "link": {"invalid": "The link must be a full web address, starting with https://."},
            "read_on": {"invalid": "Give the date you read it as YYYY-MM-DD."},
        }

    def __init__(self, *args, scholar: User | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scholar = scholar
        self.fields["read_on"].required = False  # today, unless the scholar says otherwise
        if not self.is_bound and "read_on" not in self.initial:
            self.initial["read_on"] = timezone.localdate()

    def clean_read_on(self):
        """Today at the latest (in the reader's time zone: the request's), and not before the
        scholar's first program or mentorship began: a date no one means (9999, year 1) would
        stretch every chart of the log."""
        read_on = self.cleaned_data.get("read_on") or timezone.localdate()
        today = timezone.localdate()
        if read_on > today:
            raise forms.ValidationError(
                f"A reading is logged once read: pick a date up to today ({today:%Y-%m-%d})."
            )
        first = first_day(self.scholar) if self.scholar is not None else None
        if first is not None and read_on < first:
            raise forms.ValidationError(
                f"Pick a date from {first:%Y-%m-%d} on, when your first program or mentorship "
                "began."
            )
        return read_on

    def clean_title(self) -> str:
        return one_line(self, "title", "A reading needs a title.")

    def clean_takeaway(self) -> str:
        return one_line(self, "takeaway", "", required=False)

    def clean_link(self) -> str:
        return web_link(self)


class RecommendationForm(forms.ModelForm):
    link = link_field()
    whole_program = forms.BooleanField(
        label="Recommend it to every scholar of the program", required=False
    )

    class Meta:
        model = ReadingRecommendation
        fields = ["title", "link", "note"]
        labels = {"link": "Link (optional)"}
        widgets = {"link": forms.URLInput(attrs={"placeholder": "https://…"})}
        error_messages = {
            "title": {"required": "A recommendation needs a title."},
            "link": {"invalid": "The link must be a full web address, starting with https://."},
        }

    def clean_title(self) -> str:
        return one_line(self, "title", "A recommendation needs a title.")

    def clean_note(self) -> str:
        return one_line(self, "note", "", required=False)

    def clean_link(self) -> str:
        return web_link(self)


class ProgressLineForm(forms.ModelForm):
    class Meta:
        model = ProgressLine
        fields = ["text"]
        labels = {"text": "A small win or finding"}
        widgets = {
            "text": forms.TextInput(attrs={"placeholder": "One line: what worked, what you found"})
        }
        error_messages = {"text": {"required": "Write the win or finding in one line."}}

    def clean_text(self) -> str:
        return one_line(self, "text", "Write the win or finding in one line.")
