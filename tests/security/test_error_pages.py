"""When the database is away: a calm 503 that asks to retry; other failures a plain 500 page."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from meetings.home import views


@pytest.fixture
def client(world):
    c = Client(raise_request_exception=False)
    c.force_login(world.scholar)
    return c


def test_it_answers_503_with_retry_after_while_the_database_is_away(world, client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(views, "_pairs", down)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Back in a moment" in html
    assert "was not saved" in html


def test_it_answers_a_plain_500_page_for_other_errors(world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "_pairs", broken)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
