"""The rendered brief, kept in Django's cache while it is still what the page shows (issue 5).

A mentor opens the same brief several times before and during a meeting; building it costs about
ten queries and a large template. Each pair (Mentorship) carries a `content_version` that every
write to what its briefs show raises, in the same transaction as the write:

- model saves and deletes, through the signal receivers below (agenda, questions, comments,
  action items, notes and decisions, the meeting itself, the mentor's private note);
- the queryset writes that send no signal, through `bump_*` called where they happen
  (Agenda.save_fields, services.touch_agenda, Question.reorder, Agenda.carry_forward).

The cache key holds that version, the viewer (what they may see differs), the viewer's time zone
and today's date (times and "overdue" are shown in them), the pair's names and a digest of the
brief's templates, so an entry is never used for anything else; a stale entry is simply never
asked for again and expires. The forms' CSRF token is not kept: the fragments are rendered with a
placeholder that each response replaces with its own token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template
from django.utils import timezone

from accounts.models import Mentorship, User

TEMPLATES = (
    "meetings/brief.html",
    "meetings/_brief_question.html",
    "meetings/_annotations.html",
    "meetings/_private_note.html",
)
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


# --- Raising the version ---------------------------------------------------------------------


def bump(**mentorship_filter) -> None:
    """Raise the content version of the pairs matching the filter (one UPDATE)."""
    Mentorship.objects.filter(**mentorship_filter).update(content_version=F("content_version") + 1)


def bump_meeting(meeting_id: int | None) -> None:
    if meeting_id is not None:
        bump(meetings__id=meeting_id)


def bump_agenda(agenda_id: int | None) -> None:
    if agenda_id is not None:
        bump(meetings__agenda__id=agenda_id)


def _on_meeting(sender, instance, **kwargs) -> None:
    if instance.mentorship_id is not None:
        bump(pk=instance.mentorship_id)


def _on_agenda(sender, instance, **kwargs) -> None:
    bump_meeting(instance.meeting_id)


def _on_agenda_child(sender, instance, **kwargs) -> None:  # questions, comments
    bump_agenda(instance.agenda_id)


def _on_action_item(sender, instance, **kwargs) -> None:
    bump(pk=instance.mentorship_id)


def _on_note(sender, instance, **kwargs) -> None:
    bump_meeting(instance.meeting_id)


def _on_private_note(sender, instance, **kwargs) -> None:
    bump(mentor_id=instance.mentor_id, scholar_id=instance.scholar_id)


def connect() -> None:
    from .models import (
        ActionItem,
        Agenda,
        Annotation,
        Meeting,
        MeetingNote,
        MentorPrivateNote,
        Question,
    )

    receivers = {
        Meeting: _on_meeting,
        Agenda: _on_agenda,
        Question: _on_agenda_child,
        Annotation: _on_agenda_child,
        ActionItem: _on_action_item,
        MeetingNote: _on_note,
        MentorPrivateNote: _on_private_note,
    }
    for model, receiver in receivers.items():
        uid = f"brief_cache_{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "_delete")


# --- The cache -------------------------------------------------------------------------------


@memoize
def templates_digest() -> str:
    """Changes when a brief template changes (a deploy never serves HTML of the old ones)."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]


def key(mentorship: Mentorship, meeting_id: int, viewer: User) -> str:
    names = hashlib.sha256(
        "\n".join([mentorship.scholar.name, mentorship.mentor.name, viewer.name]).encode()
    ).hexdigest()[:12]
    today: date = timezone.localdate()
    return ":".join(
        [
            "brief",
            templates_digest(),
            str(meeting_id),
            str(mentorship.content_version),
            str(viewer.pk),
            timezone.get_current_timezone_name(),
            today.isoformat(),
            names,
        ]
    )


def get(cache_key: str) -> tuple[str, ...] | None:
    return cache.get(cache_key)


def put(cache_key: str, fragments: tuple[str, ...]) -> None:
    cache.set(cache_key, fragments, settings.BRIEF_CACHE_SECONDS)
