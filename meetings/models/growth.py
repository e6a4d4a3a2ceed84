"""What a scholar shares of their growth page and report with their mentors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models.choices import GROWTH_PART_NAMES, GROWTH_PARTS


class GrowthSharingQuerySet(models.QuerySet["GrowthSharing"]):
    def visible_to(self, user: User) -> GrowthSharingQuerySet:
        return self.filter(access.growth_sharing(user))


class GrowthSharing(models.Model):
    """What a scholar shares with their mentors of their growth page and end-of-program report.
    Nothing is shared until the scholar ticks it; the check-in energy trend is never shareable."""

    PARTS = GROWTH_PARTS
    PART_NAMES = GROWTH_PART_NAMES

    scholar = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_sharing"
    )
    leading = models.BooleanField("Leading meetings", default=False)
    unstuck = models.BooleanField("Getting unstuck", default=False)
    reading = models.BooleanField("Reading", default=False)
    peers = models.BooleanField("Peer help", default=False)
    report = models.BooleanField("My end-of-program report", default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = GrowthSharingQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Growth sharing of {self.scholar_id}"

    @property
    def shared_parts(self) -> set[str]:
        return {name for name in self.PART_NAMES if getattr(self, name)}
