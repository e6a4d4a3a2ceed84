from __future__ import annotations

from django import forms

from .models import GrowthSharing


class GrowthSharingForm(forms.ModelForm):
    """What the scholar shares with their mentors: one box per part, and the report."""

    class Meta:
        model = GrowthSharing
        fields = [*GrowthSharing.PART_NAMES, "report"]
