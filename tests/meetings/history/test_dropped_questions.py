"""A question the scholar dropped is not a question for the mentor: no page shows it, not the
brief, meeting mode, the report, the history nor its search (one definition:
Question.objects.for_mentor)."""

import json

import pytest
from django.urls import reverse

from meetings.models import HelpAsked, Meeting, Question
from tests.factories import AgendaFactory, HelpAskedFactory, MeetingFactory, QuestionFactory

DROPPED = "DROPPED-BEFORE-SUBMISSION which seed?"


@pytest.fixture
def dropped(world):
    return QuestionFactory(agenda=world.agenda, text=DROPPED, status=Question.Status.DROPPED)


@pytest.mark.parametrize("who", ["scholar", "mentor"])
def test_the_history_page_and_its_search_leave_out_a_dropped_question(world, dropped, who):
    client = world.client_for(getattr(world, who))
    history = client.get(reverse("history", args=[world.scholar.pk])).content.decode()
    assert "DROPPED-BEFORE-SUBMISSION" not in history
    assert world.agenda.questions.exclude(pk=dropped.pk).first().text in history
    url = reverse("history_search", args=[world.scholar.pk])
    found = client.get(url, {"q": "SUBMISSION"}).content.decode()
    assert "which seed" not in found


def test_every_page_agrees_on_the_questions_a_mentor_sees(world, dropped):
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    client = world.client_for(world.mentor)
    for url in [
        reverse("brief", args=[world.meeting.pk]),
        reverse("history", args=[world.scholar.pk]),
    ]:
        assert "DROPPED-BEFORE-SUBMISSION" not in client.get(url).content.decode(), url
    assert dropped not in Question.objects.for_mentor()


def test_a_peer_named_in_a_draft_is_not_counted_in_their_data(world):
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    HelpAskedFactory(agenda=draft, kind=HelpAsked.Kind.PEER, peer=world.other_scholar)
    client = world.client_for(world.other_scholar)
    data = json.loads(client.get(reverse("my_data_export")).content)
    assert data["times_named_by_a_peer_as_someone_asked"] == 0  # as the home page: not yet
    HelpAskedFactory(agenda=world.agenda, kind=HelpAsked.Kind.PEER, peer=world.other_scholar)
    data = json.loads(client.get(reverse("my_data_export")).content)
    assert data["times_named_by_a_peer_as_someone_asked"] == 1
