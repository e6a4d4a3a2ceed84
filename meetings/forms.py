from __future__ import annotations

from django import forms

from .models import ActionItem, Agenda, Annotation, MeetingNote, Question

TEXTAREA_ROWS = {"bottleneck": 2, "tried": 4, "progress": 5, "reading": 3, "asks": 2}


class AgendaForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Agenda
        fields = [
            *Agenda.SECTION_NAMES,
            "wellbeing_energy",
            "wellbeing_note",
            "wellbeing_visibility",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": rows}) for name, rows in TEXTAREA_ROWS.items()
        } | {"wellbeing_energy": forms.RadioSelect, "wellbeing_visibility": forms.Select}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wellbeing_energy"].choices = [("", "Skip")] + [
            (i, str(i)) for i in range(1, 6)
        ]
        hints = {name: hint for name, _, hint in Agenda.SECTIONS}
        for name, hint in hints.items():
            self.fields[name].help_text = hint
        for field in self.fields.values():
            # The fields are laid out around the separate question forms; the form attribute
            # ties each one back to the agenda form wherever it stands in the page.
            field.widget.attrs["form"] = "agenda-form"
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def field_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

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


def submission_errors(agenda: Agenda, data: dict | None = None) -> dict[str, str]:
    """What stops an agenda from being submitted, by field name (data: values about to be saved)."""
    data = data or {}
    bottleneck = data.get("bottleneck", agenda.bottleneck).strip()
    tried = data.get("tried", agenda.tried).strip()
    errors: dict[str, str] = {}
    if not bottleneck:
        errors["bottleneck"] = (
            "Name your one main bottleneck before submitting: what is blocking you, "
            "and what would unblock it?"
        )
    # A question the scholar marked done or dropped is not a question for the mentor. Once the
    # brief is submitted the mentor may resolve them all, which must not block later edits.
    set_aside = [Question.Status.DROPPED] if agenda.is_submitted else Question.SET_ASIDE_STATES
    if not agenda.questions.exclude(status__in=set_aside).exists():
        errors["questions"] = "Add at least one question for your mentor before submitting."
    previous = agenda.meeting.previous()
    previous_agenda = getattr(previous, "agenda", None) if previous else None
    if (
        previous_agenda is not None
        and bottleneck
        and bottleneck.lower() == previous_agenda.bottleneck.strip().lower()
        and not tried
    ):
        errors["tried"] = (
            "Your bottleneck is the same as last time: say what you tried since, "
            "and whom you asked."
        )
    return errors


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


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["answer", "status"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}
        labels = {"answer": "Answer", "status": "State"}


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
