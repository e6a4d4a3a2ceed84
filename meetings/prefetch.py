"""Loading the annotations of agendas in one query (issue 5 benchmark).

The brief and the history show each question's annotations and each section's annotations.
Prefetching both kinds separately costs two queries; this loads them together and fills each
question's prefetch cache, so `q.annotations.all` in templates reads them without a query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, FilteredRelation, Q

from .models import Agenda, Annotation, MentorPrivateNote


def attach_annotations(agendas: Iterable[Agenda]) -> None:
    """Set `section_annotations` on each agenda (those not on a question) and fill the prefetch
    cache of `annotations` on each of its prefetched questions; one query for all of them."""
    agendas = list(agendas)
    questions = [q for a in agendas for q in a.questions.all()]
    if not agendas:
        return
    notes = Annotation.objects.filter(
        Q(agenda_id__in=[a.pk for a in agendas], question__isnull=True)
        | Q(question__in=[q.pk for q in questions])
    ).select_related("author")
    by_agenda: dict[int, list[Annotation]] = defaultdict(list)
    by_question: dict[int, list[Annotation]] = defaultdict(list)
    for note in notes:
        if note.question_id is None:
            by_agenda[note.agenda_id].append(note)
        else:
            by_question[note.question_id].append(note)
    for a in agendas:
        a.section_annotations = by_agenda.get(a.pk, [])
    for q in questions:
        cached = q.annotations.all()
        cached._result_cache = by_question.get(q.pk, [])
        cached._prefetch_done = True
        q._prefetched_objects_cache = {
            **getattr(q, "_prefetched_objects_cache", {}),
            "annotations": cached,
        }


# --- Columns joined into a page's main query instead of queries of their own (issue 5) -------

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
