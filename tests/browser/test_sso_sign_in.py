"""A scholar invited by e-mail accepts through the university's sign-in (a real OpenID Connect
provider, tests/oidc/provider.mjs) in a real browser, then signs in again from the login page."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from accounts import invites
from accounts.models import Invite
from tests.factories import ProgramFactory, UserFactory

from .conftest import axe_violations


@pytest.fixture
def invited(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url
    staff = UserFactory(username="staff1", display_name="Sam Staff")
    program = ProgramFactory(name="Winter 2027", slug="winter-2027", staff=[staff])
    invite = invites.invite_person(program, "ana.lima@uni.example", Invite.Role.SCHOLAR, staff)
    (message,) = mail.outbox
    link = re.search(r"http://\S+/accounts/invite/\S+/", message.body).group(0)
    return invite, link


def test_an_invited_scholar_signs_in_with_the_university_and_again_later(
    invited, oidc, live_server, page_for, console_errors
):
    invite, link = invited
    oidc(
        [{"sub": "ana-7", "email": "ana.lima@uni.example", "email_verified": True, "name": "Ana"}],
        redirect_base=live_server.url,
    )
    page = page_for()
    page.goto(link)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in with Test University").click()

    # the provider's own login page
    page.get_by_role("heading", name="Test university sign-in").wait_for()
    page.get_by_label("Account").fill("ana-7")
    page.get_by_role("button", name="Sign in at the provider").click()

    page.get_by_text("Welcome to Winter 2027").wait_for()
    assert page.url == live_server.url + reverse("home")
    invite.refresh_from_db()
    assert invite.is_accepted
    assert SocialAccount.objects.get().user == invite.user
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()

    # later, in another browser: from the login page, through the provider's login page again
    again = page_for()
    again.goto(reverse("login"))
    assert axe_violations(again) == []
    again.get_by_role("button", name="Sign in with Test University").click()
    again.get_by_label("Account").fill("ana.lima@uni.example")
    again.get_by_role("button", name="Sign in at the provider").click()
    again.get_by_role("button", name="Log out").wait_for()
    assert again.url == live_server.url + reverse("home")
    again.goto(reverse("settings"))
    again.get_by_role("heading", name="Sign-in methods").wait_for()
    assert again.get_by_text("Your only way to sign in").count() == 1
    assert axe_violations(again) == []
    assert SocialAccount.objects.count() == 1
    assert console_errors == []
