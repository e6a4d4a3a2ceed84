"""The demo data has a research manager with scholars, one check-in shared with them, and the
README lists every demo login the command creates."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import ResearchManagerAssignment, User
from meetings.management.commands.seed_demo import PEOPLE
from meetings.models import Agenda

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_manager1_looks_after_scholars_with_a_shared_check_in(demo, client):
    manager = User.objects.get(username="manager1")
    assert manager.check_password("demo") and manager.display_name == "Dr. Priya Raman"
    scholars = set(
        ResearchManagerAssignment.objects.filter(manager=manager).values_list(
            "scholar__username", flat=True
        )
    )
    assert scholars == {"scholar1", "scholar2", "scholar5"}
    assert Agenda.objects.wellbeing_shared_with_manager(manager).count() >= 3
    client.force_login(manager)
    page = client.get(reverse("managed_scholars", args=["winter-2027"]))
    assert page.status_code == 200
    assert len(page.context["checkins"]) >= 3
    # Not program staff: the whole program's cadence page is not theirs.
    assert client.get(reverse("cadence", args=["winter-2027"])).status_code == 404


def test_the_readme_lists_every_demo_login_with_name_and_role():
    text = README.read_text()
    table = text.split("### Demo logins")[1].split("###")[0]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", table, re.M)}
    for username, name, _zone in PEOPLE:
        assert rows.get(username, "").strip() == name, username
    assert "admin" in rows
