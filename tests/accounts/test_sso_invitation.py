"""Accepting an invitation through a real OpenID Connect provider, and signing in again."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts import invites
from accounts.models import Invite
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _invite(email: str) -> tuple[Invite, str]:
    program = ProgramFactory(name="Winter", slug="winter")
    invite = invites.invite_person(program, email, Invite.Role.SCHOLAR, None)
    invite.refresh_from_db()
    return invite, reverse("invite_accept", args=[invites.make_token(invite)])


def test_an_invited_scholar_accepts_through_the_provider_and_signs_in_again(client, oidc):
    invite, link = _invite("ada@uni.example")
    provider = oidc([{"sub": "ada-1", "email": "Ada@Uni.example", "email_verified": True}])

    page = client.get(link)
    assert b"Sign in with Test University" in page.content
    response = provider.sign_in(client, "ada-1", next=link)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    invite.refresh_from_db()
    assert invite.is_accepted
    link_row = SocialAccount.objects.get()
    assert (link_row.user_id, link_row.provider, link_row.uid) == (invite.user_id, "uni", "ada-1")
    assert client.get(reverse("home")).wsgi_request.user == invite.user

    client.post(reverse("logout"))
    provider.forget()
    again = provider.sign_in(client, "ada-1")
    assert again.status_code == 302
    assert client.get(reverse("settings")).wsgi_request.user == invite.user
    assert SocialAccount.objects.count() == 1
