"""The "Download all my data" file holds the person's Slack link, API tokens, provider sign-ins and webhook
endpoints: what they set up, never a secret or its hash."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ApiTokenFactory,
    ProgramFactory,
    SlackConnectionFactory,
    SocialAccountFactory,
    UserFactory,
    WebhookSubscriptionFactory,
)
from tests.oidc_provider import UNI

pytestmark = pytest.mark.django_db


def _mine(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 200
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_the_download_holds_the_persons_connections_and_no_secret(client):
    user = UserFactory(email="ada@uni.example")
    now = timezone.now()
    SlackConnectionFactory(
        user=user,
        slack_user_id="UADA0001",
        code_hash="SLACK-CODE-HASH",
        slack_brief_reminder=False,
    )
    ApiTokenFactory(
        user=user,
        name="My script",
        prefix="abcd1234",
        token_hash="TOKEN-HASH-SECRET",
        scope="write",
        expires_at=now + timedelta(days=30),
        last_used_at=now,
        revoked_at=now,
    )
    SocialAccountFactory(user=user, provider="uni", uid="ada-sub")
    program = ProgramFactory(name="Winter")
    WebhookSubscriptionFactory(
        owner=user,
        url="https://hooks.example/mine",
        events=["brief.submitted", "meeting.held"],
        secret="whsec_WEBHOOK-SECRET",
    )
    WebhookSubscriptionFactory(
        owner=user,
        program=program,
        url="https://hooks.example/program",
        active=False,
        disabled_at=now,
        secret="whsec_OTHER-SECRET",
    )
    # someone else's, which never show
    SlackConnectionFactory(slack_user_id="UOTHER01")
    ApiTokenFactory(name="NOT-MINE")
    WebhookSubscriptionFactory(url="https://hooks.example/not-mine")

    data = _mine(client, user)

    slack = data["slack"]
    assert slack["slack_user_id"] == "UADA0001"
    assert slack["confirmed_at"] is not None
    assert slack["notices_in_slack"]["brief_reminder"] is False
    assert slack["notices_in_slack"]["brief_submitted"] is True
    assert set(slack["notices_in_slack"]) == {
        "brief_submitted",
        "agenda_reminder",
        "brief_reminder",
        "recap_confirm",
        "peer_asked",
        "meeting_changes",
    }
    [token] = data["api_tokens"]
    assert token["name"] == "My script" and token["prefix"] == "abcd1234"
    assert token["scope"] == "write"
    assert token["expires_at"] and token["last_used_at"] and token["revoked_at"]
    assert token["created_at"]
    [sign_in] = data["provider_sign_ins"]
    assert sign_in["email"] == "ada@uni.example" and sign_in["linked_at"]
    assert sign_in["provider"] == "uni"  # not configured here: its id is all there is
    hooks = {h["url"]: h for h in data["webhook_endpoints"]}
    assert set(hooks) == {"https://hooks.example/mine", "https://hooks.example/program"}
    assert hooks["https://hooks.example/mine"]["events"] == ["brief.submitted", "meeting.held"]
    assert hooks["https://hooks.example/mine"]["state"] == "on"
    assert hooks["https://hooks.example/program"]["program"] == "Winter"
    assert hooks["https://hooks.example/program"]["state"] == (
        "turned off after failing for three days"
    )
    text = json.dumps(data)
    for secret in ("SLACK-CODE-HASH", "TOKEN-HASH-SECRET", "WEBHOOK-SECRET", "OTHER-SECRET"):
        assert secret not in text, secret
    for others in ("UOTHER01", "NOT-MINE", "not-mine"):
        assert others not in text, others


def test_someone_without_connections_gets_empty_ones(client):
    data = _mine(client, UserFactory())
    assert data["slack"] is None
    assert data["api_tokens"] == data["provider_sign_ins"] == data["webhook_endpoints"] == []


def test_a_configured_provider_is_named_as_on_its_button(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    user = UserFactory()
    SocialAccountFactory(user=user, provider="uni")
    [sign_in] = _mine(client, user)["provider_sign_ins"]
    assert sign_in["provider"] == "Test University"
