"""The meeting's lifecycle in a real browser: the mentor marks a started meeting held through
the confirmation step, sees the undo, and confirms the proposed next meeting; cancelling works
through the confirmation page without JavaScript too."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

# Set SCREENSHOTS=/some/dir to keep pictures of the confirmation step and the proposal.
SHOTS = os.environ.get("SCREENSHOTS")


@pytest.fixture
def started(transactional_db):
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    pair = MentorshipFactory(program=program, scholar=scholar, mentor=mentor, cadence_days=14)
    start = (timezone.now() - timedelta(minutes=20)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(mentorship=pair, scheduled_at=start, duration_minutes=45)
    agenda = SubmittedAgendaFactory(meeting=meeting, bottleneck="The loss diverges at step 4k.")
    QuestionFactory(agenda=agenda, text="Should I lower the learning rate?")
    return meeting


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_mentor_marks_held_sees_the_undo_and_confirms_the_next_meeting(
    started, page_for, console_errors, width
):
    mentor = started.mentorship.mentor
    page = page_for(mentor, viewport={"width": width, "height": 900})
    page.goto(f"/meetings/{started.pk}/brief/")

    page.get_by_role("button", name="Mark meeting held").click()
    confirm = page.locator("#lifecycle-confirm")
    confirm.get_by_text("Mark this meeting held?").wait_for()
    assert page.url.endswith(f"/meetings/{started.pk}/brief/")  # opened inline with htmx
    started.refresh_from_db()
    assert started.status == Meeting.Status.PLANNED  # asking changes nothing
    assert _fits(page)
    _shot(page, f"confirm-held-{width}")
    assert axe_violations(page) == []

    confirm.get_by_role("button", name="Yes, mark it held").click()
    page.get_by_text("Meeting marked held.").wait_for()
    started.refresh_from_db()
    assert started.status == Meeting.Status.HELD
    assert page.get_by_role("button", name="Undo").is_visible()
    page.get_by_text("Marked held by Maya Chen").wait_for()

    proposed = timezone.localtime(started.scheduled_at + timedelta(days=14))
    label = proposed.strftime("%a %-d %b, %H:%M")
    proposal = page.locator(f"#proposal-{started.mentorship_id}")
    proposal.get_by_text(label).wait_for()
    assert _fits(page)
    _shot(page, f"proposal-{width}")
    assert axe_violations(page) == []

    proposal.get_by_role("button", name="Confirm").click()
    page.get_by_text(f"Next meeting with Ana Lima: {label}.").wait_for()
    nxt = Meeting.objects.get(mentorship=started.mentorship, status="planned")
    assert nxt.scheduled_at == started.scheduled_at + timedelta(days=14)
    assert nxt.duration_minutes == 45
    assert console_errors == []


def test_the_mentors_home_offers_the_proposal(started, page_for, console_errors):
    started.status = Meeting.Status.HELD
    started.save()
    page = page_for(started.mentorship.mentor, viewport={"width": 390, "height": 900})
    page.goto("/")
    row = page.locator(f"#proposal-{started.mentorship_id}")
    row.get_by_text("(proposed)").wait_for()
    _shot(page, "proposal-home-390")
    assert _fits(page)
    page.goto("/")
    page.set_viewport_size({"width": 1280, "height": 900})
    _shot(page, "proposal-home-1280")
    row.get_by_role("link", name="Move…").click()
    assert page.get_by_label("With").input_value() == str(started.mentorship_id)
    assert page.get_by_label("Minutes").input_value() == "45"
    assert console_errors == []


def test_cancelling_asks_on_its_own_page_without_javascript(started, page_for, console_errors):
    page = page_for(started.mentorship.scholar, java_script_enabled=False)
    page.goto(f"/meetings/{started.pk}/reschedule/")
    page.get_by_role("button", name="Cancel only this meeting…").click()
    page.get_by_text("Cancel this meeting?").wait_for()
    assert page.url.endswith(f"/meetings/{started.pk}/cancel/")
    _shot(page, "confirm-cancel-1280")
    page.get_by_role("button", name="Yes, cancel this meeting").click()
    page.get_by_text("Meeting cancelled.").wait_for()
    started.refresh_from_db()
    assert started.status == Meeting.Status.CANCELLED
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Undone: the meeting is planned again (it was cancelled).").wait_for()
    started.refresh_from_db()
    assert started.status == Meeting.Status.PLANNED
