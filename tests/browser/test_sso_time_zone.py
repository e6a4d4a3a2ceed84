"""The invitation page's provider buttons carry the time zone (static/js/timezone.js): the
browser's where the program signs in only through its provider, the one chosen in the list
otherwise. A real browser and a real OpenID Connect provider."""

import re

import pytest
from django.core import mail

from accounts import invites
from accounts.models import Invite
from tests.factories import ProgramFactory


def _invite(live_server, settings, require_sso: bool):
    settings.SITE_URL = live_server.url
    program = ProgramFactory(name="Winter 2027", require_sso=require_sso)
    invite = invites.invite_person(program, "ana.lima@uni.example", Invite.Role.SCHOLAR, None)
    (message,) = mail.outbox
    return invite, re.search(r"http://\S+/accounts/invite/\S+/", message.body).group(0)


def _through_the_provider(page):
    page.get_by_role("button", name="Sign in with Test University").click()
    page.get_by_label("Account").fill("ana-7")
    page.get_by_role("button", name="Sign in at the provider").click()
    page.get_by_text("Welcome to Winter 2027").wait_for()


@pytest.mark.parametrize("require_sso", [True, False])
def test_the_browsers_zone_or_the_chosen_one_goes_through_the_provider(
    transactional_db, live_server, settings, oidc, page_for, console_errors, require_sso
):
    invite, link = _invite(live_server, settings, require_sso)
    oidc(
        [{"sub": "ana-7", "email": "ana.lima@uni.example", "email_verified": True}],
        redirect_base=live_server.url,
    )
    page = page_for(None, timezone_id="Asia/Tokyo")
    page.goto(link)
    if not require_sso:
        zone = page.get_by_label("Your time zone")
        assert zone.input_value() == "Asia/Tokyo"
        zone.select_option("Europe/Lisbon")  # chosen in the list, then the provider's button
    _through_the_provider(page)
    invite.user.refresh_from_db()
    assert invite.user.time_zone == ("Asia/Tokyo" if require_sso else "Europe/Lisbon")
    assert console_errors == []
