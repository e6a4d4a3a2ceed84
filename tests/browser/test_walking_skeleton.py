"""The whole loop in a real browser: scholar → brief → mentor → history → staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting
from tests.factories import MeetingFactory, MentorshipFactory, ProgramFactory, UserFactory

from .conftest import axe_violations


@pytest.fixture
def pair(transactional_db):
    staff = UserFactory(username="staff1", display_name="Sam Staff")
    program = ProgramFactory(name="Winter 2027", slug="winter-2027", staff=[staff])
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    mentorship = MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    meeting = MeetingFactory(mentorship=mentorship)
    return scholar, mentor, staff, meeting


def test_it_runs_the_whole_loop_in_a_browser(pair, page_for, console_errors):
    scholar, mentor, staff, meeting = pair

    page = page_for(scholar)
    page.goto("/")
    page.get_by_role("button", name="Prepare your agenda").click()
    page.get_by_label("Main bottleneck").fill("My loss **diverges** after 2k steps.")
    page.get_by_label("New question").fill("Should I lower the learning rate?")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".question-list").get_by_text("Should I lower the learning rate?").wait_for()
    page.get_by_label("What I tried and whom I asked").fill("Asked Priya; tried warm-up.")
    page.get_by_role("button", name="Submit to Maya Chen").click()
    page.get_by_text("Agenda submitted").wait_for()
    assert Agenda.objects.get(meeting=meeting).status == Agenda.Status.SUBMITTED
    assert page.locator("#bottleneck strong").inner_text() == "diverges"

    page = page_for(mentor)
    page.goto("/")
    page.get_by_role("link", name="Brief").click()
    page.locator("#bottleneck summary").click()
    page.locator("#bottleneck textarea").fill("Try a *cosine* schedule.")
    page.locator("#bottleneck").get_by_role("button", name="Add comment").click()
    page.locator("#bottleneck .annotation em").get_by_text("cosine").wait_for()
    page.get_by_label("New action item").fill("Rerun with cosine schedule")
    page.get_by_role("button", name="Add action item").click()
    page.locator("#actions").get_by_text("Rerun with cosine schedule").wait_for()
    # the meeting starts: only now may it be marked held (after a confirmation)
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now() - timedelta(minutes=5))
    page.reload()
    page.get_by_role("button", name="Mark meeting held").click()
    page.get_by_role("button", name="Yes, mark it held").click()
    page.get_by_text("Meeting marked held").wait_for()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD

    page = page_for(scholar)
    page.goto(reverse("history", args=[scholar.pk]))
    page.get_by_text("Try a cosine schedule.").wait_for()
    assert page.get_by_text("Rerun with cosine schedule").first.is_visible()
    assert axe_violations(page) == []

    page = page_for(staff)
    page.goto("/")
    page.get_by_role("link", name="Winter 2027: meeting cadence").click()
    row = page.locator("tbody tr").first
    assert "Ana Lima" in row.inner_text()
    assert "diverges" not in page.content()
    assert console_errors == []
