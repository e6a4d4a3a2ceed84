"""Operators see each Slack link in the admin and can disconnect one; never the code's hash."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import SlackConnection
from tests.factories import SlackConnectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(username="op", is_staff=True, is_superuser=True))
    return client


def test_an_operator_sees_a_slack_link_without_its_code_hash(operator):
    link = SlackConnectionFactory(slack_user_id="UADA0001", code_hash="SECRET-CODE-HASH")
    listing = operator.get(reverse("admin:accounts_slackconnection_changelist"))
    assert listing.status_code == 200 and b"UADA0001" in listing.content
    page = operator.get(reverse("admin:accounts_slackconnection_change", args=[link.pk]))
    assert page.status_code == 200
    assert b"UADA0001" in page.content
    assert b"SECRET-CODE-HASH" not in page.content and b"code_hash" not in page.content
    # seeing, not editing: a changed Slack id would send notices to someone else
    operator.post(
        reverse("admin:accounts_slackconnection_change", args=[link.pk]),
        {"slack_user_id": "UOTHER01", "user": link.user_id},
    )
    link.refresh_from_db()
    assert link.slack_user_id == "UADA0001"
    assert operator.get(reverse("admin:accounts_slackconnection_add")).status_code == 403


def test_an_operator_disconnects_someone(operator):
    link = SlackConnectionFactory()
    url = reverse("admin:accounts_slackconnection_delete", args=[link.pk])
    assert operator.get(url).status_code == 200
    operator.post(url, {"post": "yes"})
    assert not SlackConnection.objects.filter(pk=link.pk).exists()
