"""Issue 4: every new URL for every role (anon → log in; anyone outside the pair → 404)."""

import pytest
from django.urls import reverse

from meetings.models import Annotation, MentorPrivateNote, Question
from tests.factories import AnnotationFactory

ROLES = [
    "anon",
    "scholar",
    "mentor",
    "other_scholar",
    "other_mentor",
    "staff",
    "other_staff",
    "outsider",
    "manager",
]


def _client(world, role):
    return world.client_for(None if role == "anon" else getattr(world, role))


def _expected(role, allowed):
    if role == "anon":
        return 302
    return "ok" if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_it_scopes_every_mentor_write(world, role):
    q = world.agenda.questions.get()
    note = AnnotationFactory(agenda=world.agenda, body="ORIGINAL")
    client = _client(world, role)
    posts = {
        reverse("annotation_add", args=[world.meeting.pk]): {"body": "new", "section": "asks"},
        reverse("annotation_edit", args=[note.pk]): {"body": "changed"},
        reverse("question_answer", args=[q.pk]): {"answer": "an answer"},
        reverse("question_status", args=[q.pk]): {"status": "resolved"},
        reverse("private_note_save", args=[world.scholar.pk]): {"text": "private"},
        reverse("action_add", args=[world.meeting.pk]): {"text": "do it", "owner": "scholar"},
        reverse("note_add", args=[world.meeting.pk]): {"kind": "note", "body": "note"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        expected = _expected(role, {"mentor"})
        if expected == "ok":
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == expected, url
    if role != "mentor":
        note.refresh_from_db()
        q.refresh_from_db()
        assert note.body == "ORIGINAL"
        assert Annotation.objects.count() == 1
        assert q.status == Question.Status.OPEN
        assert not MentorPrivateNote.objects.exists()
    # delete last: it removes the comment
    response = client.post(reverse("annotation_delete", args=[note.pk]))
    assert response.status_code == (302 if role in ("anon", "mentor") else 404)


@pytest.mark.parametrize("role", ROLES)
def test_it_scopes_the_brief_partials(world, role):
    response = _client(world, role).get(
        reverse("brief", args=[world.meeting.pk]) + "?part=actions", HTTP_HX_REQUEST="true"
    )
    expected = _expected(role, {"scholar", "mentor"})
    assert response.status_code == (200 if expected == "ok" else expected)
    if expected == "ok":
        assert b'id="actions"' in response.content and b"<html" not in response.content
        assert response["Vary"] and "HX-Request" in response["Vary"]


@pytest.mark.parametrize("role", ROLES)
def test_it_scopes_scheduling_pages(world, role):
    client = _client(world, role)
    response = client.get(reverse("meeting_reschedule", args=[world.meeting.pk]))
    expected = _expected(role, {"scholar", "mentor", "staff", "manager"})
    assert response.status_code == (200 if expected == "ok" else expected)
    response = client.get(reverse("series_new"))
    assert response.status_code == (302 if role == "anon" else 200)
