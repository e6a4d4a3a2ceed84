"""Changing one's e-mail address: unique whatever the case, and used only once the link mailed
to the new address is opened by the same person, signed in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts import emails
from tests.factories import UserFactory

LINK = re.compile(r"https?://\S+/accounts/settings/email/\S+/")


def _link(message) -> str:
    return "/" + LINK.search(message.body).group(0).split("/", 3)[3]


def _change(client, user, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("settings"),
            {"display_name": user.display_name, "email": email, "time_zone": "UTC"},
        )


def test_it_refuses_the_same_address_in_another_case_in_the_database(world):
    with pytest.raises(IntegrityError):
        UserFactory(username="copycat", email=world.staff.email.upper())


def test_it_allows_many_accounts_without_an_address(db):
    UserFactory(username="a", email="")
    UserFactory(username="b", email="")


def test_it_refuses_an_address_another_account_uses(world, django_capture_on_commit_callbacks):
    client = world.client_for(world.outsider)
    response = _change(
        client, world.outsider, world.staff.email.upper(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert emails.TAKEN in response.content.decode()
    world.outsider.refresh_from_db()
    assert world.outsider.pending_email == ""
    assert mail.outbox == []


def test_it_keeps_the_old_address_until_the_link_is_opened(
    world, django_capture_on_commit_callbacks
):
    client = world.client_for(world.outsider)
    old = world.outsider.email
    response = _change(
        client, world.outsider, "mine@example.org", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    world.outsider.refresh_from_db()
    assert (world.outsider.email, world.outsider.pending_email) == (old, "mine@example.org")
    assert [m.to for m in mail.outbox] == [["mine@example.org"]]
    page = client.get(reverse("settings")).content.decode()
    assert "Pending: mine@example.org (check your inbox" in page

    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a prefetch changes nothing
    world.outsider.refresh_from_db()
    assert world.outsider.email == old
    response = client.post(link)
    assert response.url == reverse("settings")
    world.outsider.refresh_from_db()
    assert (world.outsider.email, world.outsider.pending_email) == ("mine@example.org", "")
    assert client.post(link).status_code == 410  # used: the address it was made for changed


def test_it_confirms_only_for_the_signed_in_owner(world, django_capture_on_commit_callbacks):
    _change(
        world.client_for(world.outsider),
        world.outsider,
        "mine@example.org",
        django_capture_on_commit_callbacks,
    )
    link = _link(mail.outbox[0])
    response = world.client_for(None).post(link)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert world.client_for(world.staff).post(link).status_code == 404
    world.outsider.refresh_from_db()
    world.staff.refresh_from_db()
    assert "mine@example.org" not in (world.outsider.email, world.staff.email)


def test_it_expires_the_link(world, django_capture_on_commit_callbacks):
    client = world.client_for(world.outsider)
    _change(client, world.outsider, "mine@example.org", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    later = timezone.now() + timedelta(days=emails.EXPIRY_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.post(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    world.outsider.refresh_from_db()
    assert world.outsider.email != "mine@example.org"


def test_it_invalidates_an_older_link_when_a_newer_change_is_asked(
    world, django_capture_on_commit_callbacks
):
    client = world.client_for(world.outsider)
    _change(client, world.outsider, "first@example.org", django_capture_on_commit_callbacks)
    _change(client, world.outsider, "second@example.org", django_capture_on_commit_callbacks)
    first, second = (_link(m) for m in mail.outbox)
    assert client.post(first).status_code == 410
    assert client.post(second).status_code == 302
    world.outsider.refresh_from_db()
    assert world.outsider.email == "second@example.org"


def test_it_invalidates_the_link_when_the_password_changes(
    world, django_capture_on_commit_callbacks
):
    client = world.client_for(world.outsider)
    _change(client, world.outsider, "mine@example.org", django_capture_on_commit_callbacks)
    world.outsider.set_password("another-long-secret")
    world.outsider.save()
    client.force_login(world.outsider)
    assert client.post(_link(mail.outbox[0])).status_code == 410


def test_it_refuses_the_link_when_the_address_was_taken_meanwhile(
    world, django_capture_on_commit_callbacks
):
    client = world.client_for(world.outsider)
    _change(client, world.outsider, "mine@example.org", django_capture_on_commit_callbacks)
    UserFactory(username="quicker", email="MINE@example.org")
    response = client.post(_link(mail.outbox[0]))
    assert response.status_code == 410 and emails.TAKEN in response.content.decode()
    world.outsider.refresh_from_db()
    assert world.outsider.email != "mine@example.org"


def test_it_removes_the_address_without_a_link(world, django_capture_on_commit_callbacks):
    client = world.client_for(world.outsider)
    _change(client, world.outsider, "", django_capture_on_commit_callbacks)
    world.outsider.refresh_from_db()
    assert world.outsider.email == ""
    assert mail.outbox == []
