"""Login throttling: five failures per username and address lock that pair out for a while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

LOCKED = "Too many failed log-in attempts"
WRONG = "Please enter a correct username and password"


@pytest.fixture
def axes_on(settings, db):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    return settings


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_it_locks_out_after_five_failures_even_with_the_right_password(axes_on):
    UserFactory(username="ada", password="right-password")
    client = Client()
    for _ in range(4):
        response = _login(client, "ada", "wrong")
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    fifth = _login(client, "ada", "wrong")
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    locked = _login(client, "ada", "right-password")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert SESSION_KEY not in client.session


def _texts(username: str) -> list[tuple[int, str]]:
    client = Client()
    seen = []
    for _ in range(6):
        response = _login(client, username, "wrong")
        html = response.content.decode()
        message = LOCKED if LOCKED in html else WRONG if WRONG in html else html
        seen.append((response.status_code, message))
    return seen


def test_it_answers_the_same_whether_or_not_the_user_exists(axes_on):
    UserFactory(username="grace", password="right-password")
    assert _texts("grace") == _texts("nobody-by-that-name")


def test_it_does_not_lock_the_user_out_from_another_address(axes_on):
    UserFactory(username="ada", password="right-password")
    for _ in range(5):
        _login(Client(), "ada", "wrong", ip="10.6.6.6")
    response = _login(Client(), "ada", "right-password", ip="10.0.0.2")
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_it_forgets_failures_after_a_successful_login(axes_on):
    UserFactory(username="ada", password="right-password")
    for _ in range(4):
        _login(Client(), "ada", "wrong")
    assert _login(Client(), "ada", "right-password").status_code == 302
    for _ in range(4):
        assert _login(Client(), "ada", "wrong").status_code == 200


def test_it_lets_the_user_in_again_after_the_cool_off(axes_on):
    UserFactory(username="ada", password="right-password")
    for _ in range(5):
        _login(Client(), "ada", "wrong")
    assert _login(Client(), "ada", "right-password").status_code == 429
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=16)
        attempt.save()
    assert _login(Client(), "ada", "right-password").status_code == 302
