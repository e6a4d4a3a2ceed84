"""The brief: what it shows each viewer, the mentor's read receipt, comments and answers.

Callers have already looked the meeting, agenda or question up through a queryset scoped to the
user (meetings/access.py); what is loaded here is scoped the same way.

The mentor's writes on the brief (comments, answers, triage, action items) refuse a meeting that
is no longer planned with scheduling's NotPlanned: a held meeting's record is read-only, and
later changes are notes.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.briefs.forms import ActionItemForm, MeetingNoteForm
from meetings.forms import storable_text
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    HelpAsked,
    Meeting,
    MeetingNote,
    MentorPrivateNote,
    Question,
)
from meetings.plans import domain as plans
from meetings.reading import domain as reading
from meetings.recaps import domain as recaps
from meetings.scheduling.lifecycle import NotPlanned
from meetings.unstuck import peers
from meetings.unstuck import streaks as stuck
from meetings.webhooks import emit as webhooks

# The brief's reading order: what blocks the scholar and what they ask first, then the rest.
BRIEF_ORDER = ["progress", "tried", "reading", "asks"]
HEADINGS = {name: heading for name, heading, _ in Agenda.SECTIONS}
READ_ONLY = "This meeting is no longer planned: its record is read-only. Add a note instead."


def _require_planned(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise NotPlanned(READ_ONLY)


def _agenda_for(user: User, meeting: Meeting) -> Agenda | None:
    agenda = (
        Agenda.objects.visible_to(user)
        .filter(meeting=meeting)
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.for_mentor()),
            Prefetch(
                "annotations",
                queryset=Annotation.objects.select_related("author"),
                to_attr="all_annotations",
            ),
            Prefetch(
                "reads",
                queryset=BriefRead.objects.filter(reader_id=meeting.mentorship.mentor_id),
                to_attr="mentor_reads",
            ),
            Prefetch("help_asked", queryset=HelpAsked.objects.select_related("peer")),
        )
        .first()
    )
    if agenda is not None:
        agenda.meeting = meeting  # loaded with its pair: the check-in rule reads it
    return agenda


def record_read(agenda: Agenda, mentor: User, previous: BriefRead | None) -> tuple[BriefRead, set]:
    """The mentor opened the brief now: their receipt as just written, and what changed since
    their previous read (`previous`, None the first time)."""
    now = timezone.now()
    changed = BriefRead.record(agenda, mentor, previous, now=now)
    read = BriefRead(
        agenda=agenda,
        reader=mentor,
        first_read_at=previous.first_read_at if previous else now,
        last_read_at=now,
    )
    return read, changed


def brief_context(user: User, meeting: Meeting, *, record_read_receipt: bool = False) -> dict:
    """Everything the brief shows to this user (the scholar or their mentor).

    With record_read_receipt, the mentor opening the brief leaves a read receipt and `changed`
    says what changed since their last read; the receipt shown is the one just written.
    """
    is_mentor = meeting.is_mentor(user)
    agenda = _agenda_for(user, meeting)
    changed: set[str] = set()
    read = None
    if agenda is not None and agenda.is_submitted:
        read = agenda.mentor_reads[0] if agenda.mentor_reads else None
        if record_read_receipt and is_mentor:
            read, changed = record_read(agenda, user, read)
    questions = list(agenda.questions.all()) if agenda else []
    by_section: dict[str, list[Annotation]] = defaultdict(list)
    by_question: dict[int, list[Annotation]] = defaultdict(list)
    for note in agenda.all_annotations if agenda else []:
        if note.question_id is None:
            by_section[note.section].append(note)
        else:
            by_question[note.question_id].append(note)
    for q in questions:
        q.changed = f"q{q.pk}" in changed
        q.notes = by_question[q.pk]
    sections = [
        {
            "name": name,
            "heading": HEADINGS[name],
            "text": getattr(agenda, name),
            "html": getattr(agenda, f"{name}_html"),  # stored when written
            "annotations": by_section[name],
            "changed": name in changed,
        }
        for name in (BRIEF_ORDER if agenda else [])
    ]
    # Stuck: earlier similar bottlenecks of the pair, and whom the scholar asked.
    streak = stuck.stuck_streak(agenda) if agenda is not None else None
    help_entries = list(agenda.help_asked.all()) if agenda is not None else []
    return {
        "meeting": meeting,
        "agenda": agenda,
        # The questions for the meeting, and those the scholar moved to "answer in writing".
        "questions": [q for q in questions if not q.in_writing],
        "written_questions": [q for q in questions if q.in_writing],
        "decision_annotations": by_section["decision"],
        "decision_changed": "decision" in changed,
        "is_mentor": is_mentor,
        "user_is_scholar": meeting.is_scholar(user),
        "can_annotate": is_mentor and agenda is not None and meeting.is_open,
        "show_wellbeing": agenda is not None and agenda.wellbeing_visible_to(user),
        "bottleneck_annotations": by_section["bottleneck"],
        "bottleneck_changed": "bottleneck" in changed,
        "general_annotations": by_section["general"],
        "sections": sections,
        "changed": changed,
        "changed_labels": _changed_labels(changed, questions),
        "read": read,
        "private_note": _private_note(user, meeting) if is_mentor else None,
        "action_items": action_items(user, meeting),
        "notes": MeetingNote.objects.filter(meeting=meeting).select_related("author"),
        "action_form": ActionItemForm(),
        "note_form": MeetingNoteForm(),
        "last_recap": recaps.last_recap(meeting) if meeting.is_open else None,
        "plan_milestones": plans.milestones_for_agenda(agenda) if agenda else [],
        "today": timezone.localdate(),
        # Called by the template only where it is shown (the full brief), not by its parts.
        "reading_since": partial(_reading_since, agenda) if agenda else None,
        "streak": streak,
        "help_entries": help_entries,
        # The scholar's own brief while stuck (never the mentor's: peers shared their
        # bottleneck with peers); called by the template where it is shown, as above.
        "peer_suggestions": partial(_peer_suggestions, user, agenda, streak)
        if agenda is not None and meeting.is_scholar(user) and meeting.is_open
        else None,
        "asked_peer_ids": {e.peer_id for e in help_entries if e.peer_id},
        "help_editable": meeting.is_open,
    }


def _peer_suggestions(user: User, agenda: Agenda, streak) -> list:
    return peers.suggestions(agenda, viewer=user) if streak and streak.is_stuck else []


def _reading_since(agenda: Agenda) -> list:
    previous = agenda.meeting.previous()
    return reading.read_since(agenda, previous.scheduled_at if previous else None)


def _private_note(user: User, meeting: Meeting) -> MentorPrivateNote | None:
    scholar_id = meeting.mentorship.scholar_id
    return MentorPrivateNote.objects.filter(
        access.private_note(user), scholar_id=scholar_id
    ).first()


def action_items(user: User, meeting: Meeting) -> list[ActionItem]:
    """The pair's open items and this meeting's, each with `can_toggle` for this user."""
    items = list(
        ActionItem.objects.filter(mentorship_id=meeting.mentorship_id)
        .filter(Q(done=False) | Q(meeting=meeting))
        .select_related("meeting")
    )
    for item in items:
        item.mentorship = meeting.mentorship  # loaded with the pair already
        item.can_toggle = item.can_update(user)
    return items


def _changed_labels(changed: set[str], questions: list[Question]) -> list[str]:
    labels = [HEADINGS[name] for name in Agenda.SECTION_NAMES if name in changed]
    changed_questions = sum(1 for q in questions if q.changed)
    if changed_questions:
        labels.append(f"{changed_questions} question{'s' if changed_questions > 1 else ''}")
    elif "questions" in changed:
        labels.append("the question list (removed or reordered)")
    return labels


# --- Comments --------------------------------------------------------------------------------


def add_comment(
    agenda: Agenda, author: User, body: str, section: str, question: Question | None
) -> Annotation:
    """The mentor comments on the brief of a planned meeting (NotPlanned otherwise)."""
    _require_planned(agenda.meeting)
    return annotate(agenda, author, body, section, question)


def annotate(
    agenda: Agenda, author: User, body: str, section: str, question: Question | None
) -> Annotation:
    """File a comment on a question, or on a section of the brief ("general" for an unknown
    one). Meeting mode files its captured answers this way as the meeting is marked held, so
    this does not ask whether the meeting is planned: the mentor's comments go through
    add_comment."""
    if question is not None:
        section = "question"
    elif section not in dict(Annotation.SECTION_CHOICES):
        section = "general"
    return Annotation.objects.create(
        agenda=agenda, author=author, body=body, section=section, question=question
    )


def edit_annotation(note: Annotation, body: str) -> None:
    _require_planned(note.agenda.meeting)
    note.body = body
    note.updated_at = timezone.now()
    note.save(update_fields=["body", "updated_at"])


def delete_annotation(note: Annotation) -> None:
    _require_planned(note.agenda.meeting)
    note.delete()


# --- Answers and triage ----------------------------------------------------------------------


def triage(question: Question, by: User, status: str) -> None:
    """The mentor moves the question in the meeting: only to a state that follows from its
    current one (Question.triage_moves), else ValidationError with what is possible; only
    while the meeting is planned (NotPlanned otherwise)."""
    _require_planned(question.agenda.meeting)
    if status not in question.triage_moves:
        names = dict(Question.Status.choices)
        moves = " or ".join(
            "reopened" if move == Question.Status.OPEN else f"marked {names[move].lower()}"
            for move in question.triage_moves
        )
        raise ValidationError(
            {
                "status": f"This question is {names[question.status].lower()}: it can only be "
                f"{moves}. The page may be out of date: it now shows the question as it is."
            }
        )
    answer(question, by, status)


def answer_in_writing(question: Question, by: User, status: str, text: str) -> None:
    """The mentor answers the question on the brief of a planned meeting (NotPlanned
    otherwise)."""
    _require_planned(question.agenda.meeting)
    answer(question, by, status, text=text)


def answer(question: Question, by: User, status: str, text: str | None = None) -> None:
    """Set the question's state, with a written answer when `text` is given.

    A question answered in writing (Question.is_answered) is never left "open": it shows as
    answered. The mentor cannot drop a question: only the scholar takes it off the brief.
    Meeting mode marks the questions it discussed this way as the meeting is marked held, so
    this does not ask whether the meeting is planned (answer_in_writing and triage do).
    """
    if status not in {s.value for s in Question.Status} or status == Question.Status.DROPPED:
        raise ValidationError({"status": "Pick discussed, resolved or open."})
    fields = ["status"]
    if text is not None:
        question.answer = text.strip()
        fields += ["answer", "answered_by", "answered_at"]
        if question.answer:
            question.answered_by = by
            question.answered_at = question.answered_at or timezone.now()
    question.status = status
    if question.status == Question.Status.OPEN and question.is_answered:
        question.status = Question.Status.ANSWERED
    question.save(update_fields=fields)


# --- Action items and the private note ---------------------------------------------------------


@transaction.atomic
def add_action_item(meeting: Meeting, by: User, data: dict) -> ActionItem:
    """The mentor adds an action item (ActionItemForm's data) to a planned meeting (NotPlanned
    otherwise)."""
    _require_planned(meeting)
    item = ActionItem.objects.create(
        mentorship=meeting.mentorship, meeting=meeting, created_by=by, **data
    )
    webhooks.emit(webhooks.Event.ACTION_ITEM_CREATED, item)
    return item


@transaction.atomic
def set_item_done(item: ActionItem, user: User, done: bool) -> None:
    """The mentor updates every item of the pair; the scholar the items they own
    (PermissionDenied otherwise)."""
    if not item.can_update(user):
        raise PermissionDenied("Only your mentor can update this item.")
    completed = done and not item.done
    item.set_done(done)
    if completed:
        webhooks.emit(webhooks.Event.ACTION_ITEM_COMPLETED, item)


def keep_private_note(mentor: User, scholar_id: int, text: str) -> MentorPrivateNote:
    """Write the mentor's private note on a scholar they mentor (the caller looked the pair up);
    only they ever see it. ValidationError for text that cannot be stored."""
    storable_text(text)
    note, _ = MentorPrivateNote.objects.update_or_create(
        mentor=mentor,
        scholar_id=scholar_id,
        defaults={"text": text.strip()[:4000], "updated_at": timezone.now()},
    )
    return note
