"""The reading list, mentors' recommendations and the progress log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models.agendas import Agenda
from meetings.models.derived import DerivedFieldsMixin, DerivedQuerySet, WeekField


class ReadingRecommendationQuerySet(models.QuerySet["ReadingRecommendation"]):
    def for_scholar(self, scholar_id: int) -> ReadingRecommendationQuerySet:
        return self.filter(access.recommendations_for_scholar(scholar_id))


class ReadingRecommendation(models.Model):
    """A mentor's recommended reading, for one of their scholars or (no scholar) for every
    scholar of the program."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.CASCADE, related_name="reading_recommendations"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reading_recommended",
    )
    title = models.CharField(max_length=200)
    link = models.URLField(max_length=500, blank=True)
    note = models.CharField("Why (optional)", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReadingRecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReadingEntryQuerySet(DerivedQuerySet):
    def visible_to(self, user: User) -> ReadingEntryQuerySet:
        return self.filter(access.reading(user))


class ReadingEntry(DerivedFieldsMixin, models.Model):
    """Something the scholar read, with the one line it changed in their model."""

    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_entries"
    )
    title = models.CharField(max_length=200)
    link = models.URLField(max_length=500, blank=True)
    takeaway = models.CharField("What changed in my model", max_length=300, blank=True)
    read_on = models.DateField("Read on", default=timezone.localdate)
    # The week the reading counts for on every page (the Monday of `read_on`), stored when the
    # date is written (meetings/models/derived.py).
    week = WeekField(sources="read_on")
    agenda = models.ForeignKey(
        Agenda, on_delete=models.SET_NULL, null=True, blank=True, related_name="reading_entries"
    )
    recommendation = models.ForeignKey(
        ReadingRecommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReadingEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-read_on", "-pk"]
        indexes = [
            models.Index(fields=["scholar", "read_on"]),
            models.Index(fields=["scholar", "week"]),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressLineQuerySet(models.QuerySet["ProgressLine"]):
    def visible_to(self, user: User) -> ProgressLineQuerySet:
        return self.filter(access.reading(user))


class ProgressLine(models.Model):
    """A small win or finding the scholar jotted down between meetings, in one line."""

    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_lines"
    )
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProgressLineQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scholar", "created_at"])]

    def __str__(self) -> str:
        return self.text
