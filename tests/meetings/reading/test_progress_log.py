"""The progress log: one-line wins from the home page, pre-filled into the next agenda's
progress section, seen by the scholar and their mentors only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, ProgressLine
from tests.factories import MeetingFactory, ProgressLineFactory


def _jot(client, text, htmx=True):
    return (client.htmx if htmx else client).post(reverse("progress_add"), {"text": text})


def test_the_scholar_jots_a_line_from_home_and_it_is_appended(world):
    client = world.client_for(world.scholar)
    response = _jot(client, "  Found the   loader bug ")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="progress-log"' in html and "Found the loader bug" in html and "<html" not in html
    assert ProgressLine.objects.get().text == "Found the loader bug"
    home = client.get(reverse("home")).content.decode()
    assert "Found the loader bug" in home and 'action="/progress/add/"' in home


def test_an_empty_line_is_refused_with_a_message(world):
    client = world.client_for(world.scholar)
    response = _jot(client, "   ")
    assert "Write the win or finding in one line." in response.content.decode()
    plain = _jot(client, "", htmx=False)
    assert plain.status_code == 302
    assert not ProgressLine.objects.exists()


def test_the_scholar_deletes_a_line_and_nobody_else_can(world):
    line = ProgressLineFactory(scholar=world.scholar, text="mine")
    url = reverse("progress_delete", args=[line.pk])
    assert world.client_for(world.mentor).post(url).status_code == 404
    assert world.client_for(world.other_scholar).post(url).status_code == 404
    assert world.client_for(world.scholar).post(url).status_code == 302
    assert not ProgressLine.objects.exists()


def test_a_new_agenda_starts_from_the_lines_since_the_last_submitted_one(world):
    # the world's agenda was submitted two days before its meeting
    submitted = world.agenda.submitted_at
    ProgressLineFactory(scholar=world.scholar, text="BEFORE", created_at=submitted - timedelta(1))
    ProgressLineFactory(
        scholar=world.scholar, text="First win", created_at=submitted + timedelta(hours=1)
    )
    ProgressLineFactory(
        scholar=world.scholar, text="Second win", created_at=submitted + timedelta(hours=2)
    )
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(9)
    )
    client = world.client_for(world.scholar)
    html = client.get(reverse("agenda", args=[meeting.pk])).content.decode()
    agenda = Agenda.objects.get(meeting=meeting)
    assert agenda.progress == "- First win\n- Second win"
    assert "- First win" in html
    # the scholar edits it; opening the agenda again does not fill it again
    Agenda.objects.filter(pk=agenda.pk).update(progress="")
    client.get(reverse("agenda", args=[meeting.pk]))
    assert Agenda.objects.get(pk=agenda.pk).progress == ""


def test_a_new_agenda_without_lines_starts_empty(world):
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(9)
    )
    world.client_for(world.scholar).get(reverse("agenda", args=[meeting.pk]))
    assert Agenda.objects.get(meeting=meeting).progress == ""


@pytest.mark.parametrize("role", ["other_scholar", "other_mentor", "staff", "manager", "outsider"])
def test_only_the_scholar_and_their_mentors_see_the_log(world, role):
    ProgressLineFactory(scholar=world.scholar, text="PROGRESS-SENTINEL")
    client = world.client_for(getattr(world, role))
    for url in [
        reverse("home"),
        reverse("history", args=[world.scholar.pk]),
        reverse("my_data_export"),
    ]:
        assert b"PROGRESS-SENTINEL" not in client.get(url).content, url
    mentor_page = world.client_for(world.mentor).get(reverse("reading", args=[world.scholar.pk]))
    assert b"PROGRESS-SENTINEL" in mentor_page.content


def test_a_mentor_only_person_cannot_jot(world):
    assert _jot(world.client_for(world.mentor), "x").status_code == 404
    assert not ProgressLine.objects.exists()
