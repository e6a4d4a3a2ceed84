"""Login throttling behind a reverse proxy: the lock-out keys on the client's address as the
proxy saw it, never on the proxy's own address, and a client's own X-Forwarded-For is believed
only when the app is told it sits behind a proxy."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PROXY = "10.0.0.2"


@pytest.fixture
def axes_on(settings, db):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    return settings


@pytest.fixture
def behind_proxy(axes_on):
    # What BEHIND_PROXY=1 sets (config/settings.py).
    axes_on.AXES_IPWARE_PROXY_COUNT = 0
    axes_on.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    return axes_on


def _login(client: Client, password: str, forwarded_for: str | None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        reverse("login"),
        {"username": "ada", "password": password},
        REMOTE_ADDR=PROXY,
        **headers,
    )


def _fail_five_times(forwarded_for: str | None) -> None:
    attacker = Client()
    for _ in range(5):
        _login(attacker, "wrong", forwarded_for)


def test_it_locks_out_only_the_address_the_proxy_saw(behind_proxy):
    UserFactory(username="ada", password="right-password")
    _fail_five_times("203.0.113.66")
    assert _login(Client(), "right-password", "203.0.113.66").status_code == 429
    ada = Client()
    response = _login(ada, "right-password", "198.51.100.7")
    assert response.status_code == 302
    assert SESSION_KEY in ada.session


def test_it_does_not_let_a_forged_header_lock_out_someone_else(behind_proxy):
    UserFactory(username="ada", password="right-password")
    # The attacker claims to be Ada's address; the proxy appends the real one.
    _fail_five_times("198.51.100.7, 203.0.113.66")
    assert _login(Client(), "right-password", "198.51.100.7").status_code == 302


def test_it_ignores_x_forwarded_for_when_not_behind_a_proxy(axes_on):
    UserFactory(username="ada", password="right-password")
    # Without a proxy, every attempt comes from its connection's address, whatever it claims.
    for claimed in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"):
        _login(Client(), "wrong", claimed)
    assert _login(Client(), "right-password", "198.51.100.7").status_code == 429
