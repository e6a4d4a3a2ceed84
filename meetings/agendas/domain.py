"""The scholar's agenda and questions: every write, with the revision it leaves and the mail
it causes.

Each function records its own revision (meetings/agendas/revisions.py) and, when a submitted brief
changes, queues the mentor's mail in the same transaction (meetings/notifications.py), so the
mail is stored exactly when the change is. Callers have already looked the agenda or question up
through a queryset scoped to the scholar.

A meeting that is no longer planned has a read-only agenda: the writes that take a meeting as it
was loaded refuse it with scheduling's NotPlanned (the question and "whom I asked" endpoints never
reach theirs: Agenda.objects.editable_by only finds a planned meeting's agenda).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from meetings import notifications
from meetings.agendas.revisions import (
    record_edit,
    record_question,
    record_question_order,
    record_submit,
    same,
)
from meetings.models import ActionItem, Agenda, HelpAsked, Meeting, Question
from meetings.models.derived import derived_values
from meetings.reading import domain as reading
from meetings.scheduling.lifecycle import NotPlanned
from meetings.unstuck import peers
from meetings.unstuck import streaks as stuck
from meetings.webhooks import emit as webhooks

READ_ONLY = "This meeting is no longer planned: its agenda is read-only."


def _require_planned(meeting: Meeting) -> None:
    """Refuse a write to the agenda of a meeting that was held or cancelled."""
    if not meeting.is_open:
        raise NotPlanned(READ_ONLY)


# --- The agenda ------------------------------------------------------------------------------


def start(meeting: Meeting) -> Agenda:
    """The meeting's agenda, created on first use, with last time's open questions.

    While the meeting is planned, questions left open at the previous meeting since the agenda
    was started (e.g. the mentor marked it held later) are carried in too. A visit that finds
    both done writes nothing and takes no lock; of several first visits at once, one creates the
    agenda and the others read it (get_or_create retries its read after a refused insert).
    """
    agenda, created = Agenda.objects.get_or_create(meeting=meeting)
    agenda.meeting = meeting
    if created:
        reading.prefill_progress(agenda)
    if created or meeting.is_open:
        carry_forward(agenda)
    return agenda


def carry_forward(agenda: Agenda) -> int:
    """Copy the questions left open at the previous meeting into this agenda.

    Idempotent: a question already carried here (kept, done or dropped) is not copied again, so
    it can run on every visit and pick up questions left open since. Nothing comes from a
    previous meeting that has not taken place yet. Returns how many were copied.
    """
    previous = agenda.meeting.previous()
    if previous is None or (previous.is_open and previous.scheduled_at > timezone.now()):
        return 0
    if not _not_carried_yet(agenda, previous):
        return 0  # the usual visit: read only, so it never waits for the write lock
    with transaction.atomic():
        # Under the agenda's lock, asked again: a parallel visit may have copied them meanwhile.
        Agenda.objects.select_for_update().filter(pk=agenda.pk).first()
        open_questions = _not_carried_yet(agenda, previous)
        if not open_questions:
            return 0
        first = Question.next_rank(agenda)
        Question.objects.bulk_create(
            Question(agenda=agenda, text=q.text, rank=i, carried_from=q)
            for i, q in enumerate(open_questions, start=first)
        )
    return len(open_questions)


def _not_carried_yet(agenda: Agenda, previous: Meeting) -> list[Question]:
    already = agenda.questions.filter(carried_from__isnull=False).values("carried_from_id")
    return list(
        Question.objects.filter(agenda__meeting=previous, status__in=Question.CARRY_STATES)
        .exclude(pk__in=already)
        .order_by("rank", "pk")
    )


def changed_fields(agenda: Agenda, data: dict) -> dict:
    """The fields of `data` whose value differs from the agenda's: a text only when its
    normalised form does (revisions.normalised), so spaces alone never update the brief."""
    return {name: value for name, value in data.items() if not same(getattr(agenda, name), value)}


def save_fields(
    agenda: Agenda, data: dict, expected_version: int, author: User | None = None
) -> bool:
    """Write the given fields only if nobody saved a newer version meanwhile.

    Raises NotPlanned when the meeting is no longer planned (a held meeting's record is
    read-only). Returns False (and writes nothing) when the stored version is not
    expected_version, or when the meeting stopped being planned since it was loaded. Raises
    ValidationError when a submitted agenda would stop being submittable. Each save is kept in
    the revision history, by default as the scholar's. A change to the check-in alone is the
    scholar's own business: the mentor does not see the brief as updated and gets no mail.
    Fields whose text is unchanged but for spaces (changed_fields) are not written at all.
    """
    data = changed_fields(agenda, data)
    author = author or agenda.meeting.mentorship.scholar
    # Sharing the bottleneck with peers is the scholar's consent, not part of the brief: its
    # own function writes it, whatever the meeting's state, and the mentor is not told.
    sharing = data.pop("bottleneck_shared", None)
    if sharing is not None and not data:
        return peers.set_shared(agenda, sharing, author, expected_version)
    _require_planned(agenda.meeting)
    if not data:
        return True
    if agenda.version != expected_version:
        # The old values recorded below come from this instance: it must be that version.
        return False
    if agenda.is_submitted:
        errors = agenda.field_errors(data)
        if errors:
            raise ValidationError(errors)
    now = timezone.now()
    old = {name: getattr(agenda, name) for name in data}
    changes = dict(data)
    for_mentor = agenda.is_submitted and bool(set(data) - set(Agenda.SCHOLAR_ONLY_FIELDS))
    if for_mentor or not agenda.is_submitted:
        changes["updated_at"] = now
    if for_mentor:
        changes["updated_after_submit_at"] = now
    changes |= derived_values(agenda, data)  # the stored word count and HTML of the sections
    # The version is a condition on the agenda row itself, not inside a join: PostgreSQL then
    # checks it again on the row a parallel save just committed, and only one save wins.
    current = Agenda.objects.filter(
        pk=agenda.pk,
        version=expected_version,
        meeting_id__in=Meeting.objects.filter(status=Meeting.Status.PLANNED).values("pk"),
    )
    # No savepoint: nothing here is retried after an error; it all goes, or none of it.
    with transaction.atomic(savepoint=False):
        if not current.update(**changes, version=F("version") + 1):
            return False
        record_edit(agenda, author, old, data, agenda.version + 1, now)
        if agenda.is_submitted and {"bottleneck", "bottleneck_same_as_last"} & set(data):
            stuck.recompute_pair(agenda.meeting.mentorship_id, agenda)
        if for_mentor:
            notifications.brief_updated(agenda)
        for name, value in changes.items():
            setattr(agenda, name, value)
        agenda.version += 1
        if sharing is not None:
            peers.set_shared(agenda, sharing, author, agenda.version)
    return True


def submit(agenda: Agenda, author: User | None = None) -> bool:
    """Hand the draft to the mentor. Raises ValidationError (messages by field name, and
    "questions") when it has no bottleneck, no question, or last time's bottleneck with nothing
    tried; NotPlanned when the meeting is no longer planned. Only a draft is submitted: of
    several submits at once one wins (True), the others change nothing and record nothing."""
    _require_planned(agenda.meeting)
    errors = agenda.submission_errors()
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        won = Agenda.objects.filter(pk=agenda.pk, status=Agenda.Status.DRAFT).update(
            status=Agenda.Status.SUBMITTED,
            submitted_at=Coalesce(F("submitted_at"), now),
            updated_after_submit_at=None,
            version=F("version") + 1,
            updated_at=now,
        )
        if won:
            agenda.refresh_from_db(fields=["status", "submitted_at", "version", "updated_at"])
            agenda.updated_after_submit_at = None
            stuck.recompute_pair(agenda.meeting.mentorship_id, agenda)
            record_submit(
                agenda, author or agenda.meeting.mentorship.scholar, Agenda.Status.DRAFT, now
            )
            notifications.brief_submitted(agenda)
            webhooks.emit(webhooks.Event.BRIEF_SUBMITTED, agenda)
            notifications.peers_asked(agenda)
    return bool(won)


def touch(agenda: Agenda) -> None:
    """Record that the agenda changed (a question added, moved…); a submitted one shows as
    updated to the mentor, who is told."""
    now = timezone.now()
    fields = {"updated_at": now}
    if agenda.is_submitted:
        fields["updated_after_submit_at"] = now
    Agenda.objects.filter(pk=agenda.pk).update(**fields)
    for name, value in fields.items():
        setattr(agenda, name, value)
    if agenda.is_submitted:
        notifications.brief_updated(agenda)


# --- Questions -------------------------------------------------------------------------------


@transaction.atomic
def add_question(agenda: Agenda, text: str, author: User) -> Question:
    """A new question, ranked after the open ones (before those marked done or dropped)."""
    question = Question.objects.create(agenda=agenda, text=text, rank=Question.next_rank(agenda))
    _set_aside_last(agenda)
    record_question(question, author, "", text)
    touch(agenda)
    return question


@transaction.atomic
def edit_question(question: Question, text: str, author: User) -> None:
    if same(question.text, text):
        return  # spaces alone: no revision, and the mentor is not told of an update
    old, question.text = question.text, text
    question.save(update_fields=["text"])
    record_question(question, author, old, text)
    touch(question.agenda)


@transaction.atomic
def delete_question(question: Question, author: User) -> bool:
    """Delete the question; one carried from last time is dropped instead, so it stays on
    record. Returns True when it was deleted."""
    agenda = question.agenda
    if question.carried_from_id:
        _set_state(question, Question.Status.DROPPED)
        touch(agenda)
        return False
    record_question(question, author, question.text, "")
    question.delete()
    touch(agenda)
    return True


SCHOLAR_STATES = [Question.Status.OPEN, Question.Status.RESOLVED, Question.Status.DROPPED]


@transaction.atomic
def set_question_state(question: Question, status: str) -> None:
    """The scholar marks the question done (resolved), drops it, or puts it back (open)."""
    _set_state(question, status)
    touch(question.agenda)


def _set_state(question: Question, status: str) -> None:
    """Done and dropped questions move to the end of the ranking; a question put back is ranked
    last among the open ones."""
    if status not in SCHOLAR_STATES:
        raise ValueError(f"A scholar cannot set a question to {status!r}.")
    question.status = status
    question.rank = Question.next_rank(question.agenda)
    question.save(update_fields=["status", "rank"])
    if status == Question.Status.OPEN:
        _set_aside_last(question.agenda)


@transaction.atomic
def move_question(question: Question, offset: int, author: User) -> None:
    """Swap with the neighbour above (-1) or below (+1) and renumber the list.

    Questions marked done or dropped are not neighbours: they stay at the end.
    """
    siblings = [
        q
        for q in question.agenda.questions.order_by("rank", "pk")
        if q.is_set_aside == question.is_set_aside
    ]
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    target = max(0, min(len(siblings) - 1, index + offset))
    siblings.insert(target, siblings.pop(index))
    reorder_questions(question.agenda, [q.pk for q in siblings], author)


@transaction.atomic
def reorder_questions(agenda: Agenda, ordered_ids: list[int], author: User) -> None:
    """Rank the agenda's questions in this order (ids of other agendas are ignored); the
    scholar's move is kept in the revision history, coalesced with the other edits of a burst."""
    before, after = _rank(agenda, ordered_ids)
    record_question_order(agenda, author, before, after)
    touch(agenda)


def _rank(agenda: Agenda, ordered_ids: list[int]) -> tuple[list[Question], list[Question]]:
    questions = {q.pk: q for q in agenda.questions.all()}
    before = sorted(questions.values(), key=lambda q: (q.rank, q.pk))
    ordered = [questions[i] for i in ordered_ids if i in questions]
    ordered += [q for pk, q in questions.items() if pk not in ordered_ids]
    for rank, question in enumerate(ordered, start=1):
        question.rank = rank
    Question.objects.bulk_update(ordered, ["rank"])
    return before, ordered


def _set_aside_last(agenda: Agenda) -> None:
    """Renumber so that questions marked done or dropped come after all the others."""
    ordered = sorted(agenda.questions.all(), key=lambda q: (q.is_set_aside, q.rank, q.pk))
    _rank(agenda, [q.pk for q in ordered])


# --- Action items carried from earlier meetings ----------------------------------------------


def carried_items(meeting: Meeting) -> list[ActionItem]:
    """The mentorship's open action items from other meetings, and those done in the last two
    weeks; `can_toggle` on the scholar's own."""
    items = list(
        ActionItem.objects.filter(mentorship_id=meeting.mentorship_id)
        .filter(Q(done=False) | Q(done_at__gte=timezone.now() - timedelta(days=14)))
        .exclude(meeting=meeting)
        .order_by("done", "due_on", "pk")
    )
    for item in items:
        item.mentorship = meeting.mentorship
        item.can_toggle = item.owner == ActionItem.Owner.SCHOLAR
    return items


@transaction.atomic
def tick_carried_item(meeting: Meeting, item: ActionItem, done: bool) -> None:
    """The scholar marks one of their own action items done (or not) from the agenda of a
    planned meeting (NotPlanned otherwise)."""
    _require_planned(meeting)
    completed = done and not item.done
    item.set_done(done)
    if completed:
        webhooks.emit(webhooks.Event.ACTION_ITEM_COMPLETED, item)


# --- Whom I asked ------------------------------------------------------------------------------

HELP_KEY = "help_asked"  # the revision history keeps the list as one change, one line per entry


def help_text(entries) -> str:
    """The entries as the revision history shows them: "Dana (peer): pointed me to X"."""
    return "\n".join(f"{e.label}: {e.outcome}" if e.outcome else e.label for e in entries)


@transaction.atomic
def add_help_asked(agenda: Agenda, data: dict, author: User) -> HelpAsked:
    """A new "whom I asked" entry at the end of the agenda's list (data: HelpAskedForm's)."""
    before = list(agenda.help_asked.select_related("peer"))
    entry = HelpAsked.objects.create(
        agenda=agenda,
        kind=data["kind"],
        peer=data.get("peer"),
        name=data.get("name", ""),
        outcome=data.get("outcome", ""),
        position=max((e.position for e in before), default=0) + 1,
    )
    notifications.peers_asked(agenda, [entry])
    record_edit(
        agenda,
        author,
        {HELP_KEY: help_text(before)},
        {HELP_KEY: help_text([*before, entry])},
        agenda.version,
    )
    touch(agenda)
    return entry


@transaction.atomic
def edit_help_asked(entry: HelpAsked, data: dict, author: User) -> HelpAsked | None:
    """Change a "whom I asked" entry (data: HelpAskedForm's), e.g. to say what came of it.
    Returns the entry as saved, or None (and changes nothing) when only spaces differ. A peer
    newly named sees the "you were asked" notice again."""
    agenda = entry.agenda
    before = list(agenda.help_asked.select_related("peer"))
    current = next(e for e in before if e.pk == entry.pk)
    new = {
        "kind": data["kind"],
        "peer": data.get("peer"),
        "name": data.get("name", ""),
        "outcome": data.get("outcome", ""),
    }
    unchanged = (
        current.kind == new["kind"]
        and current.peer_id == getattr(new["peer"], "pk", None)
        and same(current.name, new["name"])
        and same(current.outcome, new["outcome"])
    )
    if unchanged:
        return None
    old_text = help_text(before)
    newly_named = current.peer_id != getattr(new["peer"], "pk", None)
    if newly_named:
        current.peer_dismissed_at = None
    for name, value in new.items():
        setattr(current, name, value)
    current.save(update_fields=[*new, "peer_dismissed_at"])
    record_edit(agenda, author, {HELP_KEY: old_text}, {HELP_KEY: help_text(before)}, agenda.version)
    touch(agenda)
    if newly_named:
        notifications.peers_asked(agenda, [current])
    return current


@transaction.atomic
def delete_help_asked(entry: HelpAsked, author: User) -> None:
    agenda = entry.agenda
    before = list(agenda.help_asked.select_related("peer"))
    entry.delete()
    after = [e for e in before if e.pk != entry.pk]
    record_edit(
        agenda, author, {HELP_KEY: help_text(before)}, {HELP_KEY: help_text(after)}, agenda.version
    )
    touch(agenda)


# --- The time budget: estimates and questions answered in writing ---------------------------


def set_estimate(question: Question, minutes: int | None) -> None:
    """The scholar's estimate of the minutes a question takes (None: the default)."""
    question.estimate_minutes = minutes
    question.save(update_fields=["estimate_minutes"])


@transaction.atomic
def set_in_writing(agenda: Agenda, questions: list[Question], in_writing: bool) -> int:
    """Move questions out of the meeting, to be answered in writing (or back into it). The brief
    changes for the mentor, who sees it as updated. Returns how many moved."""
    moving = [q for q in questions if q.in_writing != in_writing and not q.is_set_aside]
    for question in moving:
        question.in_writing = in_writing
    Question.objects.bulk_update(moving, ["in_writing"])
    if moving:
        touch(agenda)
    return len(moving)
