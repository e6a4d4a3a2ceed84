from django import forms

from .models import TIME_ZONE_CHOICES, User


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Every meeting time is shown to you in this zone."
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "time_zone"]


class MailPreferencesForm(forms.ModelForm):
    """Issue 4: each kind of mail can be turned off."""

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
