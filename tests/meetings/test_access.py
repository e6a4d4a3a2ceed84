"""Every page for every role: allowed, refused with 404, or sent to log in."""

import pytest
from django.urls import reverse


def _user(world, role):
    return None if role == "anon" else getattr(world, role)


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anon", 302),
        ("scholar", 200),
        ("mentor", 200),
        ("other_scholar", 404),
        ("other_mentor", 404),
        ("staff", 404),
        ("other_staff", 404),
        ("outsider", 404),
        ("manager", 404),
    ],
)
def test_it_shows_the_brief_only_to_the_pair(world, role, expected):
    response = world.client_for(_user(world, role)).get(reverse("brief", args=[world.meeting.pk]))
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))
    if expected == 200:
        assert "SECRET-BOTTLENECK" in response.content.decode()
    else:
        assert b"SECRET-BOTTLENECK" not in response.content


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anon", 302),
        ("scholar", 200),
        ("mentor", 404),
        ("other_scholar", 404),
        ("other_mentor", 404),
        ("staff", 404),
        ("other_staff", 404),
        ("outsider", 404),
        ("manager", 404),
    ],
)
def test_it_lets_only_the_scholar_edit_the_agenda(world, role, expected):
    response = world.client_for(_user(world, role)).get(reverse("agenda", args=[world.meeting.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anon", 302),
        ("scholar", 200),
        ("mentor", 200),
        ("other_scholar", 404),
        ("other_mentor", 404),
        ("staff", 404),
        ("other_staff", 404),
        ("outsider", 404),
        ("manager", 404),
    ],
)
def test_it_shows_history_to_the_scholar_and_their_mentors(world, role, expected):
    response = world.client_for(_user(world, role)).get(reverse("history", args=[world.scholar.pk]))
    assert response.status_code == expected
    if expected != 200:
        assert b"SECRET-BOTTLENECK" not in response.content


@pytest.mark.parametrize(
    "role,expected",
    [
        ("anon", 302),
        ("scholar", 404),
        ("mentor", 404),
        ("other_scholar", 404),
        ("other_mentor", 404),
        ("staff", 200),
        ("other_staff", 404),
        ("outsider", 404),
        ("manager", 200),
    ],
)
def test_it_shows_cadence_only_to_the_programs_staff(world, role, expected):
    response = world.client_for(_user(world, role)).get(reverse("cadence", args=["winter"]))
    assert response.status_code == expected
    assert b"SECRET" not in response.content
