"""Answering and triage set a question's state in one place; `next` is followed only on-site."""

import pytest
from django.urls import reverse

from meetings.models import Question
from tests.factories import ActionItemFactory


@pytest.mark.parametrize("htmx", [True, False])
def test_it_refuses_to_let_the_mentor_drop_a_question(world, htmx):
    question = world.agenda.questions.get()
    client = world.client_for(world.mentor)
    response = (client.htmx if htmx else client).post(
        reverse("question_answer", args=[question.pk]),
        {"answer": "Never mind", "status": "dropped"},
    )
    assert response.status_code == (200 if htmx else 302)
    question.refresh_from_db()
    assert question.status == Question.Status.OPEN and question.answer == ""
    if htmx:
        assert "could not be saved" in response.content.decode()


def test_it_keeps_an_answered_question_answered_when_the_mentor_reopens_it(world):
    question = world.agenda.questions.get()
    client = world.client_for(world.mentor)
    client.post(
        reverse("question_answer", args=[question.pk]), {"answer": "Yes.", "status": "open"}
    )
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.is_answered
    client.post(reverse("question_status", args=[question.pk]), {"status": "resolved"})
    client.post(reverse("question_status", args=[question.pk]), {"status": "open"})
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    response = client.htmx.post(
        reverse("question_status", args=[question.pk]), {"status": "dropped"}
    )
    assert "it can only be marked discussed or marked resolved" in response.content.decode()
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED


def test_it_answers_404_for_a_question_the_scholar_dropped(world):
    question = world.agenda.questions.get()
    Question.objects.filter(pk=question.pk).update(status=Question.Status.DROPPED)
    response = world.htmx_client_for(world.mentor).post(
        reverse("question_answer", args=[question.pk]), {"answer": "Late"}
    )
    assert response.status_code == 404


OFF_SITE = [
    "//evil.example/",
    "/\\evil.example/",
    "https://evil.example/",
    "http://testserver/brief",  # on this host, but not a path: refused all the same
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_it_never_follows_a_next_off_the_site(world, target):
    item = ActionItemFactory(mentorship=world.mentorship)
    client = world.client_for(world.mentor)
    response = client.post(reverse("action_toggle", args=[item.pk]), {"done": "1", "next": target})
    assert response.url == reverse("home")
    response = client.post(
        reverse("private_note_save", args=[world.scholar.pk]), {"text": "x", "next": target}
    )
    assert response.url == reverse("history", args=[world.scholar.pk])


def test_it_follows_a_next_on_the_site(world):
    item = ActionItemFactory(mentorship=world.mentorship)
    back = reverse("brief", args=[world.meeting.pk]) + "#actions"
    client = world.client_for(world.mentor)
    response = client.post(reverse("action_toggle", args=[item.pk]), {"done": "1", "next": back})
    assert response.url == back
    response = client.post(
        reverse("private_note_save", args=[world.scholar.pk]), {"text": "x", "next": back}
    )
    assert response.url == back
