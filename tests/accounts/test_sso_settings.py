"""Sign-in methods on the settings page, the login page with and without providers, programs
that require a provider, and the providers' configuration from the environment."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.template import Context, Template
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.sso import providers_from_env
from tests.factories import InviteFactory, SocialAccountFactory
from tests.oidc_provider import UNI

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+"')


def _page(response) -> str:
    return CSRF.sub(r"\1", response.content.decode())


# --- The login page -------------------------------------------------------------------------------


def test_the_login_page_is_unchanged_when_no_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    response = client.get(reverse("login"))
    # The template without the buttons' tag renders the very same page.
    source = get_template("registration/login.html").template.source
    assert "{% sso_buttons next=next %}" in source
    plain = Template(
        source.replace("{% sso_buttons next=next %}", "").replace("{% load sso %}", "")
    )
    context = {}
    for layer in response.context:  # what the page was rendered with, processors included
        context.update(layer.flatten())
    expected = plain.render(Context(context))
    assert CSRF.sub(r"\1", expected) == _page(response)
    assert "form-action 'self'" in response["Content-Security-Policy"]
    assert "Sign in with" not in _page(response)


def test_the_login_page_offers_each_provider_and_lets_its_form_lead_there(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    response = client.get(reverse("login") + "?next=/settings/")
    page = _page(response)
    assert 'action="/accounts/oidc/uni/login/"' in page
    assert "Sign in with Test University" in page
    assert 'name="next" value="/settings/"' in page
    assert "form-action 'self' https://login.uni.example" in response["Content-Security-Policy"]
    # allauth's own sign-up, password and e-mail pages are not there
    for path in (
        "/accounts/signup/",
        "/accounts/email/",
        "/accounts/password/set/",
        "/accounts/3rdparty/",
        "/accounts/social/signup/",
    ):
        assert client.get(path).status_code in (302, 404), path
        assert Client().get(path).status_code in (302, 404), path


# --- Sign-in methods on the settings page --------------------------------------------------------


def test_settings_list_the_sign_ins_and_remove_one_when_a_password_remains(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    link = SocialAccountFactory(user=world.scholar, uid="s1")
    client = world.client_for(world.scholar)
    page = _page(client.get(reverse("settings")))
    assert "Sign-in methods" in page
    assert "Test University" in page and world.scholar.email in page
    assert reverse("sso_link_remove", args=[link.pk]) in page
    assert "Link your Test University account" not in page  # already linked

    # someone else's link is not found, and stays
    assert (
        world.client_for(world.mentor).post(reverse("sso_link_remove", args=[link.pk])).status_code
        == 404
    )
    response = client.post(reverse("sso_link_remove", args=[link.pk]))
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    page = _page(client.get(reverse("settings")))
    assert "Link your Test University account" in page


def test_the_last_way_in_cannot_be_removed(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    world.scholar.set_unusable_password()
    world.scholar.save()
    link = SocialAccountFactory(user=world.scholar, uid="s1")
    client = world.client_for(world.scholar)
    page = _page(client.get(reverse("settings")))
    assert reverse("sso_link_remove", args=[link.pk]) not in page
    assert "Your only way to sign in" in page
    response = client.post(reverse("sso_link_remove", args=[link.pk]), follow=True)
    assert "only way to sign in" in _page(response)
    assert SocialAccount.objects.filter(pk=link.pk).exists()

    # with a second link, either can go (one at a time)
    second = SocialAccountFactory(user=world.scholar, provider="google", uid="g1")
    assert client.post(reverse("sso_link_remove", args=[second.pk])).status_code == 302
    assert not SocialAccount.objects.filter(pk=second.pk).exists()
    assert SocialAccount.objects.filter(pk=link.pk).exists()


def test_the_section_is_absent_without_providers_or_links(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = _page(world.client_for(world.scholar).get(reverse("settings")))
    assert "Sign-in methods" not in page


# --- Programs that require a provider -------------------------------------------------------------


def test_a_program_requiring_a_provider_refuses_its_members_password_login(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    world.program.require_sso = True
    world.program.save()
    login = reverse("login")
    for member in (world.scholar, world.mentor, world.staff):
        response = Client().post(login, {"username": member.username, "password": "pw"})
        assert response.status_code == 200
        page = _page(response)
        assert "Winter asks its members to sign in with their university or Google" in page
        assert "“Sign in with Test University”" in page
        assert "_auth_user_id" not in Client().session
    # a joined member waiting for a pair (accepted invitation) too
    waiting = InviteFactory(program=world.program, accepted_at=timezone.now()).user
    page = _page(Client().post(login, {"username": waiting.username, "password": "pw"}))
    assert "asks its members to sign in" in page

    # others log in as before
    ok = Client().post(login, {"username": world.other_staff.username, "password": "pw"})
    assert ok.status_code == 302

    # a wrong password, or no such user, gets the usual answer: nothing tells who is a member
    wrong = _page(Client().post(login, {"username": world.scholar.username, "password": "no"}))
    nobody = _page(Client().post(login, {"username": "nobody-here", "password": "no"}))
    assert "asks its members" not in wrong
    assert wrong.replace(world.scholar.username, "X") == nobody.replace("nobody-here", "X")

    # with no provider configured, nobody is shut out: the password is the only way in
    settings.SOCIALACCOUNT_PROVIDERS = {}
    back = Client().post(login, {"username": world.scholar.username, "password": "pw"})
    assert back.status_code == 302


def test_a_members_invitation_to_a_provider_only_program_offers_no_password(client, settings):
    from accounts import invites
    from accounts.models import Invite
    from tests.factories import ProgramFactory

    settings.SOCIALACCOUNT_PROVIDERS = UNI
    program = ProgramFactory(name="Closed", require_sso=True)
    invite = invites.invite_person(program, "new@uni.example", Invite.Role.SCHOLAR, None)
    invite.refresh_from_db()
    link = reverse("invite_accept", args=[invites.make_token(invite)])
    page = _page(client.get(link))
    assert "Sign in with Test University" in page
    assert 'name="new_password1"' not in page
    client.post(link, {"new_password1": "a-long-secret-42", "new_password2": "a-long-secret-42"})
    invite.refresh_from_db()
    assert not invite.is_accepted and not invite.user.has_usable_password()


# --- Configuration from the environment ----------------------------------------------------------


def test_providers_come_from_the_environment():
    env = {
        "SSO_GOOGLE_CLIENT_ID": "gid",
        "SSO_GOOGLE_SECRET": "gsecret",
        "SSO_OIDC_PROVIDERS": "cilogon, okta",
        "SSO_OIDC_CILOGON_ISSUER": "https://cilogon.org/",
        "SSO_OIDC_CILOGON_CLIENT_ID": "cid",
        "SSO_OIDC_CILOGON_SECRET": "csecret",
        "SSO_OIDC_CILOGON_NAME": "your university",
        "SSO_OIDC_OKTA_ISSUER": "https://example.okta.com",
        "SSO_OIDC_OKTA_CLIENT_ID": "oid",
    }
    providers, problems = providers_from_env(lambda name: env.get(name, ""))
    assert providers["google"]["APPS"][0]["client_id"] == "gid"
    (cilogon,) = providers["openid_connect"]["APPS"]  # okta has no secret
    assert cilogon["provider_id"] == "cilogon"
    assert cilogon["name"] == "your university"
    assert cilogon["settings"]["server_url"] == "https://cilogon.org"
    assert problems == ["Sign-in provider “okta” needs SSO_OIDC_OKTA_SECRET."]
    assert providers_from_env(lambda name: "") == ({}, [])


def test_operators_require_a_provider_for_a_program_in_the_admin(world):
    from tests.factories import UserFactory

    operator = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client = world.client_for(operator)
    url = reverse("admin:accounts_program_change", args=[world.program.pk])
    form = client.get(url).content.decode()
    assert 'name="require_sso"' in form
    data = {
        "name": world.program.name,
        "slug": world.program.slug,
        "starts_on": world.program.starts_on.isoformat(),
        "ends_on": "",
        "staff": [u.pk for u in world.program.staff.all()],
        "require_sso": "on",
        "mentorships-TOTAL_FORMS": "0",
        "mentorships-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    world.program.refresh_from_db()
    assert world.program.require_sso


def test_a_password_is_no_way_in_where_the_program_requires_a_provider(world, settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    world.program.require_sso = True
    world.program.save()
    link = SocialAccountFactory(user=world.scholar, uid="s1")
    client = world.client_for(world.scholar)
    assert "Your only way to sign in" in _page(client.get(reverse("settings")))
    client.post(reverse("sso_link_remove", args=[link.pk]))
    assert SocialAccount.objects.filter(pk=link.pk).exists()
