"""Columns joined into a page's main query instead of queries of their own."""

from __future__ import annotations

from django.db.models import F, FilteredRelation, Q

from .models import MentorPrivateNote

PRIVATE_NOTE_FIELDS = ("id", "text", "updated_at")


def private_note_columns(path: str, mentor_id: int, scholar_id: int) -> dict:
    """Annotations carrying this mentor's own private note on this scholar, joined along `path`
    (a relation ending in a mentor's `private_notes_written`): a LEFT JOIN whose condition
    names this mentor and this scholar, so no one else's note is ever loaded."""
    joined = FilteredRelation(
        path, condition=Q(**{f"{path}__mentor_id": mentor_id, f"{path}__scholar_id": scholar_id})
    )
    return {
        "private_note": joined,
        **{f"private_note_{name}": F(f"private_note__{name}") for name in PRIVATE_NOTE_FIELDS},
    }


def private_note_from(row, mentor_id: int, scholar_id: int) -> MentorPrivateNote | None:
    """The private note built from the columns private_note_columns added to row."""
    values = {name: getattr(row, f"private_note_{name}") for name in PRIVATE_NOTE_FIELDS}
    if values["id"] is None:
        return None
    return MentorPrivateNote(mentor_id=mentor_id, scholar_id=scholar_id, **values)
