from django import forms

from .models import TIME_ZONE_CHOICES, User


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, help_text="Every meeting time is shown to you in this zone."
    )

    class Meta:
        model = User
        fields = ["display_name", "email", "time_zone"]
