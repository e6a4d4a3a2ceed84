"""The autosave: few queries, partial posts, and the check-in kept from the mentor."""

from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from meetings.models import Agenda
from tests.factories import AgendaFactory, MeetingFactory


def _post(client, agenda, **fields):
    data = {"version": agenda.version, **fields}
    return client.htmx.post(reverse("agenda_autosave", args=[agenda.meeting_id]), data)


def test_it_saves_a_draft_in_six_queries(world, django_assert_num_queries):
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    client = world.client_for(world.scholar)
    # session, user, the agenda with its meeting and pair, the versioned update, and the
    # revision (the burst's last one, then the new or merged row)
    with django_assert_num_queries(6):
        response = _post(client, draft, progress="Typed")
    assert response.status_code == 200
    # A changed bottleneck: one more, the pair's earlier bottlenecks for the stuck prompt.
    saved = Agenda.objects.get(pk=draft.pk)
    with django_assert_num_queries(7):
        response = _post(client, saved, bottleneck="Typed")
    assert response.status_code == 200
    assert Agenda.objects.get(pk=draft.pk).bottleneck == "Typed"


def test_it_saves_a_submitted_agenda_in_eight_queries(world, settings, django_assert_num_queries):
    # The database backend, as outside the tests: the mail is a stored task, not sent inline.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = world.client_for(world.scholar)
    # The draft's six, and two for the mentor's "updated" mail, queued in the same transaction:
    # the mentor's last read of the brief (one mail per read) and the stored task.
    with django_assert_num_queries(8):
        response = _post(client, world.agenda, progress="A new result")
    assert response.status_code == 200
    stored = Agenda.objects.get(pk=world.agenda.pk)
    assert stored.progress == "A new result" and stored.is_updated
    assert DBTaskResult.objects.count() == 1
    assert mail.outbox == []


def test_it_keeps_the_fields_a_partial_post_leaves_out(world):
    before = Agenda.objects.get(pk=world.agenda.pk)
    response = _post(world.client_for(world.scholar), before, asks="Only this")
    assert response.status_code == 200
    after = Agenda.objects.get(pk=world.agenda.pk)
    assert after.asks == "Only this"
    for name in ["bottleneck", "tried", "progress", "reading", "wellbeing_visibility"]:
        assert getattr(after, name) == getattr(before, name)


def test_it_keeps_a_check_in_change_from_the_mentor(world, django_capture_on_commit_callbacks):
    agenda = world.agenda
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            world.client_for(world.scholar),
            agenda,
            wellbeing_energy="2",
            wellbeing_note="A rough week",
        )
    assert response.status_code == 200
    stored = Agenda.objects.get(pk=agenda.pk)
    assert stored.wellbeing_note == "A rough week"
    assert not stored.is_updated
    assert stored.updated_at == agenda.updated_at
    assert mail.outbox == []
