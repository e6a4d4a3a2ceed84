"""Accepting an invitation through a provider sets the time zone as the password form does: the
page's buttons send it (the browser's, or the one chosen in the list), it waits in the session
during the round trip, and only a known zone is kept; else the account keeps UTC."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import invites
from accounts.models import Invite
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

ZONE_FIELD = re.compile(r'<input type="hidden" name="time_zone" value="([^"]*)" data-browser-zone')


def _invite(require_sso: bool = False) -> tuple[Invite, str]:
    program = ProgramFactory(name="Winter", require_sso=require_sso)
    invite = invites.invite_person(program, "ada@uni.example", Invite.Role.SCHOLAR, None)
    invite.refresh_from_db()
    return invite, reverse("invite_accept", args=[invites.make_token(invite)])


def _accounts():
    return [{"sub": "ada-1", "email": "ada@uni.example", "email_verified": True}]


@pytest.mark.parametrize("require_sso", [False, True])
def test_the_zone_sent_by_the_button_is_the_new_accounts(client, oidc, require_sso):
    invite, link = _invite(require_sso)
    provider = oidc(_accounts())
    page = client.get(link).content.decode()
    assert ZONE_FIELD.findall(page) == [""]  # filled in by the script the page loads
    assert "js/timezone.js" in page
    response = provider.sign_in(
        client, "ada-1", next=link, extra={"time_zone": "America/Sao_Paulo"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    invite.user.refresh_from_db()
    assert invite.user.time_zone == "America/Sao_Paulo"
    assert "sso_time_zone" not in client.session


@pytest.mark.parametrize("sent", [None, "", "Mars/Olympus_Mons", "<script>"])
def test_without_a_known_zone_the_account_keeps_utc(client, oidc, sent):
    invite, link = _invite()
    provider = oidc(_accounts())
    extra = {} if sent is None else {"time_zone": sent}
    response = provider.sign_in(client, "ada-1", next=link, extra=extra)
    assert response.status_code == 302
    invite.user.refresh_from_db()
    assert invite.user.time_zone == "UTC"


def test_a_zone_already_set_for_the_person_is_what_the_buttons_send(client, oidc):
    invite, link = _invite(require_sso=True)
    invite.user.time_zone = "Asia/Tokyo"
    invite.user.save()
    oidc(_accounts())
    assert ZONE_FIELD.findall(client.get(link).content.decode()) == ["Asia/Tokyo"]


def test_a_zone_is_for_the_sign_in_that_sent_it_only(client, oidc, world):
    """A member signing in (no invitation) changes no zone, and the zone does not wait in the
    session for a later acceptance."""
    provider = oidc(
        [
            {"sub": "s1", "email": world.scholar.email, "email_verified": True},
            *_accounts(),
        ]
    )
    response = provider.sign_in(client, "s1", extra={"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    world.scholar.refresh_from_db()
    assert world.scholar.time_zone == "UTC"
    assert "sso_time_zone" not in client.session
