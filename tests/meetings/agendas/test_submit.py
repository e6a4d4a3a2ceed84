"""Submitting an agenda: the rules are the submit's own, one submit wins, and the writes call
their side effects (revision, mail) themselves."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.agendas import domain as agendas
from meetings.models import Agenda, AgendaRevision
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory


@pytest.fixture
def draft(world):
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=agenda)
    return agenda


def _refusal(agenda) -> dict:
    with pytest.raises(ValidationError) as refused:
        agendas.submit(agenda)
    assert Agenda.objects.get(pk=agenda.pk).status == Agenda.Status.DRAFT
    assert not agenda.revisions.filter(kind=AgendaRevision.Kind.SUBMIT).exists()
    return refused.value.message_dict


def test_it_refuses_to_submit_without_a_bottleneck(draft):
    draft.bottleneck = "  "
    assert list(_refusal(draft)) == ["bottleneck"]


def test_it_refuses_to_submit_without_a_question(draft):
    draft.questions.all().delete()
    assert list(_refusal(draft)) == ["questions"]


def test_it_refuses_last_times_bottleneck_with_nothing_tried(world, draft):
    world.meeting.scheduled_at = timezone.now() - timedelta(days=7)
    world.meeting.save()
    draft.bottleneck, draft.tried = "secret-BOTTLENECK text", ""
    assert list(_refusal(draft)) == ["tried"]


def test_it_records_one_submission_of_three_at_once(
    world, draft, django_capture_on_commit_callbacks
):
    # Three requests that each loaded the draft before any of them wrote.
    tabs = [Agenda.objects.get(pk=draft.pk) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        results = [agendas.submit(tab) for tab in tabs]
    assert results == [True, False, False]
    assert draft.revisions.filter(kind=AgendaRevision.Kind.SUBMIT).count() == 1
    assert Agenda.objects.get(pk=draft.pk).version == draft.version + 1
    assert [m.to for m in mail.outbox] == [[world.mentor.email]]


def test_it_stores_the_mentors_mail_with_the_submit(world, draft, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    agendas.submit(draft)
    assert mail.outbox == []  # the worker sends it (tests/meetings/test_mail_delivery.py)
    task = DBTaskResult.objects.get()
    assert task.task_path == "meetings.notifications.send_notice"
    assert task.args_kwargs["args"][:3] == ["brief_submitted", draft.meeting_id, world.mentor.pk]


def test_it_records_question_edits_from_the_functions_that_write_them(world, draft):
    question = agendas.add_question(draft, "Three seeds?", world.scholar)
    agendas.edit_question(question, "Five seeds?", world.scholar)
    changes = draft.revisions.get().changes  # one burst
    assert changes == {f"question-{question.pk}": {"old": "", "new": "Five seeds?"}}


def test_it_records_nothing_for_a_question_saved_outside_the_agenda(draft):
    question = QuestionFactory(agenda=draft, text="Written by a fixture")
    question.text = "Changed by hand"
    question.save()
    question.delete()
    assert not draft.revisions.exists()
