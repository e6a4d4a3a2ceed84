"""Two first sign-ins with the same provider account at once: both find no link, one links it
and the other must not answer 500 (the database's one row per provider `sub`). The other sign-in
is made here by creating the link between the adapter's check and its save."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts import invites, sso
from accounts.models import Invite
from tests.factories import ProgramFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def _linked_meanwhile(monkeypatch, uid: str, user=None, then=None):
    """Once the adapter has chosen the account, a sign-in running at the same time links `uid`
    (to that account, or to `user`) before this one saves its link."""
    chosen = sso.sole_owner

    def sole_owner(address):
        owner = chosen(address)
        SocialAccountFactory(user=user or owner, provider="uni", uid=uid)
        if then:
            then()
        return owner

    monkeypatch.setattr(sso, "sole_owner", sole_owner)


def _signed_in(client):
    return client.get(reverse("settings")).wsgi_request.user


def test_the_slower_of_two_first_sign_ins_signs_in_with_the_link_just_made(
    client, oidc, world, monkeypatch
):
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    _linked_meanwhile(monkeypatch, "s1")
    response = provider.sign_in(client, "s1")
    assert response.status_code == 302
    assert _signed_in(client) == world.scholar
    assert SocialAccount.objects.get().user == world.scholar


def test_a_link_made_meanwhile_to_another_account_is_refused_not_an_error(
    client, oidc, world, monkeypatch
):
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    _linked_meanwhile(monkeypatch, "s1", user=UserFactory())
    response = provider.sign_in(client, "s1")
    assert response.status_code == 403
    assert "ask your program's staff for an invitation" in response.content.decode()
    assert not _signed_in(client).is_authenticated
    assert SocialAccount.objects.filter(user=world.scholar).count() == 0


def test_two_acceptances_of_one_invitation_at_once_accept_it_once(client, oidc, monkeypatch):
    program = ProgramFactory(name="Winter")
    invite = invites.invite_person(program, "ada@uni.example", Invite.Role.SCHOLAR, None)
    invite.refresh_from_db()
    link = reverse("invite_accept", args=[invites.make_token(invite)])
    provider = oidc([{"sub": "ada-1", "email": "ada@uni.example", "email_verified": True}])
    accepted = []

    def the_other_accepts():
        invites.accept(Invite.objects.get(pk=invite.pk))
        accepted.append(True)

    _linked_meanwhile(monkeypatch, "ada-1", then=the_other_accepts)
    response = provider.sign_in(client, "ada-1", next=link)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert accepted == [True]
    assert _signed_in(client) == invite.user
    assert SocialAccount.objects.get().user == invite.user
    invite.refresh_from_db()
    assert invite.is_accepted
