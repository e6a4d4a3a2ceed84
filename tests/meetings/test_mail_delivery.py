"""Mail is stored with the write and sent by the worker: a mail server that is down neither slows
the page nor loses the mail, and a retried mail goes exactly once.

These tests use the database task backend and a real SMTP server (aiosmtpd) on a free local port.
"""

import socket
import time
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.mail.backends.smtp import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.mail import MAX_ATTEMPTS
from meetings.agendas import domain as agendas
from meetings.models import Agenda, SentReminder
from meetings.notifications import send_notice
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory
from tests.worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Settings for a local SMTP server that is down until the test starts it."""
    port = _free_port()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_TIMEOUT = False, "", 5
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    yield controller, collector
    if controller._thread is not None:
        controller.stop()


@pytest.fixture
def connections(monkeypatch):
    """Every attempt to open an SMTP connection, whether it succeeds or not."""
    attempts = []
    real_open = EmailBackend.open

    def spy(self):
        attempts.append(timezone.now())
        return real_open(self)

    monkeypatch.setattr(EmailBackend, "open", spy)
    return attempts


@pytest.fixture
def draft(world):
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=agenda)
    return agenda


def _submit_through_the_page(world, agenda):
    fields = {
        name: getattr(agenda, name) or ""
        for name in [*Agenda.SECTION_NAMES, *Agenda.CHECKIN_FIELDS]
    }
    return world.client_for(world.scholar).post(
        reverse("agenda", args=[agenda.meeting_id]),
        {**fields, "version": agenda.version, "action": "submit"},
    )


def test_it_answers_at_once_while_smtp_is_down_and_sends_once_when_it_is_back(
    world, draft, smtp, connections
):
    controller, collector = smtp
    started = time.monotonic()
    response = _submit_through_the_page(world, draft)
    assert response.status_code == 302, response.content
    assert time.monotonic() - started < 2
    assert Agenda.objects.get(pk=draft.pk).status == Agenda.Status.SUBMITTED
    assert connections == []  # the request stored the mail; it did not try to send it
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY

    run_worker()  # the server is down: the send fails and is queued again, later
    assert len(connections) == 1
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.FAILED
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    assert not SentReminder.objects.exists()  # the claim was released

    run_worker()  # not due yet: nothing is tried
    assert len(connections) == 1

    controller.start()
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=False):
        run_worker()
        run_worker()
    assert len(collector.messages) == 1
    assert collector.messages[0].rcpt_tos == [world.mentor.email]
    assert b"submitted" in collector.messages[0].content.lower()
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert SentReminder.objects.count() == 1

    # The same notice queued again (a duplicate task) finds its claim and sends nothing.
    send_notice.enqueue(*retry.args_kwargs["args"])
    run_worker()
    assert len(collector.messages) == 1


def test_it_stores_no_mail_for_a_write_that_is_rolled_back(world, draft, smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert agendas.submit(draft)
        assert DBTaskResult.objects.count() == 1  # stored with the write…
        raise RuntimeError("the request fails after the submit")
    assert not DBTaskResult.objects.exists()  # …and gone with it
    assert Agenda.objects.get(pk=draft.pk).status == Agenda.Status.DRAFT
    # The same submit, committed, keeps its mail.
    agendas.submit(Agenda.objects.get(pk=draft.pk))
    assert DBTaskResult.objects.count() == 1


def test_it_backs_off_doubling_the_wait_and_gives_up_after_the_last_attempt(
    world, smtp, connections
):
    args = ("brief_unread", world.meeting.pk, world.mentor.pk, "")
    delays = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = timezone.now()
        with pytest.raises(OSError):
            send_notice.call(*args, attempt=attempt)
        queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if attempt < MAX_ATTEMPTS:
            retry = queued.get()
            assert retry.args_kwargs["kwargs"] == {"attempt": attempt + 1}
            delays.append(round((retry.run_after - before).total_seconds() / 60))
            retry.delete()
        else:
            assert not queued.exists()  # given up
    assert delays == [1, 2, 4, 8, 16, 32, 64]
    assert len(connections) == MAX_ATTEMPTS
    assert not SentReminder.objects.exists()


def test_it_sends_an_invitation_through_the_worker_once_smtp_is_back(world, smtp, connections):
    controller, collector = smtp
    response = world.client_for(world.staff).post(
        reverse("program_people", args=[world.program.slug]),
        {"email": "newcomer@example.org", "role": "scholar"},
    )
    assert response.status_code == 302
    assert connections == []
    run_worker()  # down: fails, queued again
    assert len(connections) == 1
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    controller.start()
    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=False):
        run_worker()
        run_worker()
    assert [m.rcpt_tos for m in collector.messages] == [["newcomer@example.org"]]
    assert b"/accounts/invite/" in collector.messages[0].content
