"""/health/: public, no private data, 503 when the database is gone or mail tasks wait too long."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from meetings.notifications import send_notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """Tasks are stored for a worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_TASK_MAX_AGE_MINUTES = 10


def _health(client):
    response = client.get(reverse("health"))
    return response.status_code, json.loads(response.content)


def test_it_answers_without_a_session_and_says_nothing_private(client, queued):
    status, body = _health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "oldest_due_task_minutes": None,
        "task_max_age_minutes": 10,
    }
    response = client.get(reverse("health"))
    assert "no-cache" in response["Cache-Control"]


def test_it_reports_a_stalled_task_queue(client, queued):
    with time_machine.travel(timezone.now() - timedelta(minutes=15)):
        send_notice.enqueue(0, "nothing")
    status, body = _health(client)
    assert status == 503
    assert body["status"] == "stalled"
    assert body["oldest_due_task_minutes"] >= 15


def test_a_fresh_or_finished_task_is_fine(client, queued):
    with time_machine.travel(timezone.now() - timedelta(minutes=15)):
        send_notice.enqueue(0, "nothing")
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    send_notice.enqueue(0, "nothing")
    status, body = _health(client)
    assert status == 200
    assert body["oldest_due_task_minutes"] < 1


def test_a_retry_waits_from_its_run_after_time(client, queued):
    with time_machine.travel(timezone.now() - timedelta(minutes=30)):
        send_notice.enqueue(0, "nothing")
    # The worker failed it and put it back for a retry 5 minutes ago: it has waited 5 minutes.
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=5))
    status, body = _health(client)
    assert status == 200
    assert 4 < body["oldest_due_task_minutes"] < 6


def test_it_answers_503_when_the_database_is_down(client, queued, monkeypatch):
    def down(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("config.health.oldest_due_task_minutes", down)
    status, body = _health(client)
    assert status == 503
    assert body == {"status": "unavailable", "database": "unavailable"}


def test_it_is_exempt_from_the_https_redirect(client, settings, queued):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
