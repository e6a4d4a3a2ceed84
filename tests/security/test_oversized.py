"""Oversized requests and over-long fields get a clear message, never a 500, and lose nothing."""

import pytest
from django.urls import reverse

from meetings.models import Agenda


def test_it_refuses_an_oversized_request_with_a_friendly_413(sec, settings):
    client = sec.client_for(sec.scholar)
    before = Agenda.objects.get(pk=sec.agenda.pk)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        reverse("agenda", args=[sec.meeting.pk]),
        {"bottleneck": huge, "version": before.version},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "too much to send at once" in html
    assert "Nothing was saved" in html
    after = Agenda.objects.get(pk=sec.agenda.pk)
    assert (after.bottleneck, after.version) == (before.bottleneck, before.version)


def test_it_refuses_too_many_fields_with_the_same_page(sec, settings):
    client = sec.client_for(sec.scholar)
    data = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("agenda", args=[sec.meeting.pk]), data)
    assert response.status_code == 413
    assert "too much to send at once" in response.content.decode()


def test_it_keeps_an_over_long_agenda_field_in_the_form_with_an_error(sec):
    client = sec.client_for(sec.scholar)
    text = "b" * 1001
    response = client.post(
        reverse("agenda", args=[sec.meeting.pk]),
        {"bottleneck": text, "version": sec.agenda.version, "wellbeing_visibility": "only_me"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value has at most 1000 characters (it has 1001)." in html
    assert text in html  # nothing the scholar typed is lost
    assert Agenda.objects.get(pk=sec.agenda.pk).bottleneck == "SECRET-BOTTLENECK text"


def test_it_explains_an_over_long_question(sec):
    client = sec.client_for(sec.scholar)
    response = client.htmx.post(reverse("question_add", args=[sec.meeting.pk]), {"text": "q" * 501})
    assert response.status_code == 200
    assert "at most 500 characters" in response.content.decode()
    assert sec.agenda.questions.count() == 1


def test_it_explains_an_over_long_display_name(sec):
    client = sec.client_for(sec.scholar)
    response = client.post(
        reverse("settings"),
        {"display_name": "n" * 121, "email": "a@example.org", "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert "at most 120 characters" in response.content.decode()


@pytest.mark.parametrize(
    "url_name,data,limit",
    [
        ("annotation_add", {"body": "c" * 4001, "section": "general"}, 4000),
        ("action_add", {"text": "a" * 301, "owner": "scholar"}, 300),
        ("note_add", {"body": "n" * 4001, "kind": "note"}, 4000),
    ],
)
def test_it_tells_the_mentor_why_an_over_long_text_was_refused(sec, url_name, data, limit):
    client = sec.client_for(sec.mentor)
    response = client.post(reverse(url_name, args=[sec.meeting.pk]), data, follow=True)
    assert response.status_code == 200
    assert f"at most {limit} characters" in response.content.decode()


def test_it_tells_the_mentor_why_an_over_long_answer_was_refused(sec):
    client = sec.client_for(sec.mentor)
    response = client.post(
        reverse("question_answer", args=[sec.question.pk]),
        {"answer": "a" * 4001, "status": "answered"},
        follow=True,
    )
    assert response.status_code == 200
    assert "at most 4000 characters" in response.content.decode()


def test_it_still_says_a_comment_needs_text_when_it_is_empty(sec):
    client = sec.client_for(sec.mentor)
    response = client.post(
        reverse("annotation_add", args=[sec.meeting.pk]), {"body": ""}, follow=True
    )
    assert "A comment needs some text." in response.content.decode()
