"""Slack messages go like mail: queued with the write, sent by the worker, claimed once, retried
with back-off after a failure and after Slack's Retry-After when rate limited, never blocking a
page; and each says no more than the mail of the same kind."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meetings import delivery, notifications
from meetings.models import Agenda, HelpAsked, SentReminder
from meetings.scheduling import invitations
from tests.factories import (
    AgendaFactory,
    HelpAskedFactory,
    MeetingFactory,
    MentorPrivateNoteFactory,
    QuestionFactory,
)
from tests.worker import run_worker

from .conftest import connect
from .notices import MENTOR_KINDS, SAYS, cause

SLACK = SentReminder.Channel.SLACK


@pytest.mark.django_db
def test_each_kind_reaches_its_recipient_once_with_a_link(world, fake_slack, mailoutbox):
    mentor = connect(fake_slack, world.mentor)
    scholar = connect(fake_slack, world.scholar)
    peer = connect(fake_slack, world.other_scholar)
    caused = {kind: cause(kind, world.mentorship) for kind in MENTOR_KINDS}
    cause("agenda_due", world.mentorship)
    cause("peer_asked", world.mentorship, peer=world.other_scholar)

    to_mentor = fake_slack.messages(mentor.slack_user_id)
    for kind, meeting in caused.items():
        found = [t for t in to_mentor if SAYS[kind] in t and f"/meetings/{meeting.pk}/" in t]
        assert len(found) == 1, (kind, to_mentor)
        assert "<https://mentorprep.example/" in found[0]  # links to the page
    # Naming a peer on a submitted agenda also updates the brief: the mentor is told that too.
    assert len(to_mentor) == len(MENTOR_KINDS) + 1
    assert [t for t in fake_slack.messages(scholar.slack_user_id) if SAYS["agenda_due"] in t]
    (asked,) = [t for t in fake_slack.messages(peer.slack_user_id) if SAYS["peer_asked"] in t]
    assert SAYS["peer_asked"] in asked and world.scholar.name in asked
    sent = SentReminder.objects.filter(channel=SLACK)
    assert set(sent.values_list("kind", flat=True)) >= {*MENTOR_KINDS, "agenda_due", "peer_asked"}
    # Mail went too (the default choice after connecting is both), the new kinds included.
    subjects = [m.subject for m in mailoutbox]
    assert any("Recap from" in s for s in subjects)
    assert any("listed you as someone they asked" in s for s in subjects)


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_with_back_off_and_never_blocks_the_page(
    world, fake_slack, db_tasks
):
    connection = connect(fake_slack, world.mentor)
    world.mentor.mail_brief_submitted = False  # Slack only: the worker's one task is the DM
    world.mentor.save()
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=agenda)
    fake_slack.fail_next(1, status=500)
    fields = {n: getattr(agenda, n) or "" for n in [*Agenda.SECTION_NAMES, *Agenda.CHECKIN_FIELDS]}
    response = world.client_for(world.scholar).post(
        reverse("agenda", args=[agenda.meeting_id]),
        {**fields, "version": agenda.version, "action": "submit"},
    )
    assert response.status_code == 302
    assert fake_slack.calls == []  # the page stored the message; the worker sends it
    queued = DBTaskResult.objects.get()

    run_worker()  # Slack answers 500: released, queued again a minute later
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.FAILED
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    assert not SentReminder.objects.exists()
    run_worker()  # not due yet
    assert fake_slack.messages() == []

    with time_machine.travel(retry.run_after + timedelta(seconds=1), tick=False):
        run_worker()
        run_worker()
    assert len(fake_slack.messages(connection.slack_user_id)) == 1
    assert SentReminder.objects.get().channel == SLACK


@pytest.mark.django_db(transaction=True)
def test_retry_after_is_honoured_without_sleeping(world, fake_slack, db_tasks):
    connection = connect(fake_slack, world.mentor)
    fake_slack.fail_next(1, status=429, retry_after=7)
    args = ("brief_unread", [world.meeting.pk], world.mentor.pk, "")
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        started = time.monotonic()
        with pytest.raises(Exception, match="ratelimited"):
            delivery.send_slack.call(*args)
        waited = time.monotonic() - started
    # One call, answered 429, and no second try inside the client (no sleeping in a worker).
    assert [c.status for c in fake_slack.calls] == [429]
    assert waited < 5
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after == now + timedelta(seconds=7)  # Slack's wait, not the back-off's
    with time_machine.travel(now + timedelta(seconds=6), tick=False):
        run_worker()
    assert fake_slack.messages() == []  # not before Slack said
    with time_machine.travel(now + timedelta(seconds=8), tick=False):
        run_worker()
    assert len(fake_slack.messages(connection.slack_user_id)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_message_queued_twice_goes_once(world, fake_slack, db_tasks):
    connection = connect(fake_slack, world.mentor)
    args = ("brief_unread", [world.meeting.pk], world.mentor.pk, "")
    delivery.send_slack.enqueue(*args)
    delivery.send_slack.enqueue(*args)
    run_worker()
    assert delivery.send_slack.call(*args) is False  # and once more, by hand
    assert len(fake_slack.messages(connection.slack_user_id)) == 1
    assert SentReminder.objects.filter(channel=SLACK).count() == 1
    # The mail of the same notice is claimed apart: Slack's claim does not stop it.
    assert notifications.send_notice.call("brief_unread", world.meeting.pk, world.mentor.pk, "")


@pytest.mark.django_db
def test_a_message_is_never_sent_outside_what_the_person_may_see(world, fake_slack):
    stranger = connect(fake_slack, world.other_mentor)
    # Not in the pair: no meeting notice.
    assert not delivery.send_slack.call("brief_unread", [world.meeting.pk], stranger.user_id, "")
    # Named as a peer on an entry of another agenda, or on a draft: no "you were asked".
    entry = HelpAskedFactory(agenda=world.agenda, kind=HelpAsked.Kind.PEER, peer=world.scholar)
    key = f"entry-{entry.pk}-{stranger.user_id}"
    assert not delivery.send_slack.call("peer_asked", [world.meeting.pk], stranger.user_id, key)
    assert fake_slack.messages() == []


SECRETS = {
    "bottleneck": "SECRET-BOTTLENECK",
    "decision": "SECRET-DECISION",
    "question": "SECRET-QUESTION",
    "checkin": "SECRET-CHECKIN",
    "private_note": "SECRET-PRIVATE-NOTE",
    "outcome": "SECRET-OUTCOME",
    "recap": "SECRET-RECAP",
}
NEVER = ("checkin", "private_note")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [*MENTOR_KINDS, "agenda_due", "peer_asked"])
def test_a_message_says_no_more_than_the_mail_of_its_kind(world, fake_slack, kind):
    recipient = world.other_scholar if kind == "peer_asked" else world.mentor
    if kind == "agenda_due":
        recipient = world.scholar
    connect(fake_slack, recipient)
    MentorPrivateNoteFactory(
        mentor=world.mentor, scholar=world.scholar, text=SECRETS["private_note"]
    )
    meeting = cause(kind, world.mentorship, peer=world.other_scholar)
    # Every piece of private text the pair wrote about this meeting.
    agenda = Agenda.objects.filter(meeting=meeting).first()
    if agenda is not None:
        Agenda.objects.filter(pk=agenda.pk).update(
            bottleneck=SECRETS["bottleneck"],
            decision=SECRETS["decision"],
            wellbeing_note=SECRETS["checkin"],
        )
        QuestionFactory(agenda=agenda, text=SECRETS["question"])
        HelpAsked.objects.filter(agenda=agenda).update(outcome=SECRETS["outcome"])
    meeting.refresh_from_db()
    claim = SentReminder.objects.filter(kind=kind, recipient=recipient, channel=SLACK).first()
    assert claim is not None, "the message went"
    meetings = [meeting]
    dm = delivery.render(kind, meetings, recipient, claim.key)
    if kind in delivery.MEETING_KINDS:
        mail = invitations._message(kind, meetings, recipient)
        mail_text = f"{mail.subject}\n{mail.body}"
    else:
        subject, body = notifications._message(kind, meeting, recipient, claim.key)
        mail_text = f"{subject}\n{body}"
    for name, secret in SECRETS.items():
        if name in NEVER:
            assert secret not in dm and secret not in mail_text, name
        elif secret in dm:
            assert secret in mail_text, name
    assert "<https://mentorprep.example/" in dm  # a link to the page
    if kind == "peer_asked":  # a name and a date only
        assert SECRETS["bottleneck"] not in mail_text and SECRETS["outcome"] not in mail_text
