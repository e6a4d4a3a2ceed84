from __future__ import annotations

from django import forms

from meetings.models import LeadFeedback, MeetingOutcome, Recap


class RecapForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Recap
        fields = ["takeaway", "next_steps", "still_need"]
        widgets = {
            "takeaway": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "still_need": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "takeaway": "One or two lines: the answer, decision or insight you leave with.",
            "next_steps": "What you will do before the next meeting.",
            "still_need": "Optional: help or answers you still need.",
        }
        error_messages = {
            "takeaway": {"required": "Say what you take away from the meeting."},
            "next_steps": {"required": "Say what you will do next."},
        }

    def clean(self):
        data = super().clean()
        for name in self.Meta.fields:
            if isinstance(data.get(name), str):
                data[name] = data[name].strip()
        return data

    def recap_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ConfirmRecapForm(forms.Form):
    # The version the mentor read: a confirmation is of that text, never of a newer one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    correction = forms.CharField(
        label="Correction or addition (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = MeetingOutcome
        fields = ["answer", "comment"]
        labels = {"answer": "Did you get what you came for?"}
        widgets = {"answer": forms.RadioSelect(attrs={"class": "choice-row"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = MeetingOutcome.Answer.choices  # no blank "---" choice


class LeadFeedbackForm(forms.ModelForm):
    class Meta:
        model = LeadFeedback
        fields = ["clarity", "important_first", "note"]
        widgets = {
            "clarity": forms.RadioSelect(attrs={"class": "choice-row"}),
            "important_first": forms.RadioSelect(attrs={"class": "choice-row"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"note": "Only the scholar sees this."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clarity"].choices = LeadFeedback.Clarity.choices
        self.fields["important_first"].choices = LeadFeedback.First.choices
