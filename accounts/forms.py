from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Q
from django.utils.choices import BaseChoiceIterator

from .emails import TAKEN, address_taken
from .models import TIME_ZONE_CHOICES, Invite, Program, User


class ZoneChoices(BaseChoiceIterator):
    """The ~600 zones as a field's choices. Django copies a list of choices for every form
    instance and normalises a callable's on every use (twice per render), each costing about as
    much as rendering the list; these choices are already normal and never change, so Django
    takes them as they are (a choice iterator) and a form shares them (no copy)."""

    def __iter__(self):
        return iter(TIME_ZONE_CHOICES)

    def __deepcopy__(self, memo) -> ZoneChoices:
        return self


ZONES = ZoneChoices()


class JoinedSelect(forms.Select):
    """A long select (no option groups) whose options one template tag writes
    ({% select_options %}): Django's select renders a template (and builds a dict) per option,
    which was most of the time of the pages showing a long list. The markup is Django's."""

    template_name = "forms/widgets/joined_select.html"

    def get_context(self, name, value, attrs):
        # Widget's context, not ChoiceWidget's: no option dicts (the optgroups) are built.
        context = forms.Widget.get_context(self, name, value, attrs)
        context["widget"]["choices"] = self.choices
        return context


class TimeZoneSelect(JoinedSelect):
    """The list of ~600 zones, its options escaped once for the process ({% zone_options %})."""

    template_name = "forms/widgets/time_zone_select.html"


class ProfileForm(forms.ModelForm):
    """The profile; a new e-mail address is not saved here but confirmed by mail first
    (`new_email`), so the view sends the link."""

    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="A new address is used once you open the link we mail to it.",
    )
    time_zone = forms.ChoiceField(
        choices=ZONES,
        widget=TimeZoneSelect,
        help_text="Every meeting time is shown to you in this zone.",
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
        fields = [
            "mail_brief_submitted",
            "mail_agenda_reminder",
            "mail_brief_reminder",
            "mail_meeting_changes",
            "mail_peer_offers",
            "mail_recap_confirm",
            "mail_peer_asked",
        ]
        labels = {
            "mail_brief_submitted": "As a mentor: when a scholar submits or updates a brief",
            "mail_agenda_reminder": "As a scholar: 48 hours before a meeting, if my agenda is "
            "not submitted",
            "mail_brief_reminder": "As a mentor: 24 hours before a meeting, if I have not opened "
            "the brief",
            "mail_meeting_changes": "When a meeting of mine is scheduled, moved or cancelled, "
            "with a calendar invitation",
            "mail_peer_offers": "As a scholar: when a peer offers help with a bottleneck I shared",
            "mail_recap_confirm": "As a mentor: when my scholar writes a recap for me to confirm",
            "mail_peer_asked": "As a scholar: when a peer lists me under “whom I asked”",
        }

    # Which options concern which role: each person sees only the mail they can get.
    FIELDS_BY_ROLE = {
        "scholar": [
            "mail_agenda_reminder",
            "mail_meeting_changes",
            "mail_peer_offers",
            "mail_peer_asked",
        ],
        "mentor": [
            "mail_brief_submitted",
            "mail_brief_reminder",
            "mail_meeting_changes",
            "mail_recap_confirm",
        ],
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


class AcceptInviteForm(SetPasswordForm):
    """Accepting an invitation with a new account: the person's name and time zone, so they are
    greeted by name and see meeting times in their own zone from the first page, and a password."""

    display_name = forms.CharField(
        label="Your name",
        max_length=120,
        help_text="How scholars, mentors and program staff see you.",
    )
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=ZONES,
        widget=TimeZoneSelect,
        initial="UTC",
        help_text="Every meeting time is shown to you in this zone; you can change it later in "
        "your settings.",
    )
    field_order = ["display_name", "time_zone", "new_password1", "new_password2"]

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["display_name"].initial = user.display_name or (
            f"{user.first_name} {user.last_name}".strip()
        )
        if user.time_zone != "UTC":
            self.fields["time_zone"].initial = user.time_zone
        elif not self.is_bound:
            # static/js/timezone.js picks the browser's zone when the person has not chosen one.
            self.fields["time_zone"].widget.attrs["data-browser-zone"] = "preselect"

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Enter your name.")
        return name

    def save(self, commit: bool = True) -> User:
        self.user.display_name = self.cleaned_data["display_name"]
        self.user.time_zone = self.cleaned_data["time_zone"]
        return super().save(commit)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.email or obj.username})"


class PairForm(forms.Form):
    """Staff propose a pair of two people already in the program (accounts.invites.propose_pair):
    the choices are the program's scholars and mentors, by pair or by an accepted invitation."""

    scholar = PersonChoiceField(queryset=User.objects.none(), empty_label="Choose a scholar")
    mentor = PersonChoiceField(queryset=User.objects.none(), empty_label="Choose a mentor")
    cadence_days = forms.IntegerField(
        label="Meet every (days)", min_value=1, max_value=365, initial=14
    )

    def __init__(self, program: Program, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scholar"].queryset = _in_program_as(program, Invite.Role.SCHOLAR)
        self.fields["mentor"].queryset = _in_program_as(program, Invite.Role.MENTOR)

    def clean(self):
        data = super().clean()
        scholar, mentor = data.get("scholar"), data.get("mentor")
        if scholar and mentor and scholar.pk == mentor.pk:
            raise forms.ValidationError("The scholar and the mentor must be two different people.")
        return data


def _in_program_as(program: Program, role: str):
    paired = Q(**{f"mentorships_as_{role}__program": program})
    joined = Q(invites__program=program, invites__accepted_at__isnull=False, invites__role=role)
    return User.objects.filter(pk__in=User.objects.filter(paired | joined).values("pk")).order_by(
        "display_name", "username"
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="CSV file",
        help_text="One mentorship per line: scholar e-mail, mentor e-mail, cadence in days, "
        "separated by commas, semicolons or tabs.",
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
