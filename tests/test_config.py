"""Settings, deployment checks, time zones and the demo data."""

import io
import os
import runpy
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from environs import EnvValidationError

from accounts.models import Mentorship, Program, User
from meetings.models import Agenda, Meeting
from meetings.staff.cadence import cadence_rows
from tests.factories import MeetingFactory

ROOT = Path(__file__).resolve().parent.parent


def test_it_passes_the_deploy_check_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_VERSION"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="a-real-production-secret-" + "x9Kq2" * 10,
        ALLOWED_HOSTS="mentorprep.example",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_in_production():
    skip = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_VERSION"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(DEBUG="0", ALLOWED_HOSTS="mentorprep.example")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "W009" not in result.stdout  # it never got as far as running with the public key


def test_it_uses_the_development_key_only_in_debug():
    skip = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_VERSION"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(DEBUG="1")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _settings_with(monkeypatch, **variables) -> dict:
    """The settings module run afresh with these variables (Django's own settings untouched)."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_it_reads_an_empty_variable_as_unset(monkeypatch):
    s = _settings_with(
        monkeypatch, SITE_URL="", CONN_MAX_AGE="", DEBUG="", EMAIL_USE_TLS="", ALLOWED_HOSTS=""
    )
    assert s["SITE_URL"] == "http://127.0.0.1:8000"
    assert s["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert s["DEBUG"] is False and s["EMAIL_USE_TLS"] is True
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]


def test_it_reads_lists_numbers_and_switches(monkeypatch):
    s = _settings_with(
        monkeypatch, ALLOWED_HOSTS="a.example, b.example", EMAIL_PORT="2525", BEHIND_PROXY="yes"
    )
    assert s["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert s["EMAIL_PORT"] == 2525
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize(
    "name, value",
    [("DEBUG", "maybe"), ("CONN_MAX_AGE", "soon"), ("DATABASE_URL", "nonsense://here")],
)
def test_it_refuses_to_start_with_a_bad_value(monkeypatch, name, value):
    with pytest.raises(EnvValidationError, match=name):
        _settings_with(monkeypatch, **{name: value})


@pytest.mark.django_db
def test_it_shows_times_in_the_viewers_time_zone(world):
    when = datetime(2030, 6, 3, 14, 0, tzinfo=UTC)
    meeting = MeetingFactory(mentorship=world.mentorship, scheduled_at=when)
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    world.scholar.time_zone = "Asia/Kolkata"
    world.scholar.save()
    mentor_page = world.client_for(world.mentor).get(reverse("brief", args=[meeting.pk]))
    scholar_page = world.client_for(world.scholar).get(reverse("agenda", args=[meeting.pk]))
    assert "10:00" in mentor_page.content.decode()
    assert "19:30" in scholar_page.content.decode()


@pytest.mark.django_db
def test_it_refuses_an_unknown_time_zone_in_settings(world):
    client = world.client_for(world.scholar)
    response = client.post(
        reverse("settings"),
        {"display_name": "A", "email": "a@example.org", "time_zone": "Mars/Base"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("settings"),
        {"display_name": "A", "email": "a@example.org", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.scholar.pk).time_zone == "Europe/Paris"


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_log_in():
    response = Client().get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_loads_demo_data_idempotently(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Meeting.objects.count(), Agenda.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Meeting.objects.count(), Agenda.objects.count()) == counts
    program = Program.objects.get(slug="winter-2027")
    assert program.staff.filter(username="staff1").exists()
    for name in ["mentor1", "mentor2", *[f"scholar{i}" for i in range(1, 7)]]:
        assert User.objects.get(username=name).check_password("demo")
    # One upcoming meeting per mentorship, each with a draft; at least one overdue pair.
    for ms in Mentorship.objects.all():
        upcoming = ms.meetings.filter(status="planned")
        assert upcoming.count() == 1 and upcoming.get().agenda.status == Agenda.Status.DRAFT
        assert ms.meetings.filter(status="held", agenda__status="submitted").count() >= 3
    assert any(row.overdue for row in cadence_rows(program.mentorships.all()))


@pytest.mark.django_db
def test_it_refuses_to_load_demo_data_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_never_resets_an_existing_password_when_loading_demo_data(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    for name in ("admin", "scholar1"):
        user = User.objects.get(username=name)
        user.set_password("changed-since")
        user.save()
    call_command("seed_demo", stdout=io.StringIO())
    for name in ("admin", "scholar1"):
        user = User.objects.get(username=name)
        assert user.check_password("changed-since") and not user.check_password("demo")
    assert User.objects.get(username="scholar2").check_password("demo")


def test_it_points_links_in_mail_and_feeds_at_the_port_make_run_serves():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "SITE_URL=http://127.0.0.1:8123" in result.stdout
    assert "runserver 127.0.0.1:8123" in result.stdout
    assert "db_worker" in result.stdout  # the mail worker runs beside the server
