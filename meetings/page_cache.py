"""Rendered briefs and history pages, kept in Django's cache while they are still what the page
shows (issue 5).

A mentor opens the same brief several times before and during a meeting, and a scholar's history
before each one; building them costs about ten queries and a large template. Each pair
(Mentorship) carries a `content_version`, and each scholar (User) a `pages_version`, that every
write to what those pages show raises, in the same transaction as the write:

- model saves and deletes, through the signal receivers below (agenda, questions, comments,
  action items, notes and decisions, the meeting itself, the mentor's private note, a pair added
  or removed, a person's name);
- the queryset writes that send no signal, through `bump_*` called where they happen
  (Agenda.save_fields, services.touch_agenda, Question.reorder, Agenda.carry_forward).

The cache key holds that version, the viewer (what they may see differs), the viewer's time zone
and today's date (times and "overdue" are shown in them), the names shown and a digest of the
templates, so an entry is never used for anything else; a stale entry is simply never asked for
again and expires. The forms' CSRF token is not kept: the fragments are rendered with a
placeholder that each response replaces with its own token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template
from django.utils import timezone

from accounts.models import Mentorship, User

TEMPLATES = (
    "meetings/home.html",
    "meetings/_home_lists.html",
    "meetings/history.html",
    "meetings/_history_body.html",
    "meetings/brief.html",
    "meetings/_brief_question.html",
    "meetings/_annotations.html",
    "meetings/_private_note.html",
)
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


# --- Raising the version ---------------------------------------------------------------------


def bump(**mentorship_filter) -> None:
    """Raise the content version of the pairs matching the filter, and the pages version of
    both people of each pair (two UPDATEs)."""
    pairs = Mentorship.objects.filter(**mentorship_filter)
    pairs.update(content_version=F("content_version") + 1)
    bump_pages(Q(pk__in=pairs.values("scholar_id")) | Q(pk__in=pairs.values("mentor_id")))


def bump_pages(*conditions: Q, **user_filter) -> None:
    """Raise the pages version (history, home page) of the people matching the filter."""
    User.objects.filter(*conditions, **user_filter).update(pages_version=F("pages_version") + 1)


def bump_reader(agenda_id: int, reader_id: int) -> None:
    """A read receipt moved: the reader's and the scholar's home pages show it."""
    scholar = Mentorship.objects.filter(meetings__agenda__id=agenda_id).values("scholar_id")
    bump_pages(Q(pk=reader_id) | Q(pk__in=scholar))


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


def _on_mentorship(sender, instance, **kwargs) -> None:  # a pair added, changed or gone
    bump_pages(pk__in=[instance.scholar_id, instance.mentor_id])


def _on_user(sender, instance, update_fields=None, **kwargs) -> None:
    """A person's name is shown on their own pages and on those of the people they are paired
    with (a login, which only moves last_login, changes nothing shown)."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump_pages(
        Q(pk=instance.pk)
        | Q(pk__in=instance.mentorships_as_mentor.values("scholar_id"))
        | Q(pk__in=instance.mentorships_as_scholar.values("mentor_id"))
    )


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
    receivers |= {Mentorship: _on_mentorship, User: _on_user}
    for model, receiver in receivers.items():
        uid = f"page_cache_{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "_save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "_delete")


# --- The cache -------------------------------------------------------------------------------


@memoize
def templates_digest() -> str:
    """Changes when one of these templates changes (a deploy never serves HTML of old ones)."""
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]


def page_key(kind: str, *parts: object) -> str:
    """A page kept for one viewer: the parts name the content and the viewer; the time zone
    and the date the times and "overdue" marks were shown in are added."""
    today: date = timezone.localdate()
    return ":".join(
        [
            kind,
            templates_digest(),
            *(str(part) for part in parts),
            timezone.get_current_timezone_name(),
            today.isoformat(),
        ]
    )


def brief_key(mentorship: Mentorship, meeting_id: int, viewer: User) -> str:
    names = "\n".join([mentorship.scholar.name, mentorship.mentor.name, viewer.name])
    names_digest = hashlib.sha256(names.encode()).hexdigest()[:12]
    return page_key("brief", meeting_id, mentorship.content_version, viewer.pk, names_digest)


def history_key(scholar_id: int, pages_version: int, viewer: User, page: int) -> str:
    """The scholar's pages version: their history changes with every write to their pairs."""
    names_digest = hashlib.sha256(viewer.name.encode()).hexdigest()[:12]
    return page_key("history", scholar_id, pages_version, viewer.pk, names_digest, page)


def get(cache_key: str) -> object | None:
    return cache.get(cache_key)


def put(cache_key: str, fragments: object) -> None:
    cache.set(cache_key, fragments, settings.PAGE_CACHE_SECONDS)
