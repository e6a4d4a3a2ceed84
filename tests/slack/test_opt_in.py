"""Opting in to Slack from Settings: found by address, a code by direct message (the only message
before confirming), confirmed by typing it; wrong, expired and overused codes; opting out; and
nothing Slack anywhere without a bot token."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts import slack
from accounts.models import SlackConnection
from meetings.agendas import domain as agendas
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory

from .conftest import connect

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _connect(client, fake):
    response = client.post(reverse("slack_connect"), follow=True)
    assert response.status_code == 200
    return response


def _code(fake, slack_user_id: str) -> str:
    text = fake.messages(slack_user_id)[-1]
    return re.search(r"code is (\d{6})", text).group(1)


def test_connecting_looks_the_address_up_sends_only_a_code_and_confirms_with_it(
    world, fake_slack, client
):
    fake_slack.add_member(world.mentor.email, "UMENTOR1")
    client.force_login(world.mentor)
    response = _connect(client, fake_slack)
    assert "We sent you a code" in " ".join(_messages(response))
    lookups = fake_slack.calls_to("users.lookupByEmail")
    assert [c.params["email"] for c in lookups] == [world.mentor.email]
    assert lookups[0].token == "xoxb-test-token"
    assert len(fake_slack.messages()) == 1  # the code, and nothing else
    code = _code(fake_slack, "UMENTOR1")
    connection = SlackConnection.objects.get(user=world.mentor)
    assert connection.slack_user_id == "UMENTOR1"
    assert not connection.is_confirmed
    assert code not in connection.code_hash  # stored hashed
    assert b'id="slack-code-sent"' in client.get(reverse("settings")).content

    response = client.post(reverse("slack_confirm"), {"code": f" {code} "}, follow=True)
    assert "Slack connected" in " ".join(_messages(response))
    connection.refresh_from_db()
    assert connection.is_confirmed and connection.code_hash == ""
    page = client.get(reverse("settings")).content.decode()
    assert 'id="slack-choices"' in page
    assert 'name="brief_submitted" value="both" aria-label' in page
    # the mentor's kinds only: no scholar reminder in a mentor's table
    assert 'name="agenda_reminder"' not in page


def test_a_wrong_code_is_refused_and_counted_until_the_code_stops_working(
    world, fake_slack, client
):
    fake_slack.add_member(world.mentor.email, "UMENTOR1")
    client.force_login(world.mentor)
    _connect(client, fake_slack)
    code = _code(fake_slack, "UMENTOR1")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("slack_confirm"), {"code": wrong}, follow=True)
    assert slack.WRONG_CODE in _messages(response)
    assert SlackConnection.objects.get(user=world.mentor).code_attempts == 1
    for _ in range(slack.CODE_ATTEMPTS - 1):
        client.post(reverse("slack_confirm"), {"code": wrong})
    # Tried too often: even the right code no longer works; a new one must be sent.
    response = client.post(reverse("slack_confirm"), {"code": code}, follow=True)
    assert slack.EXPIRED in _messages(response)
    assert not SlackConnection.objects.get(user=world.mentor).is_confirmed
    with time_machine.travel(timezone.now() + slack.RESEND_AFTER):
        _connect(client, fake_slack)
        response = client.post(
            reverse("slack_confirm"), {"code": _code(fake_slack, "UMENTOR1")}, follow=True
        )
    assert SlackConnection.objects.get(user=world.mentor).is_confirmed


def test_a_new_code_can_be_asked_for_at_most_once_a_minute(world, fake_slack, client):
    fake_slack.add_member(world.mentor.email, "UMENTOR1")
    client.force_login(world.mentor)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _connect(client, fake_slack)
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        response = _connect(client, fake_slack)
    assert slack.TOO_SOON.format(seconds=40) in _messages(response)
    assert len(fake_slack.messages("UMENTOR1")) == 1  # no second message
    assert len(fake_slack.calls_to("users.lookupByEmail")) == 1
    with time_machine.travel(start + slack.RESEND_AFTER, tick=False):
        response = _connect(client, fake_slack)
        assert "We sent you a code" in " ".join(_messages(response))
        second = _code(fake_slack, "UMENTOR1")
        assert len(fake_slack.messages("UMENTOR1")) == 2
        client.post(reverse("slack_confirm"), {"code": second})
    assert SlackConnection.objects.get(user=world.mentor).is_confirmed


def test_an_expired_code_is_refused(world, fake_slack, client):
    fake_slack.add_member(world.mentor.email, "UMENTOR1")
    client.force_login(world.mentor)
    _connect(client, fake_slack)
    code = _code(fake_slack, "UMENTOR1")
    with time_machine.travel(timezone.now() + slack.CODE_TTL + timedelta(seconds=1)):
        response = client.post(reverse("slack_confirm"), {"code": code}, follow=True)
    assert slack.EXPIRED in _messages(response)
    assert not SlackConnection.objects.get(user=world.mentor).is_confirmed


def test_someone_not_in_the_workspace_is_told_so_and_nothing_is_sent(world, fake_slack, client):
    client.force_login(world.mentor)
    response = _connect(client, fake_slack)
    assert slack.NOT_FOUND.format(email=world.mentor.email) in _messages(response)
    assert not SlackConnection.objects.exists()
    assert fake_slack.messages() == []
    assert [c.method for c in fake_slack.calls] == ["users.lookupByEmail"]


def test_slack_failing_during_connect_is_a_message_not_an_error(world, fake_slack, client):
    fake_slack.add_member(world.mentor.email, "UMENTOR1")
    fake_slack.fail_next(1, status=500)
    client.force_login(world.mentor)
    response = _connect(client, fake_slack)
    assert slack.UNAVAILABLE in _messages(response)
    assert not SlackConnection.objects.exists()


def test_nobody_is_messaged_before_confirming(world, fake_slack, client):
    fake_slack.add_member(world.mentor.email, "UMENTOR1")
    client.force_login(world.mentor)
    _connect(client, fake_slack)  # the code goes; it is never typed
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=agenda)
    assert agendas.submit(agenda)
    assert len(fake_slack.messages("UMENTOR1")) == 1  # the code only
    assert "code is" in fake_slack.messages("UMENTOR1")[0]


def test_disconnecting_stops_every_message(world, fake_slack, client):
    connect(fake_slack, world.mentor)
    client.force_login(world.mentor)
    response = client.post(reverse("slack_disconnect"), follow=True)
    assert "Slack disconnected" in " ".join(_messages(response))
    assert not SlackConnection.objects.filter(user=world.mentor).exists()
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=agenda)
    assert agendas.submit(agenda)
    assert fake_slack.messages() == []
    assert b'id="slack-not-connected"' in client.get(reverse("settings")).content


def test_the_table_chooses_mail_slack_both_or_off_per_kind(world, fake_slack, client, mailoutbox):
    connection = connect(fake_slack, world.mentor)
    client.force_login(world.mentor)
    response = client.post(
        reverse("slack_choices"),
        {
            "brief_submitted": "slack",
            "brief_reminder": "mail",
            "recap_confirm": "off",
            "meeting_changes": "both",
        },
    )
    assert response.status_code == 302
    world.mentor.refresh_from_db()
    connection.refresh_from_db()
    assert (world.mentor.mail_brief_submitted, connection.slack_brief_submitted) == (False, True)
    assert (world.mentor.mail_brief_reminder, connection.slack_brief_reminder) == (True, False)
    assert (world.mentor.mail_recap_confirm, connection.slack_recap_confirm) == (False, False)
    assert (world.mentor.mail_meeting_changes, connection.slack_meeting_changes) == (True, True)
    # A scholar's kind is not the mentor's to set, whatever is posted; a bad value is refused.
    response = client.post(reverse("slack_choices"), {"brief_submitted": "pigeon"}, follow=True)
    assert "Choose off, mail, Slack or both" in " ".join(_messages(response))

    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    QuestionFactory(agenda=agenda)
    assert agendas.submit(agenda)
    assert len(fake_slack.messages(connection.slack_user_id)) == 1
    assert mailoutbox == []  # Slack only: no mail


def test_without_a_bot_token_nothing_slack_appears(world, settings, client):
    settings.SLACK_BOT_TOKEN = ""
    client.force_login(world.mentor)
    page = client.get(reverse("settings")).content.decode()
    assert "Slack" not in page
    for name in ("slack_connect", "slack_confirm", "slack_choices", "slack_disconnect"):
        assert client.post(reverse(name)).status_code == 404


def test_someone_with_no_notice_slack_could_carry_is_not_offered_slack(world, fake_slack, client):
    """Program staff without a pair of their own get none of the kinds Slack carries."""
    client.force_login(world.staff)
    body = client.get(reverse("settings")).content.decode()
    assert 'id="slack"' not in body
    assert 'href="#slack"' not in body
    client.force_login(world.scholar)
    body = client.get(reverse("settings")).content.decode()
    assert 'id="slack"' in body
    assert 'href="#slack"' in body
