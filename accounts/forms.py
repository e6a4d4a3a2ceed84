from django import forms

from .emails import TAKEN, address_taken
from .models import TIME_ZONE_CHOICES, Invite, Program, User


class ProfileForm(forms.ModelForm):
    """The profile; a new e-mail address is not saved here but confirmed by mail first
    (`new_email`), so the view sends the link."""

    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="A new address is used once you open the link we mail to it.",
    )
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Every meeting time is shown to you in this zone."
    )

    class Meta:
        model = User
        fields = ["display_name", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.email
        # Order as before: name, address, zone.
        self.order_fields(["display_name", "email", "time_zone"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and email != self.instance.email and address_taken(email, self.instance):
            raise forms.ValidationError(TAKEN)
        return email

    @property
    def new_email(self) -> str:
        """The address to confirm by mail, or "" when it did not change or was cleared."""
        email = self.cleaned_data.get("email", "")
        return email if email and email != self.instance.email else ""

    def save(self, commit: bool = True) -> User:
        if not self.cleaned_data.get("email"):
            # Removing the address needs no proof: it can only stop mail.
            self.instance.email = ""
        return super().save(commit)


class MailPreferencesForm(forms.ModelForm):
    """Each kind of mail can be turned off."""

    class Meta:
        model = User
        fields = ["mail_brief_submitted", "mail_agenda_reminder", "mail_brief_reminder"]
        labels = {
            "mail_brief_submitted": "As a mentor: when a scholar submits or updates a brief",
            "mail_agenda_reminder": "As a scholar: 48 hours before a meeting, if my agenda is "
            "not submitted",
            "mail_brief_reminder": "As a mentor: 24 hours before a meeting, if I have not opened "
            "the brief",
        }

    # Which options concern which role: each person sees only the mail they can get.
    FIELDS_BY_ROLE = {
        "scholar": ["mail_agenda_reminder"],
        "mentor": ["mail_brief_submitted", "mail_brief_reminder"],
    }

    def __init__(self, *args, roles: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        shown = {f for role in roles for f in self.FIELDS_BY_ROLE.get(role, [])}
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]


# --- Programs, invitations, CSV import, deleting a person ---------------------------------------

MAX_IMPORT_BYTES = 1_000_000


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["name", "slug", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"slug": "Short name for the web address; leave empty to derive it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The program cannot end before it starts.")
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Invite.Role.choices)


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="CSV file",
        help_text="One mentorship per line: scholar e-mail, mentor e-mail, cadence in days.",
    )
    text = forms.CharField(
        required=False,
        label="…or paste the rows",
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "ada@example.org,grace@example.org,7"}
        ),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError("The file is larger than 1 MB.")
            raw = upload.read()
            # Excel's "Unicode text" is UTF-16 with a byte-order mark; everything else UTF-8.
            encoding = "utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
            try:
                data["content"] = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    "The file is not UTF-8 text: save it as CSV UTF-8."
                ) from exc
        else:
            data["content"] = data.get("text") or ""
        if not data["content"].strip():
            raise forms.ValidationError("Choose a CSV file or paste the rows.")
        return data


class ConfirmDeletionForm(forms.Form):
    confirm = forms.CharField(
        label="Type the username to confirm",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, username: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.username:
            raise forms.ValidationError(f"That is not “{self.username}”. Nothing was deleted.")
        return value
