from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from meetings.models import Milestone, ResearchPlan


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ResearchPlan
        fields = ["goal", "theory_of_change"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "theory_of_change": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "goal": "Where you want to be at the end of the program, in a sentence or two.",
            "theory_of_change": "Why reaching it matters: how this work leads to the change you "
            "want to see.",
        }


TARGET_YEARS = 5


class MilestoneForm(forms.ModelForm):
    done = forms.BooleanField(label="Done", required=False)

    class Meta:
        model = Milestone
        fields = ["title", "target_on"]
        widgets = {"target_on": forms.DateInput(attrs={"type": "date"})}
        error_messages = {"title": {"required": "A milestone needs a title."}}

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("A milestone needs a title.")
        return title

    def clean_target_on(self):
        """Within a few years of today either way: a plan's horizon, and no date (9999) that
        would stretch the plan's charts over centuries."""
        target_on = self.cleaned_data.get("target_on")
        if target_on is None:
            return None
        today = timezone.localdate()
        span = timedelta(days=round(365.25 * TARGET_YEARS))
        earliest, latest = today - span, today + span
        if not earliest <= target_on <= latest:
            raise forms.ValidationError(
                f"Pick a target date within {TARGET_YEARS} years: between {earliest:%Y-%m-%d} "
                f"and {latest:%Y-%m-%d}."
            )
        return target_on
