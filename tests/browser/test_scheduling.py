"""Scheduling in a real browser: a weekly series from the home page, then moving one meeting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import Meeting, MeetingSeries
from tests.factories import MentorshipFactory, ProgramFactory, UserFactory

from .conftest import axe_violations


@pytest.fixture
def pair(transactional_db):
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    return scholar, mentor


def test_it_schedules_a_series_and_moves_one_meeting(pair, page_for, console_errors):
    scholar, mentor = pair
    first = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)

    page = page_for(mentor)
    page.goto("/")
    page.get_by_role("button", name="Recurring meetings").click()
    assert page.get_by_label("Repeat").input_value() == "7"
    page.get_by_label("With").select_option(index=1)
    page.get_by_label("When (your time zone)").fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Number of meetings").fill("60")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("Schedule 1 to 52 meetings at a time.").wait_for()
    assert not MeetingSeries.objects.exists()
    assert axe_violations(page) == []

    page.get_by_label("Number of meetings").fill("4")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("4 meetings scheduled, every 7 days.").wait_for()
    second = Meeting.objects.order_by("scheduled_at")[1]

    page.goto(f"/meetings/{second.pk}/reschedule/")
    page.get_by_label("New time (your time zone)").fill("9999-12-31T23:59")
    page.get_by_role("button", name="Move meeting").click()
    page.get_by_text("Pick a time within two years").wait_for()
    moved = second.scheduled_at + timedelta(days=1)
    page.get_by_label("New time (your time zone)").fill(moved.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Move meeting").click()
    page.get_by_text("Meeting moved.").wait_for()
    second.refresh_from_db()
    assert second.scheduled_at == moved and second.reschedule_count == 1
    assert console_errors == []
