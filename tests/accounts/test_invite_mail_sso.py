"""The invitation mail names the sign-in providers: with them the person may accept through
their provider instead of setting a password; a program that requires them gets only them."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import invites
from accounts.models import Invite
from tests.factories import ProgramFactory, UserFactory
from tests.oidc_provider import UNI

pytestmark = pytest.mark.django_db


def _invite_mail(require_sso: bool = False) -> str:
    program = ProgramFactory(name="Winter", require_sso=require_sso)
    mail.outbox.clear()
    invites.invite_person(program, "ada@uni.example", Invite.Role.SCHOLAR, None)
    [message] = mail.outbox
    return message.body


def _pair_mail(require_sso: bool = False) -> str:
    program = ProgramFactory(name="Winter", require_sso=require_sso)
    scholar = UserFactory(username="lin", email="lin@uni.example")
    mentor = UserFactory(email="maya@uni.example")
    mail.outbox.clear()
    invites.propose_pair(program, scholar, mentor, 14, None)
    return next(m.body for m in mail.outbox if m.to == ["lin@uni.example"])


def test_without_providers_the_mail_asks_for_a_password(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    body = _invite_mail()
    assert "Set your password and start here" in body
    assert "Your username is ada." in body
    assert "Sign in with" not in body
    assert "Log in as lin and accept here" in _pair_mail()


def test_with_a_provider_the_mail_offers_it_beside_a_password(settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    body = _invite_mail()
    assert "accept with your Test University account" in body
    assert '"Sign in with Test University"' in body
    assert "or set a password" in body
    assert "With a password, your username is ada." in body
    assert "/accounts/invite/" in body  # the link, whichever way in
    pair = _pair_mail()
    assert "Log in as lin or with your Test University account and accept here" in pair


def test_a_program_requiring_its_provider_mails_only_the_provider(settings):
    settings.SOCIALACCOUNT_PROVIDERS = UNI
    body = _invite_mail(require_sso=True)
    assert "Winter signs in with your Test University account, not a password" in body
    assert '"Sign in with Test University"' in body
    assert "password and start" not in body and "set a password" not in body
    assert "username" not in body
    pair = _pair_mail(require_sso=True)
    assert "Sign in with your Test University account" in pair
    assert "Log in as lin" not in pair


def test_a_program_requiring_a_provider_none_of_which_is_configured_asks_for_a_password(
    settings,
):
    # as its page does: without a provider, a password is the only way in
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Set your password and start here" in _invite_mail(require_sso=True)
