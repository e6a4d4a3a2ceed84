"""Figures and HTML derived from user text are stored when the text is written
(meetings/models/derived.py), and after every kind of edit the stored value equals a
recomputation from scratch: the brief's word count, each section and answer, comment, note and
recap as sanitised HTML, and the week a reading counts for."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.safestring import SafeString

from meetings.agendas import domain as agendas
from meetings.briefs import domain as briefs
from meetings.models import (
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    Question,
    ReadingEntry,
    Recap,
)
from meetings.models.derived import fill
from meetings.reading import domain as reading
from meetings.templatetags.mentorprep import render_markdown
from tests.factories import (
    MeetingFactory,
    ProgressLineFactory,
    QuestionFactory,
    ReadingEntryFactory,
    RecapFactory,
)


def _words_from_scratch(agenda: Agenda) -> int:
    fresh = Agenda.objects.get(pk=agenda.pk)
    texts = [getattr(fresh, name) for name in Agenda.SECTION_NAMES]
    texts += [q.text for q in fresh.questions.all() if q.status != Question.Status.DROPPED]
    return sum(len(t.split()) for t in texts)


def _assert_agenda_agrees(agenda: Agenda) -> None:
    """The stored count and HTML, read back from the database, against the text."""
    fresh = Agenda.objects.get(pk=agenda.pk)
    assert fresh.word_count() == _words_from_scratch(agenda)
    for name in Agenda.SECTION_NAMES:
        stored = getattr(fresh, f"{name}_html")
        assert isinstance(stored, SafeString)
        assert stored == render_markdown(getattr(fresh, name)), name
    for q in fresh.questions.all():
        assert q.words == len(q.text.split())
        assert q.answer_html == render_markdown(q.answer)


def _save(agenda: Agenda, **data) -> None:
    assert agendas.save_fields(agenda, data, agenda.version)


def test_the_brief_agrees_after_every_edit_of_its_sections(world):
    agenda = world.agenda
    _assert_agenda_agrees(agenda)
    _save(agenda, bottleneck="A **new** bottleneck, in more words than before")
    _assert_agenda_agrees(agenda)
    assert "<strong>new</strong>" in Agenda.objects.get(pk=agenda.pk).bottleneck_html
    _save(agenda, decision="Pick *one*", tried="", asks="- a\n- b c d")
    _assert_agenda_agrees(agenda)
    # the instance the writer holds agrees too: the page drawn after a save reads it
    assert agenda.section_words == Agenda.objects.get(pk=agenda.pk).section_words
    agenda.progress = "Three more words"
    agenda.save(update_fields=["progress"])
    _assert_agenda_agrees(agenda)
    agenda.reading = "One *paper*"
    agenda.save()
    _assert_agenda_agrees(agenda)


def test_a_save_of_a_partly_loaded_agenda_writes_its_derived_columns(world):
    agenda = Agenda.objects.only("pk", "bottleneck").get(pk=world.agenda.pk)
    agenda.bottleneck = "Now *five* words in it"
    agenda.save()
    _assert_agenda_agrees(world.agenda)


def test_an_update_of_some_sections_only_writes_the_count_again(world):
    """A write that bypasses the model (QuerySet.update) still leaves nothing stale."""
    Agenda.objects.filter(pk=world.agenda.pk).update(tried="one two three four five six")
    _assert_agenda_agrees(world.agenda)
    Agenda.objects.filter(pk=world.agenda.pk).update(
        decision="d", bottleneck="b", tried="t", progress="p", reading="r", asks="**a**"
    )
    _assert_agenda_agrees(world.agenda)


def test_the_brief_agrees_after_every_edit_of_its_questions(world):
    agenda, scholar = world.agenda, world.scholar
    added = agendas.add_question(agenda, "A question in six words here?", scholar)
    _assert_agenda_agrees(agenda)
    agendas.edit_question(added, "Shorter now?", scholar)
    _assert_agenda_agrees(agenda)
    agendas.set_question_state(added, Question.Status.DROPPED)
    _assert_agenda_agrees(agenda)
    agendas.set_question_state(added, Question.Status.OPEN)
    _assert_agenda_agrees(agenda)
    agendas.delete_question(added, scholar)
    _assert_agenda_agrees(agenda)
    question = agenda.questions.first()
    briefs.answer(question, world.mentor, Question.Status.DISCUSSED, text="Try **this** one")
    _assert_agenda_agrees(agenda)
    assert "<strong>this</strong>" in Question.objects.get(pk=question.pk).answer_html


def test_carried_questions_and_a_prefilled_progress_are_counted(world):
    world.meeting.status = Meeting.Status.HELD
    world.meeting.scheduled_at = timezone.now() - timedelta(days=3)
    world.meeting.save()
    QuestionFactory(agenda=world.agenda, text="Still open after the meeting?", rank=2)
    ProgressLineFactory(scholar=world.scholar, text="A win in five words")
    Agenda.objects.filter(pk=world.agenda.pk).update(submitted_at=timezone.now() - timedelta(9))
    later = MeetingFactory(mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(4))
    agenda = agendas.start(later)  # carries the open questions in one insert, fills progress
    assert agenda.questions.count() == 2 and "A win" in agenda.progress
    _assert_agenda_agrees(agenda)
    assert agenda.word_count() > 0


def test_comments_notes_and_recaps_are_stored_as_html(world):
    note = briefs.annotate(world.agenda, world.mentor, "See *this*", "bottleneck", None)
    assert Annotation.objects.get(pk=note.pk).body_html == render_markdown("See *this*")
    briefs.edit_annotation(note, "Now **that**")
    assert Annotation.objects.get(pk=note.pk).body_html == render_markdown("Now **that**")
    meeting_note = MeetingNote.objects.create(
        meeting=world.meeting, author=world.mentor, body="- decided"
    )
    assert MeetingNote.objects.get(pk=meeting_note.pk).body_html == render_markdown("- decided")
    recap = RecapFactory(meeting=world.meeting, takeaway="*one*", next_steps="two")
    recap.correction = "**fix**"
    recap.save(update_fields=["correction"])
    fresh = Recap.objects.get(pk=recap.pk)
    for name in ("takeaway", "next_steps", "still_need", "correction"):
        assert getattr(fresh, f"{name}_html") == render_markdown(getattr(fresh, name))


def test_nothing_live_is_stored(world):
    _save(world.agenda, bottleneck="Stuck <script>alert(1)</script> [x](javascript:alert(1))")
    stored = Agenda.objects.get(pk=world.agenda.pk).bottleneck_html
    assert "<script" not in stored and "javascript:" not in stored


def test_a_reading_counts_for_the_week_it_was_read_after_every_edit(world):
    entry = reading.add_entry(world.scholar, {"title": "A", "read_on": date(2026, 11, 26)})
    assert ReadingEntry.objects.get(pk=entry.pk).week == date(2026, 11, 23)
    reading.edit_entry(entry, {"read_on": date(2026, 12, 6)})  # a Sunday
    assert ReadingEntry.objects.get(pk=entry.pk).week == date(2026, 11, 30)
    reading.edit_entry(entry, {"read_on": date(2026, 12, 7), "title": "B"})
    assert ReadingEntry.objects.get(pk=entry.pk).week == date(2026, 12, 7)
    ReadingEntry.objects.filter(pk=entry.pk).update(read_on=date(2026, 1, 1))
    assert ReadingEntry.objects.get(pk=entry.pk).week == date(2025, 12, 29)


@pytest.mark.parametrize("model", [Agenda, Question, Annotation, MeetingNote, Recap, ReadingEntry])
def test_the_migration_fills_the_rows_written_before(world, model):
    briefs.annotate(world.agenda, world.mentor, "*c*", "general", None)
    MeetingNote.objects.create(meeting=world.meeting, author=world.mentor, body="*n*")
    RecapFactory(meeting=world.meeting, takeaway="*t*", next_steps="*n*")
    ReadingEntryFactory(scholar=world.scholar, read_on=date(2026, 3, 4))
    names = [f.name for f in model._meta.concrete_fields if f.name.endswith(("_html", "words"))]
    names += ["week"] if model is ReadingEntry else []
    blank = {n: (None if n == "week" else 0 if n.endswith("words") else "") for n in names}
    # as the rows were before the columns existed: written by a plain SQL update
    model._base_manager.update(**blank)
    before = {obj.pk: obj for obj in model._base_manager.all()}
    fill(model)
    for obj in model._base_manager.all():
        for field in model._meta.concrete_fields:
            if field.name in names:
                expected = field.derive({s: getattr(obj, s) for s in field.sources})
                assert getattr(obj, field.name) == expected
                assert getattr(before[obj.pk], field.name) != expected or not expected
