"""Program staff in a real browser: dashboard, sorting, summary with sparkline, CSV import."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Mentorship
from meetings.models import Meeting
from tests.factories import MeetingFactory, MentorshipFactory, ProgramFactory, UserFactory

from .conftest import axe_violations


@pytest.fixture
def cohort(transactional_db):
    staff = UserFactory(username="staff1", display_name="Sam Staff")
    program = ProgramFactory(name="Winter 2027", slug="winter-2027", staff=[staff])
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    for i, days in enumerate((3, 30)):
        m = MentorshipFactory(
            program=program,
            scholar=UserFactory(username=f"scholar{i}", display_name=f"Scholar {i}"),
            mentor=mentor,
        )
        MeetingFactory(
            mentorship=m,
            scheduled_at=timezone.now() - timedelta(days=days),
            status=Meeting.Status.HELD,
        )
    return staff, program


def test_it_shows_the_dashboard_and_onboards_from_csv(cohort, page_for, console_errors):
    staff, program = cohort
    page = page_for(staff)
    page.goto(f"/programs/{program.slug}/cadence/")
    page.get_by_text("2 mentorships · 1 overdue").wait_for()
    assert page.locator("tbody tr").first.get_by_text("overdue").count() == 1
    assert page.locator(".week-grid .wk-held").count() == 2
    assert axe_violations(page) == []
    page.get_by_role("link", name="Held in program").click()
    page.wait_for_url("**sort=held_total**")
    page.get_by_role("link", name="Scholar 1").first.click()
    page.locator("svg.sparkline polyline").wait_for()
    assert axe_violations(page) == []

    page.goto(f"/programs/{program.slug}/import/")
    page.get_by_label("…or paste the rows").fill(
        "ada@example.org,mentor1@example.org,7\nbad-row,mentor1@example.org,7"
    )
    page.get_by_role("button", name="Preview (dry run)").click()
    page.get_by_text("Line 2:").wait_for()
    page.get_by_label("…or paste the rows").fill("ada@example.org,mentor1@example.org,7")
    page.get_by_role("button", name="Preview (dry run)").click()
    page.get_by_role("button", name="Import 1 mentorship and send invitations").click()
    page.get_by_text("Imported 1 mentorship").wait_for()
    assert Mentorship.objects.filter(scholar__email="ada@example.org").exists()
    assert console_errors == []
