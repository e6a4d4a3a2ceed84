"""The scholar's agenda and its ranked questions."""

from __future__ import annotations

from django import forms

from meetings.models import (
    Agenda,
    Question,
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
