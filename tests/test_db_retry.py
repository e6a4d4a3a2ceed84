"""A read that lost its database connection is tried once more; a write never is."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from config import db_retry
from meetings.home import views


@pytest.fixture
def client(world, monkeypatch):
    monkeypatch.setattr(db_retry, "RETRY_AFTER_SECONDS", 0)
    c = Client(raise_request_exception=False)
    c.force_login(world.scholar)
    return c


def _down_for(monkeypatch, failures: int) -> list[int]:
    calls = []
    real = views._pairs

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise OperationalError("terminating connection due to administrator command")
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "_pairs", flaky)
    return calls


def test_a_read_that_lost_the_database_is_tried_again(world, client, monkeypatch):
    calls = _down_for(monkeypatch, failures=1)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert len(calls) == 2


def test_it_tries_once_more_only(world, client, monkeypatch):
    calls = _down_for(monkeypatch, failures=5)
    response = client.get(reverse("home"))
    assert response.status_code == 503 and response["Retry-After"]
    assert len(calls) == 2


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_is_never_sent_twice(method, monkeypatch):
    monkeypatch.setattr(db_retry, "RETRY_AFTER_SECONDS", 0)
    answers = []

    def lost(request):
        answers.append(request.method)
        response = HttpResponse(status=503)
        response["Retry-After"] = "5"
        return response

    request = getattr(RequestFactory(), method)("/")
    assert db_retry.RetryReadsMiddleware(lost)(request).status_code == 503
    assert answers == [method.upper()]


def test_other_errors_are_not_retried(monkeypatch):
    monkeypatch.setattr(db_retry, "RETRY_AFTER_SECONDS", 0)
    answers = []

    def unavailable(request):  # e.g. /health/ saying the queue is stalled: no Retry-After
        answers.append(1)
        return HttpResponse(status=503)

    assert db_retry.RetryReadsMiddleware(unavailable)(RequestFactory().get("/")).status_code == 503
    assert answers == [1]
