"""The mentor's side of the brief: comments, action items, notes, read receipts, private notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings import access
from meetings.models.agendas import Agenda, Question
from meetings.models.choices import ActionItemOwner, MeetingNoteKind
from meetings.models.derived import DerivedFieldsMixin, DerivedQuerySet, MarkdownHTMLField
from meetings.models.meetings import Meeting


class Annotation(DerivedFieldsMixin, models.Model):
    """A mentor's comment on a section of the brief or on one question."""

    SECTION_CHOICES = [(name, heading) for name, heading, _ in Agenda.SECTIONS] + [
        ("question", "Question"),
        ("general", "General"),
    ]

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=20, choices=SECTION_CHOICES, default="general")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="annotations"
    )
    body = models.TextField(max_length=4000)
    body_html = MarkdownHTMLField(sources="body")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = DerivedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.get_section_display()}"

    @property
    def is_edited(self) -> bool:
        return self.updated_at - self.created_at > timedelta(seconds=2)


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def visible_to(self, user: User) -> ActionItemQuerySet:
        return self.filter(access.action_item(user))

    def open(self) -> ActionItemQuerySet:
        return self.filter(done=False)


class ActionItem(models.Model):
    Owner = ActionItemOwner

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    text = models.CharField(max_length=300)
    owner = models.CharField(max_length=10, choices=Owner.choices, default=Owner.SCHOLAR)
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_on", "created_at", "pk"]
        indexes = [models.Index(fields=["mentorship", "done"])]

    def __str__(self) -> str:
        return self.text

    @property
    def owner_user(self) -> User:
        m = self.mentorship
        return m.scholar if self.owner == self.Owner.SCHOLAR else m.mentor

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_on is not None and self.due_on < timezone.localdate()

    def can_update(self, user: User) -> bool:
        """Whether the user marks this item done or not (access.action_item_updatable)."""
        return access.may_update_action_item(user, self)

    def set_done(self, done: bool) -> None:
        self.done = done
        self.done_at = timezone.now() if done else None
        self.save(update_fields=["done", "done_at"])


class MeetingNote(DerivedFieldsMixin, models.Model):
    """The mentor's notes and decisions; append-only, so a held meeting's record stays true."""

    Kind = MeetingNoteKind

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(max_length=4000)
    body_html = MarkdownHTMLField(sources="body")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DerivedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


class BriefRead(models.Model):
    """A mentor opened a submitted brief: when first and last, and what they saw then."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)
    digests = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agenda", "reader"], name="one_read_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader} read {self.agenda}"

    def is_current(self, agenda: Agenda) -> bool:
        """Read after the last change the scholar made."""
        return self.last_read_at >= agenda.updated_at

    def changed_sections(self, agenda: Agenda, now: dict[str, str] | None = None) -> set[str]:
        """Sections and questions ("q<pk>") whose text differs from what the reader last saw
        (`now`: the agenda's section_digests() when the caller has them already)."""
        if not self.digests:
            return set()
        now = agenda.section_digests() if now is None else now
        return {key for key, value in now.items() if self.digests.get(key) != value}

    @classmethod
    def record(
        cls,
        agenda: Agenda,
        reader: User,
        previous: BriefRead | None = None,
        now: datetime | None = None,
    ) -> set[str]:
        """Record that `reader` opened the brief now; `previous` is their earlier read (None the
        first time). Returns the sections and questions that changed since that earlier read."""
        now = now or timezone.now()
        digests = agenda.section_digests()
        changed = previous.changed_sections(agenda, digests) if previous else set()
        snapshot = {"last_read_at": now, "version": agenda.version, "digests": digests}
        # One statement (INSERT … ON CONFLICT DO UPDATE): two tabs opening the brief for the
        # first time at once both succeed, and the first read time is kept.
        cls.objects.bulk_create(
            [cls(agenda=agenda, reader=reader, first_read_at=now, **snapshot)],
            update_conflicts=True,
            unique_fields=["agenda", "reader"],
            update_fields=list(snapshot),
        )
        return changed


class MentorPrivateNote(models.Model):
    """A mentor's own note on a scholar: only that mentor ever sees it (README, "Who sees what")."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes_written"
    )
    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(blank=True, max_length=4000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "scholar"], name="one_private_note_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.mentor}'s note on {self.scholar}"
