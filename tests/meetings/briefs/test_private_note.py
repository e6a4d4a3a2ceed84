"""A mentor's private note on a scholar is seen only by that mentor."""

import pytest
from django.urls import reverse

from meetings.models import MentorPrivateNote
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    MentorPrivateNoteFactory,
    MentorshipFactory,
)


def test_it_saves_the_mentors_private_note_inline(world):
    url = reverse("private_note_save", args=[world.scholar.pk])
    response = world.htmx_client_for(world.mentor).post(url, {"text": "PRIVATE-NOTE tired lately"})
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    note = MentorPrivateNote.objects.get()
    assert note.mentor == world.mentor and note.scholar == world.scholar
    world.client_for(world.mentor).post(url, {"text": "PRIVATE-NOTE v2"})
    assert MentorPrivateNote.objects.get().text == "PRIVATE-NOTE v2"


@pytest.mark.parametrize("role", ["scholar", "other_mentor", "staff", "manager", "outsider"])
def test_it_refuses_a_private_note_from_anyone_but_the_scholars_mentor(world, role):
    url = reverse("private_note_save", args=[world.scholar.pk])
    response = world.client_for(getattr(world, role)).post(url, {"text": "x"})
    assert response.status_code == 404
    assert not MentorPrivateNote.objects.exists()


@pytest.mark.parametrize("role", ["scholar", "other_mentor", "staff", "manager"])
def test_it_never_shows_the_private_note_to_anyone_else(world, role):
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="PRIVATE-NOTE text")
    client = world.client_for(getattr(world, role))
    for url in [
        reverse("brief", args=[world.meeting.pk]),
        reverse("history", args=[world.scholar.pk]),
        reverse("home"),
    ]:
        assert b"PRIVATE-NOTE" not in client.get(url).content


def test_it_shows_a_second_mentor_only_their_own_note(world):
    second = MentorshipFactory(program=world.program, scholar=world.scholar).mentor
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="PRIVATE-NOTE first")
    html = world.client_for(second).get(reverse("history", args=[world.scholar.pk])).content
    assert b"PRIVATE-NOTE first" not in html
    assert b"Your private note" in html


def test_it_shows_the_mentor_their_note_on_brief_and_history(world):
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="PRIVATE-NOTE mine")
    client = world.client_for(world.mentor)
    assert b"PRIVATE-NOTE mine" in client.get(reverse("brief", args=[world.meeting.pk])).content
    assert b"PRIVATE-NOTE mine" in client.get(reverse("history", args=[world.scholar.pk])).content


def test_it_shows_the_mentor_their_note_on_a_brief_not_yet_submitted(world):
    """Without an agenda the mentor may see (a draft), the note is still shown."""
    MentorPrivateNoteFactory(
        mentor=world.mentor, scholar=world.scholar, text="PRIVATE-NOTE on a draft"
    )
    draft_meeting = MeetingFactory(mentorship=world.mentorship)
    AgendaFactory(meeting=draft_meeting, bottleneck="DRAFT-ONLY bottleneck")
    html = world.client_for(world.mentor).get(reverse("brief", args=[draft_meeting.pk])).content
    assert b"PRIVATE-NOTE on a draft" in html
    assert b"Last saved" in html
    assert b"DRAFT-ONLY" not in html


def test_it_shows_the_history_of_a_scholar_without_meetings(world):
    """A scholar without meetings still has a history page, with the mentor's note."""
    pair = MentorshipFactory(program=world.program)
    MentorPrivateNoteFactory(mentor=pair.mentor, scholar=pair.scholar, text="PRIVATE-NOTE x")
    response = world.client_for(pair.mentor).get(reverse("history", args=[pair.scholar.pk]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert response.context["entries"] == []
    assert b"PRIVATE-NOTE x" in response.content


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_private_note_holding_a_nul_character_is_refused_with_a_message(world, htmx):
    """PostgreSQL cannot store NUL: the note is refused with why, the saved note unchanged and,
    with htmx, the typed text kept in the box."""
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="Saved before")
    url = reverse("private_note_save", args=[world.scholar.pk])
    client = world.client_for(world.mentor)
    response = (client.htmx if htmx else client).post(
        url, {"text": "Typed\x00 text"}, follow=not htmx
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "holds a NUL character, which cannot be saved" in html
    if htmx:
        assert "Typed" in html and "Saved before" not in html
    assert MentorPrivateNote.objects.get().text == "Saved before"
