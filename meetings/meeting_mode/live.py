"""Meeting mode: the meeting in progress, shared by the scholar and the mentor.

Everything either of them types is a Capture row appended under the LiveMeeting row's lock, with
the next number of the meeting's `seq`; so the order of numbers is the order of commits, and a
page that asks "what came after number N?" never misses a capture committed a moment late. The
current question is shared state with a `version`: a move made from a page showing an older
version is refused, so two people pressing "next" at once move one question, not two.

When the mentor marks the meeting held (scheduling.mark_held, from whichever page), the captures
are filed into the meeting record (file_captures): answers as comments on their question (the
question marked discussed), decisions as decision notes, action items as action items of the
pair. Once both of the pair have opened this page the meeting has begun (`opened`): it may be
marked held even before its scheduled time.

Callers have looked the meeting up through a queryset scoped to the user (meetings/access.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from meetings.briefs import domain as briefs
from meetings.forms import storable_text
from meetings.models import ActionItem, Agenda, Capture, LiveMeeting, Meeting, MeetingNote, Question
from meetings.webhooks import emit as webhooks

MAX_TEXT = {Capture.Kind.ANSWER: 4000, Capture.Kind.DECISION: 4000, Capture.Kind.ACTION: 300}
MOVES = ("read", "start", "next", "previous")


class Stale(Exception):
    """The other person moved the meeting on meanwhile: nothing changed."""


def reading_seconds() -> int:
    return getattr(settings, "MEETING_READING_SECONDS", 180)


def session(meeting: Meeting) -> LiveMeeting:
    """The meeting's live state, created on first use."""
    live, _ = LiveMeeting.objects.get_or_create(meeting=meeting)
    live.meeting = meeting
    return live


def opened(live: LiveMeeting, user: User) -> None:
    """Note the first time each of the pair opens meeting mode (later visits change nothing, and
    cost no query)."""
    if live.meeting.is_mentor(user):
        field = "mentor_opened_at"
    elif live.meeting.is_scholar(user):
        field = "scholar_opened_at"
    else:
        return
    if getattr(live, field) is not None or not live.meeting.is_open:
        return
    now = timezone.now()
    # Only the first open counts, even when two tabs open at once.
    LiveMeeting.objects.filter(pk=live.pk, **{f"{field}__isnull": True}).update(**{field: now})
    setattr(live, field, now)


def questions(agenda: Agenda | None) -> list[Question]:
    """The questions the meeting goes through, top-ranked first: those of a submitted agenda
    that the scholar did not drop or mark done, and that were not moved to writing."""
    return outline(agenda)[0]


def outline(agenda: Agenda | None) -> tuple[list[Question], dict[str, int]]:
    """`questions`, and how many questions of the brief the meeting skips, by why: resolved
    before the meeting ("resolved") or moved to be answered in writing ("in_writing"); so the
    page can say why it counts fewer questions than the brief. One query."""
    if agenda is None or not agenda.is_submitted:
        return [], {"resolved": 0, "in_writing": 0}
    on_brief = agenda.questions.for_mentor().order_by("rank", "pk")
    kept, skipped = [], {"resolved": 0, "in_writing": 0}
    for question in on_brief:
        if question.status in Question.SET_ASIDE_STATES:
            skipped["resolved"] += 1
        elif question.in_writing:
            skipped["in_writing"] += 1
        else:
            kept.append(question)
    return kept, skipped


def phase(live: LiveMeeting, now=None) -> str:
    """ "ready" (not started), "reading" (the silent read), "questions", or "end"."""
    now = now or timezone.now()
    if live.finished:
        return "end"
    if live.started_at:
        return "questions"
    if live.reading_until and now < live.reading_until:
        return "reading"
    return "ready"


def _check_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise ValidationError("This meeting is no longer planned: its record is read-only.")


def capture(
    live: LiveMeeting, author: User, kind: str, text: str, question: Question | None
) -> Capture:
    """Append one capture. Raises ValidationError for an unknown kind, no text, too much text,
    text that cannot be stored or a meeting that is no longer planned."""
    _check_open(live.meeting)
    text = (text or "").strip()
    storable_text(text)
    if kind not in MAX_TEXT:
        raise ValidationError("Pick answer, decision or action item.")
    if not text:
        raise ValidationError("Type something first: nothing was added.")
    if len(text) > MAX_TEXT[kind]:
        label = Capture.Kind(kind).label.lower()
        raise ValidationError(f"An {label} has at most {MAX_TEXT[kind]} characters.")
    with transaction.atomic():
        seq = _next_seq(live)
        return Capture.objects.create(
            live=live, seq=seq, author=author, kind=kind, text=text, question=question
        )


def _next_seq(live: LiveMeeting) -> int:
    """Take the next number under the live row's lock (in the caller's transaction)."""
    LiveMeeting.objects.filter(pk=live.pk).update(seq=F("seq") + 1)
    # The update holds the row until commit: no other capture can take this number meanwhile.
    live.seq = LiveMeeting.objects.values_list("seq", flat=True).get(pk=live.pk)
    return live.seq


def move(live: LiveMeeting, action: str, expected_version: int, agenda: Agenda | None) -> None:
    """Move the meeting on: start the silent read, start the questions, next or previous.

    Raises Stale when the page showed an older version, ValidationError for an unknown move or a
    meeting that is no longer planned."""
    _check_open(live.meeting)
    if action not in MOVES:
        raise ValidationError("That is not a step of the meeting.")
    now = timezone.now()
    ordered = questions(agenda)
    changes: dict = {}
    if action == "read":
        changes = {"reading_until": now + timedelta(seconds=reading_seconds())}
    elif action == "start":
        changes = _at(ordered[0] if ordered else None, now, finished=not ordered)
        changes["started_at"] = live.started_at or now
    else:
        ids = [q.pk for q in ordered]
        here = ids.index(live.current_question_id) if live.current_question_id in ids else -1
        if live.finished:
            here = len(ids)
        target = here + (1 if action == "next" else -1)
        target = max(0, min(len(ids), target))
        changes = _at(ordered[target] if target < len(ids) else None, now, target >= len(ids))
        changes["started_at"] = live.started_at or now
    with transaction.atomic():
        won = LiveMeeting.objects.filter(pk=live.pk, version=expected_version).update(
            **changes, version=F("version") + 1
        )
        if not won:
            raise Stale("The meeting moved on meanwhile.")
        _next_seq(live)
    live.refresh_from_db()


def _at(question: Question | None, now, finished: bool) -> dict:
    return {"current_question": question, "question_started_at": now, "finished": finished}


def file_captures(meeting: Meeting, by: User) -> int:
    """File every capture not filed yet: answers as comments on their question (marked
    discussed), decisions as decision notes, action items as the pair's action items. Filing
    twice files nothing twice."""
    live = LiveMeeting.objects.filter(meeting=meeting).first()
    if live is None:
        return 0
    pending = list(
        live.captures.filter(filed_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("question__agenda")
    )
    agenda = Agenda.objects.filter(meeting=meeting).first()
    discussed: dict[int, Question] = {}
    for item in pending:
        if item.kind == Capture.Kind.ANSWER and item.question and agenda:
            briefs.annotate(agenda, item.author, item.text, "question", item.question)
            discussed[item.question.pk] = item.question
        elif item.kind == Capture.Kind.ANSWER and agenda:
            briefs.annotate(agenda, item.author, item.text, "general", None)
        elif item.kind == Capture.Kind.ACTION:
            action = ActionItem.objects.create(
                mentorship_id=meeting.mentorship_id,
                meeting=meeting,
                text=item.text[:300],
                created_by=item.author,
            )
            webhooks.emit(webhooks.Event.ACTION_ITEM_CREATED, action)
        else:
            MeetingNote.objects.create(
                meeting=meeting,
                author=item.author,
                kind=MeetingNote.Kind.DECISION
                if item.kind == Capture.Kind.DECISION
                else MeetingNote.Kind.NOTE,
                body=item.text,
            )
    for question in discussed.values():
        if question.status == Question.Status.OPEN:
            briefs.answer(question, by, Question.Status.DISCUSSED)
    Capture.objects.filter(pk__in=[c.pk for c in pending]).update(filed_at=timezone.now())
    return len(pending)
