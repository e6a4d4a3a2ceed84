"""Agenda revision history: who changed what and when; held meetings stay read-only."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.models import Agenda, AgendaRevision, Meeting
from meetings.scheduling.lifecycle import NotPlanned
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory


@pytest.fixture
def clock():
    """A clock that stands still until the test moves it (clock.shift(timedelta(...)))."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft(world):
    meeting = MeetingFactory(mentorship=world.mentorship)
    return AgendaFactory(meeting=meeting, bottleneck="Old bottleneck", asks="")


def _save(agenda: Agenda, **data) -> bool:
    agenda.refresh_from_db()
    return agendas.save_fields(agenda, data, agenda.version)


def test_it_records_who_changed_what(world, draft):
    assert _save(draft, bottleneck="New bottleneck", asks="A decision")
    revision = draft.revisions.get()
    assert revision.author == world.scholar
    assert revision.kind == AgendaRevision.Kind.EDIT
    assert revision.version == draft.version
    assert revision.changes == {
        "bottleneck": {"old": "Old bottleneck", "new": "New bottleneck"},
        "asks": {"old": "", "new": "A decision"},
    }
    assert revision.after_submit is False


def test_it_records_nothing_for_a_save_that_changes_nothing(draft):
    Agenda.objects.filter(pk=draft.pk).update(progress="line one\nline two")
    assert _save(draft, bottleneck="Old bottleneck")
    assert _save(draft, progress="line one\r\nline two")  # what a browser's textarea sends
    assert not draft.revisions.exists()


def test_it_coalesces_a_burst_of_autosaves_into_one_revision(draft, clock):
    for i in range(1, 30):  # a save every 20 seconds for ten minutes
        assert _save(draft, bottleneck=f"Typing {i}")
        clock.shift(timedelta(seconds=20))
    revision = draft.revisions.get()
    assert revision.changes == {"bottleneck": {"old": "Old bottleneck", "new": "Typing 29"}}
    assert revision.version == draft.version


def test_it_starts_a_new_revision_after_a_pause(draft, clock):
    _save(draft, bottleneck="First")
    clock.shift(timedelta(minutes=6))
    _save(draft, bottleneck="Second")
    first, second = draft.revisions.order_by("created_at")
    assert first.changes["bottleneck"] == {"old": "Old bottleneck", "new": "First"}
    assert second.changes["bottleneck"] == {"old": "First", "new": "Second"}


def test_it_starts_a_new_revision_after_half_an_hour_of_typing(draft, clock):
    for i in range(40):  # a save a minute for 40 minutes
        _save(draft, bottleneck=f"Typing {i}")
        clock.shift(timedelta(minutes=1))
    assert draft.revisions.count() == 2


def test_it_does_not_merge_saves_by_different_authors(world, draft):
    agendas.save_fields(draft, {"asks": "one"}, draft.version)
    agendas.save_fields(draft, {"asks": "two"}, draft.version, author=world.mentor)
    assert [r.author for r in draft.revisions.order_by("created_at")] == [
        world.scholar,
        world.mentor,
    ]


def test_it_drops_a_burst_that_ends_where_it_started(draft):
    _save(draft, bottleneck="Oops")
    _save(draft, bottleneck="Old bottleneck")
    assert not draft.revisions.exists()


def test_it_records_the_submission_and_later_edits_separately(world, draft):
    QuestionFactory(agenda=draft)
    _save(draft, bottleneck="Before submitting")
    draft.refresh_from_db()
    agendas.submit(draft)
    _save(draft, bottleneck="After submitting")
    kinds = [(r.kind, r.after_submit) for r in draft.revisions.order_by("created_at", "pk")]
    assert kinds == [("edit", False), ("submit", True), ("edit", True)]


def test_it_keeps_save_fields_semantics_on_a_version_conflict(draft):
    stale = draft.version
    assert _save(draft, bottleneck="Mine")
    assert agendas.save_fields(draft, {"bottleneck": "Theirs"}, stale) is False
    draft.refresh_from_db()
    assert draft.bottleneck == "Mine"
    assert draft.revisions.count() == 1


def test_it_refuses_to_change_a_held_meetings_agenda(world):
    # Loaded while the meeting was planned, held since: the write's own condition refuses it.
    agenda = Agenda.objects.select_related("meeting").get(pk=world.agenda.pk)
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    revisions = agenda.revisions.count()
    assert agendas.save_fields(agenda, {"bottleneck": "Rewriting history"}, agenda.version) is False
    # Loaded as held: refused before anything is written.
    agenda.refresh_from_db()
    with pytest.raises(NotPlanned):
        agendas.save_fields(agenda, {"bottleneck": "Rewriting history"}, agenda.version)
    agenda.refresh_from_db()
    assert agenda.bottleneck == "SECRET-BOTTLENECK text"
    assert agenda.revisions.count() == revisions
    response = world.client_for(world.scholar).post(
        reverse("agenda", args=[world.meeting.pk]),
        {"bottleneck": "Rewriting history", "version": agenda.version},
    )
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert agenda.bottleneck == "SECRET-BOTTLENECK text"


def test_it_records_revisions_through_the_agenda_page(world, draft):
    QuestionFactory(agenda=draft)
    client = world.client_for(world.scholar)
    url = reverse("agenda", args=[draft.meeting.pk])
    data = {
        "bottleneck": "Stuck on the loss",
        "tried": "Asked Priya",
        "wellbeing_visibility": "only_me",
        "version": draft.version,
    }
    assert client.post(url, data | {"action": "submit"}).status_code == 302
    revisions = list(draft.revisions.order_by("created_at", "pk"))
    assert [r.kind for r in revisions] == ["edit", "submit"]
    assert revisions[0].changes["bottleneck"]["new"] == "Stuck on the loss"


def _page(world, user, meeting):
    return world.client_for(user).get(reverse("agenda_revisions", args=[meeting.pk]))


def test_it_shows_the_scholar_every_change_as_a_word_diff(world, draft):
    _save(draft, bottleneck="New bottleneck", wellbeing_note="Tired")
    response = _page(world, world.scholar, draft.meeting)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>Old </del><ins>New </ins>bottleneck" in html
    assert "Tired" in html


def test_it_shows_the_mentor_only_changes_since_submission_without_the_check_in(world, draft):
    QuestionFactory(agenda=draft)
    _save(draft, asks="Draft-time wish")
    draft.refresh_from_db()
    agendas.submit(draft)
    _save(draft, bottleneck="Changed after submit", wellbeing_note="Very tired")
    html = _page(world, world.mentor, draft.meeting).content.decode()
    assert "Changed after submit" in html
    assert "Draft-time wish" not in html
    assert "Very tired" not in html
    assert "Submitted" in html


def test_it_hides_a_draft_agendas_history_from_the_mentor(world, draft):
    _save(draft, bottleneck="Draft text")
    assert _page(world, world.mentor, draft.meeting).status_code == 404


def test_it_shows_revisions_in_a_bounded_number_of_queries(
    world, draft, clock, django_assert_max_num_queries
):
    for i in range(20):
        _save(draft, bottleneck=f"Version {i}", asks=f"Ask {i}")
        clock.shift(timedelta(minutes=10))
    client = world.client_for(world.scholar)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("agenda_revisions", args=[draft.meeting.pk]))
    assert response.content.decode().count('class="revision"') == 20


def _question_changes(agenda) -> list[dict]:
    return [
        change
        for r in agenda.revisions.order_by("created_at", "pk")
        for key, change in r.changes.items()
        if key.startswith("question-")
    ]


def test_it_records_questions_added_reworded_and_removed(world, draft, clock):
    client = world.client_for(world.scholar)
    client.post(reverse("question_add", args=[draft.meeting.pk]), {"text": "Is 3 seeds enough?"})
    question = draft.questions.get()
    clock.shift(timedelta(minutes=10))
    client.post(reverse("question_edit", args=[question.pk]), {"text": "Are 5 seeds enough?"})
    clock.shift(timedelta(minutes=10))
    client.post(reverse("question_delete", args=[question.pk]))
    assert _question_changes(draft) == [
        {"old": "", "new": "Is 3 seeds enough?"},
        {"old": "Is 3 seeds enough?", "new": "Are 5 seeds enough?"},
        {"old": "Are 5 seeds enough?", "new": ""},
    ]
    assert {r.author for r in draft.revisions.all()} == {world.scholar}
    html = _page(world, world.scholar, draft.meeting).content.decode()
    assert "<dt>Question</dt>" in html
    assert "<del>Is 3 </del><ins>Are 5 </ins>seeds enough?" in html


def test_it_does_not_record_a_mentors_answer_as_an_agenda_edit(world):
    before = world.agenda.revisions.count()
    question = world.agenda.questions.get()
    world.client_for(world.mentor).post(
        reverse("question_answer", args=[question.pk]), {"answer": "Yes.", "status": "answered"}
    )
    question.refresh_from_db()
    assert question.answer == "Yes."
    assert world.agenda.revisions.count() == before


def test_it_deletes_a_meeting_with_its_questions_without_recording_anything(world, draft):
    QuestionFactory(agenda=draft)
    meeting_id = draft.meeting_id
    draft.meeting.delete()
    assert not AgendaRevision.objects.filter(agenda__meeting_id=meeting_id).exists()
    assert not Agenda.objects.filter(meeting_id=meeting_id).exists()
