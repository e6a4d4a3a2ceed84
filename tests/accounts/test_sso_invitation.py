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
    provider = oidc(
        [{"sub": "ada-1", "email": "Ada@Uni.example", "email_verified": True, "name": "Ada L."}]
    )

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
    invite.user.refresh_from_db()
    assert invite.user.display_name == "Ada L."  # from the provider, as the form would ask
    assert not invite.user.has_usable_password()

    client.post(reverse("logout"))
    provider.forget()
    again = provider.sign_in(client, "ada-1")
    assert again.status_code == 302
    assert client.get(reverse("settings")).wsgi_request.user == invite.user
    assert SocialAccount.objects.count() == 1


def test_a_member_who_signs_in_only_through_the_provider_joins_another_program_signed_in(
    client, oidc
):
    first, first_link = _invite("ada@uni.example")
    provider = oidc([{"sub": "ada-1", "email": "ada@uni.example", "email_verified": True}])
    provider.sign_in(client, "ada-1", next=first_link)
    client.post(reverse("logout"))

    summer = ProgramFactory(name="Summer", slug="summer")
    second = invites.invite_person(summer, "ada@uni.example", Invite.Role.MENTOR, None)
    second.refresh_from_db()
    link = reverse("invite_accept", args=[invites.make_token(second)])
    assert second.user == first.user
    # No password form for a stranger holding the link: the account's owner signs in first.
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert (
        client.post(
            link, {"new_password1": "x-long-secret-42", "new_password2": "x-long-secret-42"}
        ).status_code
        == 302
    )
    first.user.refresh_from_db()
    assert not first.user.has_usable_password()

    provider.forget()
    back = provider.sign_in(client, "ada-1", next=link)
    assert back.status_code == 302 and back["Location"] == link
    second.refresh_from_db()
    assert not second.is_accepted  # joining takes the owner's click
    assert b"Join Summer" in client.get(link).content
    client.post(link)
    second.refresh_from_db()
    assert second.is_accepted
