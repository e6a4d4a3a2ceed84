"""Personal access tokens: created in Settings and shown once, stored hashed, revoked or expired
at once, refused for an inactive user, and created by `manage.py create_api_token`."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.api_tokens import ApiToken
from tests.api.conftest import ApiClient, token
from tests.factories import UserFactory

TOKEN = re.compile(r"mpat_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def _create_in_settings(client, **data):
    fields = {"name": "My script", "scope": "read", "expires_in_days": "90", **data}
    return client.post(
        reverse("api_token_create"), {f"api_token-{k}": v for k, v in fields.items()}
    )


def test_settings_creates_a_token_shown_once_and_stored_only_as_its_hash(db, client):
    user = UserFactory()
    client.force_login(user)
    response = _create_in_settings(client, scope="write")
    assert response.status_code == 200
    raw = TOKEN.search(response.content.decode()).group()
    row = ApiToken.objects.get(user=user)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {row.prefix, row.name, row.token_hash} and raw.split("_", 2)[2] not in str(
        ApiToken.objects.filter(pk=row.pk).values().get()
    )
    assert row.scope == "write" and row.name == "My script"
    assert timedelta(days=89) < row.expires_at - timezone.now() <= timedelta(days=90)
    # Never shown again: the Settings page lists it by its prefix only.
    page = client.get(reverse("settings")).content.decode()
    assert f"mpat_{row.prefix}_" in page and raw not in page
    assert ApiClient(raw).get("/api/me").json()["username"] == user.username


def test_settings_refuses_a_token_without_a_name(db, client):
    client.force_login(UserFactory())
    response = _create_in_settings(client, name="   ")
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_at_once(db, client):
    user = UserFactory()
    raw = token(user)
    api = ApiClient(raw)
    assert api.get("/api/me").status_code == 200
    client.force_login(user)
    row = ApiToken.objects.get(user=user)
    assert client.post(reverse("api_token_revoke", args=[row.pk])).status_code == 302
    assert api.get("/api/me").status_code == 401
    assert raw not in client.get(reverse("settings")).content.decode()


def test_nobody_revokes_another_persons_token(db, client):
    raw = token(UserFactory())
    client.force_login(UserFactory())
    row = ApiToken.objects.get()
    assert client.post(reverse("api_token_revoke", args=[row.pk])).status_code == 404
    assert ApiClient(raw).get("/api/me").status_code == 200


def test_a_token_stops_when_it_expires(db):
    raw = token(UserFactory(), expires_in_days=1)
    api = ApiClient(raw)
    assert api.get("/api/me").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert api.get("/api/me").status_code == 401


def test_an_inactive_users_token_fails(db):
    user = UserFactory()
    api = ApiClient(token(user))
    user.is_active = False
    user.save()
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer mpat_00000000_" + "x" * 43,  # no such prefix
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ],
)
def test_an_unknown_or_malformed_token_fails(db, header):
    token(UserFactory())
    response = ApiClient().get("/api/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_with_a_known_prefix_and_a_wrong_secret_fails(db):
    raw = token(UserFactory())
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert ApiClient(forged).get("/api/me").status_code == 401
    assert ApiClient(raw).get("/api/me").status_code == 200


def test_using_a_token_records_when_it_was_last_used(db):
    raw = token(UserFactory())
    assert ApiToken.objects.get().last_used_at is None
    ApiClient(raw).get("/api/me")
    assert ApiToken.objects.get().last_used_at is not None


def test_the_command_prints_the_token_alone_on_its_last_line(db):
    user = UserFactory(username="ada")
    out = StringIO()
    call_command(
        "create_api_token", "ada", "--write", "--name", "CI", "--expires-days", "7", stdout=out
    )
    raw = out.getvalue().strip().splitlines()[-1]
    assert TOKEN.fullmatch(raw)
    row = ApiToken.objects.get(user=user)
    assert (row.name, row.scope) == ("CI", "write")
    assert row.expires_at is not None
    me = ApiClient(raw).get("/api/me").json()
    assert (me["username"], me["token_scope"]) == ("ada", "write")


def test_the_command_makes_a_read_token_by_default_and_refuses_unknown_users(db):
    UserFactory(username="ada")
    out = StringIO()
    call_command("create_api_token", "ada", stdout=out)
    assert ApiToken.objects.get().scope == "read"
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=StringIO())
