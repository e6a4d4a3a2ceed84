"""The mentor's brief: only the triage moves that follow from a question's state (others
refused with a message), controls that are buttons, and the note form laid out label above field."""

import re

import pytest
from django.urls import reverse

from meetings.models import Question

# --- The brief: triage moves, buttons, note form ---------------------------------------------


def _triage(html: str, question: Question) -> list[str]:
    item = html[html.index(f'<li id="q{question.pk}"') :]
    item = item[: item.index("</li>")]
    if '<div class="triage' not in item:
        return []
    triage = item[item.index('<div class="triage') :]
    return re.findall(r'<button type="submit" class="chip">([^<]+)</button>', triage)


@pytest.mark.parametrize(
    ("status", "answer", "moves"),
    [
        ("open", "", ["Mark discussed", "Mark resolved"]),
        ("answered", "In writing.", ["Mark discussed", "Mark resolved"]),
        ("discussed", "", ["Mark resolved", "Reopen"]),
        ("resolved", "", ["Reopen"]),
    ],
)
def test_the_brief_offers_only_the_moves_that_follow_from_a_questions_state(
    world, status, answer, moves
):
    question = world.agenda.questions.get()
    Question.objects.filter(pk=question.pk).update(status=status, answer=answer)
    html = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk])).text
    assert _triage(html, question) == moves


def test_the_mentor_is_told_why_a_move_is_refused_and_nothing_changes(world):
    question = world.agenda.questions.get()
    Question.objects.filter(pk=question.pk).update(status="answered", answer="In writing.")
    client = world.client_for(world.mentor)
    url = reverse("question_status", args=[question.pk])
    response = client.htmx.post(url, {"status": "open"})
    assert response.status_code == 200
    assert (
        "This question is answered in writing: it can only be marked discussed or marked "
        "resolved." in response.text
    )
    assert _triage(response.text, question) == ["Mark discussed", "Mark resolved"]
    response = client.post(url, {"status": "open"}, follow=True)  # without JavaScript
    assert response.status_code == 200
    assert "it can only be marked discussed" in response.text
    assert Question.objects.get(pk=question.pk).status == "answered"


def test_the_brief_buttons_are_buttons(world):
    html = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk])).text
    button = '<summary role="button" class="outline secondary small">'
    assert f"{button}Comment</summary>" in html
    assert f"{button}Comment on this question</summary>" in html
    assert f"{button}Answer in writing</summary>" in html


def test_the_note_form_puts_each_label_above_its_field(world):
    html = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk])).text
    form = html[html.index('class="no-print stacked-form note-form"') :]
    form = form[: form.index("</form>")]
    order = [form.index(s) for s in ('for="id_note_kind"', 'id="id_note_kind"')]
    order += [form.index(s) for s in ('for="id_note_body"', 'id="id_note_body"')]
    assert order == sorted(order)
    assert '<div class="button-row"><button type="submit"' in form
    assert "grid-inline" not in form
