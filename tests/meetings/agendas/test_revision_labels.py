"""The "Changes" page in the agenda form's words: field labels as written, choices by their
names, and a reorder of the questions as the list before and after."""

import pytest
from django.urls import reverse

from meetings.agendas import domain as agendas
from meetings.agendas.revisions import rows_for
from meetings.models import Meeting
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    SubmittedAgendaFactory,
)

# --- The "Changes" page ----------------------------------------------------------------------


@pytest.fixture
def reordered(world):
    agenda = agendas.start(MeetingFactory(mentorship=world.mentorship))
    first = agendas.add_question(agenda, "First question?", world.scholar)
    second = agendas.add_question(agenda, "Second question?", world.scholar)
    agenda.refresh_from_db()
    agendas.reorder_questions(agenda, [second.pk, first.pk], world.scholar)
    agenda.refresh_from_db()
    agendas.save_fields(
        agenda,
        {"bottleneck": "B", "tried": "T", "wellbeing_visibility": "mentors", "wellbeing_energy": 4},
        agenda.version,
        world.scholar,
    )
    agenda.refresh_from_db()
    agendas.submit(agenda, world.scholar)
    return agenda


def _rows(agenda, user) -> dict:
    rows = {}
    for revision in agenda.revisions.all():
        for row in rows_for(revision, user):
            rows.setdefault(row["field"], row)
    return rows


def test_changes_are_labelled_as_on_the_agenda_form(world, reordered):
    rows = _rows(reordered, world.scholar)
    assert rows["tried"]["label"] == "What I tried and whom I asked"
    assert rows["wellbeing_visibility"]["label"] == "Who may see your check-in"
    assert rows["question_order"]["label"] == "Order of questions"


def test_choices_show_their_names(world, reordered):
    rows = _rows(reordered, world.scholar)
    assert (rows["wellbeing_visibility"]["before"], rows["wellbeing_visibility"]["after"]) == (
        "Only me",
        "My mentors",
    )
    assert (rows["status"]["before"], rows["status"]["after"]) == ("Draft", "Submitted")
    assert (rows["wellbeing_energy"]["before"], rows["wellbeing_energy"]["after"]) == (
        "skipped",
        "4",
    )


def test_a_reorder_is_the_list_before_and_after(world, reordered):
    row = _rows(reordered, world.scholar)["question_order"]
    assert row["kind"] == "order"
    assert row["before"] == ["First question?", "Second question?"]
    assert row["after"] == ["Second question?", "First question?"]


def test_the_changes_page_shows_names_and_lists_not_raw_values(world, reordered):
    url = reverse("agenda_revisions", args=[reordered.meeting_id])
    html = world.client_for(world.scholar).get(url).text
    assert "<dt>What I tried and whom I asked</dt>" in html
    assert "What i tried" not in html
    assert "<del>Only me</del>" in html and "<ins>My mentors</ins>" in html
    assert "<del>Draft</del>" in html and "<ins>Submitted</ins>" in html
    assert "only_me" not in html and "draft →" not in html
    assert (
        "<ol><li>First question?</li><li>Second question?</li></ol>" in html
        and "<ol><li>Second question?</li><li>First question?</li></ol>" in html
    )


def test_the_mentor_sees_status_names_but_never_the_check_in(world, reordered):
    agendas.save_fields(
        reordered, {"wellbeing_visibility": "only_me"}, reordered.version, world.scholar
    )
    url = reverse("agenda_revisions", args=[reordered.meeting_id])
    html = world.client_for(world.mentor).get(url).text
    assert "<del>Draft</del>" in html
    assert "Who may see your check-in" not in html and "Only me" not in html


def test_a_held_meetings_changes_keep_their_names(world):
    meeting = MeetingFactory(mentorship=world.mentorship, status=Meeting.Status.HELD)
    agenda = SubmittedAgendaFactory(meeting=meeting)
    agenda.revisions.create(
        version=2, changes={"wellbeing_visibility": {"old": "manager", "new": "gone_value"}}
    )
    row = _rows(agenda, world.scholar)["wellbeing_visibility"]
    assert (row["before"], row["after"]) == ("My research manager", "gone_value")


def test_an_unranked_agenda_shows_no_question_lists(world):
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    agenda.revisions.create(version=2, changes={"question_order": {"old": "", "new": "1. Q?"}})
    row = _rows(agenda, world.scholar)["question_order"]
    assert (row["before"], row["after"]) == ([], ["Q?"])
