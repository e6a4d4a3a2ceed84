from __future__ import annotations

from django import forms

from .models import ActionItem, Agenda, Annotation, MeetingNote, Question

TEXTAREA_ROWS = {"decision": 2, "bottleneck": 2, "tried": 4, "progress": 5, "reading": 3, "asks": 2}


class AgendaForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Agenda
        fields = [*Agenda.SECTION_NAMES, *Agenda.CHECKIN_FIELDS]
        widgets = {
            name: forms.Textarea(attrs={"rows": rows}) for name, rows in TEXTAREA_ROWS.items()
        } | {"wellbeing_energy": forms.RadioSelect, "wellbeing_visibility": forms.Select}

    def __init__(self, *args, partial: bool = False, **kwargs) -> None:
        """partial: only the fields present in the data count; one left out keeps its value."""
        super().__init__(*args, **kwargs)
        if partial and self.is_bound:
            for name in self.Meta.fields:
                widget = self.fields[name].widget
                if widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                    del self.fields[name]
        if "wellbeing_energy" in self.fields:
            self.fields["wellbeing_energy"].choices = [("", "Skip")] + [
                (i, str(i)) for i in range(1, 6)
            ]
        for name, _, hint in Agenda.SECTIONS:
            if name in self.fields:
                self.fields[name].help_text = hint
        for field in self.fields.values():
            # The fields are laid out around the separate question forms; the form attribute
            # ties each one back to the agenda form wherever it stands in the page.
            field.widget.attrs["form"] = "agenda-form"
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def field_data(self) -> dict:
        """The agenda's fields in this form, with their cleaned values."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}

    def problems(self) -> str:
        """Every error, each after its field's label, on one line."""
        return "; ".join(
            f"{self.fields[name].label if name in self.fields else name}: {' '.join(errors)}"
            for name, errors in self.errors.items()
        )

    def describe_errors(self) -> None:
        """Tie each field's error message to the field, for screen readers (see _field.html)."""
        for name in self.errors:
            if name not in self.fields:
                continue
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"]
            if self.fields[name].help_text:
                described.insert(0, f"{auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text"]
        labels = {"text": "Question"}
        widgets = {"text": forms.TextInput(attrs={"placeholder": "What do you want to ask?"})}
        error_messages = {"text": {"required": "A question needs some text."}}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("A question needs some text.")
        return text


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


def form_problem(form: forms.BaseForm, fallback: str) -> str:
    """The form's own messages (e.g. "at most 4000 characters"), or the fallback."""
    problems = [
        " ".join(e.messages)
        for errors in form.errors.as_data().values()
        for e in errors
        if e.code != "required"
    ]
    return " ".join(problems) if problems else fallback
