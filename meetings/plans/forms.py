from __future__ import annotations

from django import forms

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
