from __future__ import annotations

from django import forms

from meetings.growth.signals import seen_token
from meetings.models import GrowthSharing


class GrowthSharingForm(forms.ModelForm):
    """What the scholar shares with their mentors: one box per part, and the report. `seen`:
    when the choices shown were last saved, so a save from an older page is refused."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GrowthSharing
        fields = [*GrowthSharing.PART_NAMES, "report"]

    def __init__(self, *args, instance: GrowthSharing | None = None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.pk:
            self.initial["seen"] = seen_token(instance)
