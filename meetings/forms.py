from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.models import User

from .models import (
    ActionItem,
    Agenda,
    Annotation,
    HelpAsked,
    MeetingNote,
    PeerOffer,
    ProgressLine,
    Question,
    ReadingEntry,
    ReadingRecommendation,
)

TEXTAREA_ROWS = {"decision": 2, "bottleneck": 2, "tried": 4, "progress": 5, "reading": 3, "asks": 2}
# Check-in audiences that name the research manager: offered only to a scholar who has one.
MANAGER_AUDIENCES = {Agenda.Visibility.MANAGER, Agenda.Visibility.BOTH}
# Where a check-in shared with a research manager goes when the scholar has none (any more).
WITHOUT_MANAGER = {
    Agenda.Visibility.MANAGER: Agenda.Visibility.ONLY_ME,
    Agenda.Visibility.BOTH: Agenda.Visibility.MENTORS,
}


# The agenda's checkboxes, each posted with a "<name>_shown" marker when the page shows it.
CHECKBOXES = ["bottleneck_shared", "bottleneck_same_as_last"]


class AgendaForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Agenda
        fields = [
            *Agenda.SECTION_NAMES,
            *Agenda.CHECKIN_FIELDS,
            "bottleneck_shared",
            "bottleneck_same_as_last",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": rows}) for name, rows in TEXTAREA_ROWS.items()
        } | {"wellbeing_energy": forms.RadioSelect, "wellbeing_visibility": forms.Select}

    def __init__(self, *args, partial: bool = False, has_manager: bool = False, **kwargs) -> None:
        """partial: only the fields present in the data count; one left out keeps its value.
        has_manager: the scholar has a research manager in the pair's program, so the check-in
        may be shared with them (otherwise those audiences are neither offered nor accepted)."""
        super().__init__(*args, **kwargs)
        if partial and self.is_bound:
            for name in self.Meta.fields:
                widget = self.fields[name].widget
                if widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                    del self.fields[name]
        # An unticked checkbox sends nothing: a checkbox counts only when the page that posts
        # showed it (its marker is posted with it).
        for name in CHECKBOXES:
            if self.is_bound and f"{name}_shown" not in self.data:
                self.fields.pop(name, None)
        if "wellbeing_energy" in self.fields:
            self.fields["wellbeing_energy"].choices = [("", "Skip")] + [
                (i, str(i)) for i in range(1, 6)
            ]
        if "wellbeing_visibility" in self.fields and not has_manager:
            self._without_manager()
        for name, _, hint in Agenda.SECTIONS:
            if name in self.fields:
                self.fields[name].help_text = hint
        for field in self.fields.values():
            # The fields are laid out around the separate question forms; the form attribute
            # ties each one back to the agenda form wherever it stands in the page.
            field.widget.attrs["form"] = "agenda-form"
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version

    def _without_manager(self) -> None:
        field = self.fields["wellbeing_visibility"]
        field.choices = [c for c in field.choices if c[0] not in MANAGER_AUDIENCES]
        field.error_messages["invalid_choice"] = (
            "You have no research manager in this program: share your check-in with your "
            "mentors or keep it to yourself."
        )
        current = self.initial.get("wellbeing_visibility")
        if current in WITHOUT_MANAGER:
            self.initial["wellbeing_visibility"] = WITHOUT_MANAGER[current]

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


# --- Peer help, reading, the progress log -------------------------------------------------------


def _one_line(form: forms.BaseForm, name: str, message: str, required: bool = True) -> str:
    text = " ".join(form.cleaned_data.get(name, "").split())
    if required and not text:
        raise forms.ValidationError(message)
    return text


def _link_field() -> forms.URLField:
    """A reading's optional web address (a reading entry's or a recommendation's)."""
    return forms.URLField(
        label="Link (optional)",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
        error_messages={"invalid": "The link must be a full web address, starting with https://."},
    )


def _web_link(form: forms.BaseForm) -> str:
    """Only web links: a javascript: or data: address is refused, not rendered as a link."""
    link = form.cleaned_data.get("link", "")
    if link and not link.lower().startswith(("http://", "https://")):
        raise forms.ValidationError("The link must start with https:// or http://.")
    return link


class PeerOfferForm(forms.ModelForm):
    class Meta:
        model = PeerOffer
        fields = ["kind", "message"]
        labels = {"kind": "Your offer"}
        widgets = {
            "kind": forms.RadioSelect,
            "message": forms.TextInput(attrs={"placeholder": "e.g. I had the same with…"}),
        }

    def clean_message(self) -> str:
        return _one_line(self, "message", "", required=False)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="How I got past it (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "One line, for peers stuck on the same"}),
    )

    def clean_resolution(self) -> str:
        return _one_line(self, "resolution", "", required=False)


class ReadingEntryForm(forms.ModelForm):
    link = _link_field()

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["read_on"].required = False  # today, unless the scholar says otherwise
        if not self.is_bound and "read_on" not in self.initial:
            self.initial["read_on"] = timezone.localdate()

    def clean_read_on(self):
        return self.cleaned_data.get("read_on") or timezone.localdate()

    def clean_title(self) -> str:
        return _one_line(self, "title", "A reading needs a title.")

    def clean_takeaway(self) -> str:
        return _one_line(self, "takeaway", "", required=False)

    def clean_link(self) -> str:
        return _web_link(self)


class RecommendationForm(forms.ModelForm):
    link = _link_field()
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
        return _one_line(self, "title", "A recommendation needs a title.")

    def clean_note(self) -> str:
        return _one_line(self, "note", "", required=False)

    def clean_link(self) -> str:
        return _web_link(self)


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
        return _one_line(self, "text", "Write the win or finding in one line.")


class HelpAskedForm(forms.Form):
    """One "whom I asked" entry: a peer picked from the program's scholars, the mentor, someone
    outside by name, or a forum or chat."""

    kind = forms.ChoiceField(label="Whom", choices=HelpAsked.Kind.choices)
    peer = forms.ModelChoiceField(
        label="Peer", queryset=None, required=False, empty_label="Pick a peer…"
    )
    name = forms.CharField(label="Name or channel", max_length=120, required=False, strip=True)
    outcome = forms.CharField(label="What came of it", max_length=200, required=False, strip=True)

    def __init__(self, *args, peers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers if peers is not None else User.objects.none()
        self.fields["peer"].label_from_instance = lambda user: user.name
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"help-{name}"

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == HelpAsked.Kind.PEER and not data.get("peer"):
            self.add_error("peer", "Pick the peer you asked.")
        if kind in (HelpAsked.Kind.OUTSIDE, HelpAsked.Kind.FORUM) and not data.get("name"):
            self.add_error(
                "name",
                "Name the person you asked."
                if kind == HelpAsked.Kind.OUTSIDE
                else "Name the forum or chat.",
            )
        if kind != HelpAsked.Kind.PEER:
            data["peer"] = None
        return data
