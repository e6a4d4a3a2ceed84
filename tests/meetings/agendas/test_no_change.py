"""An edit of spaces alone is no update of the brief; a refused save says why in words that fit
a submitted brief."""

import pytest
from django.core import mail
from django.urls import reverse

from meetings.agendas import domain as agendas
from meetings.models import Agenda, AgendaRevision


def _autosave(client, agenda, **fields):
    data = {"version": agenda.version, **fields}
    return client.htmx.post(reverse("agenda_autosave", args=[agenda.meeting_id]), data)


@pytest.mark.parametrize(
    "typed",
    [
        "SECRET-BOTTLENECK text ",  # a trailing space
        "SECRET-BOTTLENECK  text",  # two spaces between words
        "SECRET-BOTTLENECK text\r\n\r\n",  # the browser's line ends, an empty line
    ],
)
def test_spaces_alone_are_no_update_of_a_submitted_brief(
    world, typed, django_capture_on_commit_callbacks
):
    before = Agenda.objects.get(pk=world.agenda.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = _autosave(world.client_for(world.scholar), before, bottleneck=typed)
    assert response.status_code == 200
    after = Agenda.objects.get(pk=world.agenda.pk)
    assert not after.is_updated  # no "Updated" badge
    assert after.version == before.version
    assert not AgendaRevision.objects.filter(agenda=after).exists()
    assert mail.outbox == []
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    assert "updated their brief" not in brief.content.decode()


def test_a_changed_word_still_updates_the_brief(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _autosave(
            world.client_for(world.scholar), world.agenda, bottleneck="SECRET-BOTTLENECK texts"
        )
    assert response.status_code == 200
    assert Agenda.objects.get(pk=world.agenda.pk).is_updated
    assert len(mail.outbox) == 1


def test_a_full_save_of_spaces_alone_says_nothing_changed(world):
    agenda = world.agenda
    response = world.client_for(world.scholar).post(
        reverse("agenda", args=[agenda.meeting_id]),
        {
            **{name: getattr(agenda, name) for name in Agenda.SECTION_NAMES},
            "version": agenda.version,
            "bottleneck": agenda.bottleneck + "   ",
            "wellbeing_visibility": agenda.wellbeing_visibility,
        },
        follow=True,
    )
    assert "Nothing changed in the brief." in response.content.decode()
    assert not Agenda.objects.get(pk=agenda.pk).is_updated


def test_a_question_reworded_by_spaces_alone_is_no_update(world):
    question = world.agenda.questions.first()
    agendas.edit_question(question, question.text + "  ", world.scholar)
    assert not Agenda.objects.get(pk=world.agenda.pk).is_updated
    assert not AgendaRevision.objects.filter(agenda=world.agenda).exists()


def test_clearing_a_submitted_bottleneck_is_refused_in_words_for_a_submitted_brief(world):
    response = _autosave(world.client_for(world.scholar), world.agenda, bottleneck="")
    assert response.status_code == 422
    text = response.content.decode()
    assert "Not saved" in text and "already has this brief" in text
    assert "before submitting" not in text
    # Typed back, the same text saves and the page is told so (the refusal goes).
    again = _autosave(
        world.client_for(world.scholar), world.agenda, bottleneck="SECRET-BOTTLENECK text"
    )
    assert again.status_code == 200 and "Saved" in again.content.decode()
