"""The mentor's side of the brief: answers, comments, action items and notes."""

from __future__ import annotations

from django import forms

from meetings.models import (
    ActionItem,
    Annotation,
    MeetingNote,
    Question,
)


class AnswerForm(forms.Form):
    answer = forms.CharField(required=False, max_length=4000, widget=forms.Textarea)
    # The mentor cannot drop a question: only the scholar takes it off the brief.
    status = forms.ChoiceField(
        choices=[c for c in Question.Status.choices if c[0] != Question.Status.DROPPED]
    )


class AnnotationForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = ["body"]
        labels = {"body": "Comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 2, "placeholder": "Add a comment…"})}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("A comment needs some text.")
        return body


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_on"]
        labels = {"text": "Action item", "due_on": "Due"}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("An action item needs some text.")
        return text


class MeetingNoteForm(forms.ModelForm):
    class Meta:
        model = MeetingNote
        fields = ["kind", "body"]
        labels = {"body": "Note or decision"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
