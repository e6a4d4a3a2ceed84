"""No user enumeration: the password-reset form and the invitation links answer the
same whether or not an account or an e-mail address exists."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import invites
from accounts.models import Invite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# per-request values (CSRF tokens, CSP nonces) aside, the pages must be byte-identical
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+"')


def _page(response) -> str:
    return CSRF.sub(r"\1", response.content.decode())


def _reset(email: str):
    """The whole answer a stranger gets: the redirect, the page it leads to, and the mail sent."""
    client = Client()
    before = len(mail.outbox)
    response = client.post(reverse("password_reset"), {"email": email})
    followed = client.get(response.url) if response.status_code == 302 else response
    return response, followed, mail.outbox[before:]


def test_it_answers_a_reset_for_an_unknown_address_exactly_like_a_known_one(world):
    known, known_page, known_mail = _reset(world.scholar.email)
    unknown, unknown_page, unknown_mail = _reset("nobody-here@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert known_page.status_code == unknown_page.status_code == 200
    assert _page(known_page) == _page(unknown_page)
    assert [m.to for m in known_mail] == [[world.scholar.email]]
    assert unknown_mail == []


@pytest.mark.parametrize("kind", ["invited", "inactive", "upper-case"])
def test_it_answers_every_reset_the_same_and_mails_only_a_real_usable_account(world, kind):
    if kind == "invited":  # invited, never set a password: nothing to reset yet
        user = UserFactory(username="pending", email="pending@example.org")
        user.set_unusable_password()
        user.save()
        email, expect_mail = user.email, False
    elif kind == "inactive":
        user = UserFactory(username="gone", email="gone@example.org", is_active=False)
        email, expect_mail = user.email, False
    else:
        email, expect_mail = world.mentor.email.upper(), True
    response, page, sent = _reset(email)
    _, reference_page, _ = _reset("nobody-here@example.org")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert _page(page) == _page(reference_page)
    assert len(sent) == (1 if expect_mail else 0)
    if expect_mail:
        assert sent[0].to == [world.mentor.email]


def test_it_shows_the_same_reset_form_errors_for_any_bad_address(world):
    client = Client()
    bad = client.post(reverse("password_reset"), {"email": "not-an-address"})
    empty = client.post(reverse("password_reset"), {"email": ""})
    assert bad.status_code == empty.status_code == 200
    assert mail.outbox == []
    assert world.scholar.email not in _page(bad)


# --- invitation links ---------------------------------------------------------------------------


def _invite_for(world, email: str) -> tuple[Invite, str]:
    invite = invites.invite_person(world.program, email, "mentor", world.staff)
    invite.refresh_from_db()
    return invite, reverse("invite_accept", args=[invites.make_token(invite)])


def _invite_states(world, email: str) -> dict[str, str]:
    """The invite-accept page for a used, an expired and a replaced link to this address."""
    invite, link = _invite_for(world, email)
    later = invites.timezone.now() + timedelta(days=settings.INVITE_EXPIRY_DAYS, minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        expired = Client().get(link)
    invites.send_invite(invite)  # a newer link replaces this one
    replaced = Client().get(link)
    invite.refresh_from_db()
    invites.accept(invite)
    used = Client().get(reverse("invite_accept", args=[invites.make_token(invite)]))
    return {"expired": expired, "replaced": replaced, "used": used}


def test_it_says_nothing_about_accounts_on_a_bad_invite_link(world):
    existing = _invite_states(world, world.outsider.email)  # someone who already has an account
    newcomer = _invite_states(world, "brand-new@example.org")  # an account made by the invite
    secrets = [
        world.outsider.email,
        world.outsider.username,
        world.outsider.name,
        "brand-new@example.org",
        "brand-new",
        world.program.name,
    ]
    for state in ("expired", "replaced", "used"):
        a, b = existing[state], newcomer[state]
        assert a.status_code == b.status_code == 410, state
        assert _page(a) == _page(b), state
        for secret in secrets:
            assert secret not in _page(a), (state, secret)
    assert "already used" in _page(existing["used"])
    assert "expired" in _page(existing["expired"])


@pytest.mark.parametrize(
    "token",
    [
        "nonsense:abc",
        "eyJpIjo5OTk5OSwibiI6MX0:1vABCD:forged-signature",
        "a" * 300,
    ],
)
def test_it_answers_a_forged_invite_link_without_a_hint(world, token):
    _invite_for(world, world.outsider.email)
    response = Client().get(reverse("invite_accept", args=[token]))
    assert response.status_code == 404
    page = _page(response)
    assert "not valid" in page
    assert world.outsider.email not in page and world.outsider.username not in page
    post = Client().post(
        reverse("invite_accept", args=[token]),
        {"new_password1": "a-long-secret-42", "new_password2": "a-long-secret-42"},
    )
    assert post.status_code == 404
    assert _page(post) == page


def test_it_answers_an_invite_link_for_a_deleted_invitation_like_a_forged_one(world):
    invite, link = _invite_for(world, "short-lived@example.org")
    forged = _page(Client().get(reverse("invite_accept", args=["nonsense:abc"])))
    invite.delete()
    response = Client().get(link)
    assert response.status_code == 404
    assert _page(response) == forged
