"""No sign-in through a provider reaches an account that is not the signer's own: the provider
must vouch for the address, the address must be one account's alone, and a link follows the
provider's `sub`, not the address. Every case runs the real OpenID Connect dance (discovery,
code, token exchange, id token check) against tests/oidc/provider.mjs."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts import invites
from accounts.models import Invite
from tests.factories import InviteFactory, ProgramFactory, SocialAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = "ask your program's staff for an invitation"
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+"')


def _page(response) -> str:
    return CSRF.sub(r"\1", response.content.decode())


def signed_in(client):
    return client.get(reverse("settings")).wsgi_request.user


def refused(response, client) -> bool:
    return (
        response.status_code == 403
        and REFUSED in response.content.decode()
        and not signed_in(client).is_authenticated
    )


def test_an_unverified_address_reaches_no_account(client, oidc, world):
    provider = oidc([{"sub": "x1", "email": world.scholar.email, "email_verified": False}])
    response = provider.sign_in(client, "x1")
    assert refused(response, client)
    assert not SocialAccount.objects.exists()


def test_an_address_differing_only_in_case_is_the_same_address(client, oidc, world):
    provider = oidc([{"sub": "s1", "email": world.scholar.email.upper(), "email_verified": True}])
    response = provider.sign_in(client, "s1")
    assert response.status_code == 302
    assert signed_in(client) == world.scholar
    assert SocialAccount.objects.get().user == world.scholar


def test_canonically_equal_unicode_matches_but_compatibility_forms_do_not(client, oidc, world):
    # "é" as one code point (NFC) at the account, as "e" + combining accent (NFD) at the provider
    rene = UserFactory(username="rene", email="rene@caf\u00e9.example")
    InviteFactory(user=rene, accepted_at=rene.date_joined)
    rene.set_unusable_password()
    rene.save()
    provider = oidc(
        [
            {"sub": "nfd", "email": "rene@cafe\u0301.example", "email_verified": True},
            # fullwidth "ｓｃｈｏｌａｒ": NFKC makes it "scholar", but it is not the same address
            {
                "sub": "wide",
                "email": "\uff53\uff43\uff48\uff4f\uff4c\uff41\uff52@example.org",
                "email_verified": True,
            },
        ]
    )
    wide = provider.sign_in(client, "wide")
    assert refused(wide, client)
    assert not SocialAccount.objects.exists()

    provider.forget()
    nfd = provider.sign_in(client, "nfd")
    assert nfd.status_code == 302
    assert signed_in(client) == rene


def test_a_linked_sign_in_follows_the_sub_when_the_address_changes_at_the_provider(
    client, oidc, world
):
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    provider.sign_in(client, "s1")
    assert signed_in(client) == world.scholar
    client.post(reverse("logout"))

    # At the provider the person now shows the mentor's address: still the scholar here.
    provider.set_accounts([{"sub": "s1", "email": world.mentor.email, "email_verified": True}])
    provider.forget()
    response = provider.sign_in(client, "s1")
    assert response.status_code == 302
    assert signed_in(client) == world.scholar
    assert list(SocialAccount.objects.values_list("user_id", "uid")) == [(world.scholar.pk, "s1")]


def test_an_address_another_account_waits_to_confirm_links_nothing(client, oidc, world):
    # The outsider asked to move to the scholar's address and never confirmed it: whose is it?
    world.outsider.pending_email = world.scholar.email.upper()
    world.outsider.save()
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    assert refused(provider.sign_in(client, "s1"), client)
    assert not SocialAccount.objects.exists()


def test_two_accounts_with_unicode_variants_of_one_address_link_nothing(client, oidc, world):
    nfc = UserFactory(username="nfc", email="ann@caf\u00e9.example")
    nfd = UserFactory(username="nfd", email="ann@cafe\u0301.example")
    provider = oidc([{"sub": "a1", "email": "ann@caf\u00e9.example", "email_verified": True}])
    assert refused(provider.sign_in(client, "a1"), client)
    assert not SocialAccount.objects.exists()
    assert nfc.pk != nfd.pk


def test_no_account_and_an_unaccepted_invitation_get_the_same_refusal(client, oidc, world):
    program = ProgramFactory()
    invite = invites.invite_person(program, "newcomer@uni.example", Invite.Role.SCHOLAR, None)
    provider = oidc(
        [
            {"sub": "n1", "email": "newcomer@uni.example", "email_verified": True},
            {"sub": "z1", "email": "nobody@uni.example", "email_verified": True},
        ]
    )
    invited = provider.sign_in(client, "n1")  # from the login page, not the invitation
    provider.forget()
    stranger = provider.sign_in(client, "z1")
    assert refused(invited, client) and refused(stranger, client)
    assert _page(invited) == _page(stranger)
    invite.refresh_from_db()
    assert not invite.is_accepted
    assert not SocialAccount.objects.exists()


def test_an_invitation_is_not_accepted_with_another_verified_address(client, oidc, world):
    program = ProgramFactory()
    invite = invites.invite_person(program, "invited@uni.example", Invite.Role.SCHOLAR, None)
    invite.refresh_from_db()
    link = reverse("invite_accept", args=[invites.make_token(invite)])
    # the person holding the link signs in as the scholar, an existing member
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    assert refused(provider.sign_in(client, "s1", next=link), client)
    invite.refresh_from_db()
    assert not invite.is_accepted
    assert not SocialAccount.objects.exists()


def test_an_inactive_account_is_not_signed_in(client, oidc, world):
    world.scholar.is_active = False
    world.scholar.save()
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    assert refused(provider.sign_in(client, "s1"), client)
    assert not SocialAccount.objects.exists()


def test_linking_from_settings_needs_the_same_verified_address(client, oidc, world):
    client.force_login(world.scholar)
    provider = oidc(
        [
            {"sub": "m1", "email": world.mentor.email, "email_verified": True},
            {"sub": "u1", "email": world.scholar.email, "email_verified": False},
            {"sub": "s1", "email": world.scholar.email, "email_verified": True},
        ]
    )
    for sub in ("m1", "u1"):
        provider.forget()
        response = provider.sign_in(client, sub, process="connect")
        assert response.status_code == 302
        assert response["Location"] == reverse("settings") + "#sign-in-methods"
        assert not SocialAccount.objects.exists()
        assert "could not be linked" in client.get(response["Location"]).content.decode()

    provider.forget()
    response = provider.sign_in(client, "s1", process="connect")
    assert response.status_code == 302
    assert SocialAccount.objects.get().user == world.scholar
    assert signed_in(client) == world.scholar


def test_a_provider_account_linked_to_someone_else_is_not_linked_again(client, oidc, world):
    SocialAccountFactory(user=world.mentor, provider="uni", uid="m1")
    client.force_login(world.scholar)
    provider = oidc([{"sub": "m1", "email": world.scholar.email, "email_verified": True}])
    provider.sign_in(client, "m1", process="connect")
    assert list(SocialAccount.objects.values_list("user_id", flat=True)) == [world.mentor.pk]


def test_login_throttling_still_counts_passwords_and_a_provider_sign_in_passes(
    client, oidc, world, settings
):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    login = reverse("login")
    for _ in range(5):
        last = client.post(login, {"username": world.scholar.username, "password": "wrong"})
    assert last.status_code == 429
    assert "Sign in with Test University" in last.content.decode()
    assert "127.0.0.1" in last["Content-Security-Policy"]  # its form may lead to the provider
    locked = client.post(login, {"username": world.scholar.username, "password": "pw"})
    assert locked.status_code == 429
    # the provider vouched for the person: the password's lock-out is no obstacle
    response = provider.sign_in(client, "s1")
    assert response.status_code == 302
    assert signed_in(client) == world.scholar


def test_a_cancelled_or_forged_return_from_the_provider_links_nothing(client, oidc, world):
    provider = oidc([{"sub": "s1", "email": world.scholar.email, "email_verified": True}])
    cancelled = provider.sign_in(client, "s1", cancel=True)
    assert cancelled.status_code == 400
    assert "cancelled at the provider" in cancelled.content.decode()

    # a return that this browser did not start (another state) is refused too
    forged = client.get("/accounts/oidc/uni/login/callback/?code=made-up&state=made-up")
    assert forged.status_code == 400
    assert "did not complete" in forged.content.decode()
    assert not SocialAccount.objects.exists()
    assert not signed_in(client).is_authenticated


def test_google_sends_the_browser_to_google_with_pkce_and_the_callback(client, settings):
    from config.sso import providers_from_env

    env = {"SSO_GOOGLE_CLIENT_ID": "gid.apps.googleusercontent.com", "SSO_GOOGLE_SECRET": "gs"}
    settings.SOCIALACCOUNT_PROVIDERS, _ = providers_from_env(lambda name: env.get(name, ""))
    page = client.get(reverse("login"))
    assert "Sign in with Google" in page.content.decode()
    assert "https://accounts.google.com" in page["Content-Security-Policy"]
    start = client.post("/accounts/google/login/", {"process": "login"})
    assert start.status_code == 302
    to = start["Location"]
    assert to.startswith("https://accounts.google.com/o/oauth2/")
    assert "client_id=gid.apps.googleusercontent.com" in to
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Fgoogle%2Flogin%2Fcallback%2F" in to
    query = parse_qs(urlsplit(to).query)
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}, to
    assert query["code_challenge_method"] == ["S256"]
