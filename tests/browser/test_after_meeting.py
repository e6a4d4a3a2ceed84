"""In a real browser: after a held meeting the scholar writes the recap and answers "did you get
what you came for?"; the mentor confirms the recap with a correction and gives feedback; the
recap then opens the scholar's next agenda."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import LeadFeedback, Meeting, MeetingOutcome, Recap
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

SHOTS = os.environ.get("SCREENSHOTS")


@pytest.fixture
def held_pair(transactional_db):
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    pair = MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    when = timezone.now() - timedelta(days=1)
    held = MeetingFactory(mentorship=pair, scheduled_at=when, status="held", held_at=when)
    SubmittedAgendaFactory(meeting=held, bottleneck="Probe accuracy is flat.")
    upcoming = MeetingFactory(mentorship=pair)
    return scholar, mentor, held, upcoming


@pytest.mark.parametrize("width", [1280, 390])
def test_a_recap_goes_from_scholar_to_mentor_and_opens_the_next_agenda(
    held_pair, page_for, console_errors, width
):
    scholar, mentor, held, upcoming = held_pair
    page = page_for(scholar, viewport={"width": width, "height": 900})
    page.goto(reverse("home"))
    page.get_by_role("link", name="Write your recap").click()
    page.get_by_label("What I take away").fill("Use a smaller probe first.")
    page.get_by_label("What I'll do next").fill("Rerun on layer 12 by Friday.")
    page.get_by_role("button", name="Save recap").click()
    page.get_by_text("Waiting for the mentor to confirm").wait_for()
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Save answer").click()
    page.get_by_text("Your answer:").wait_for()
    assert Recap.objects.get().next_steps == "Rerun on layer 12 by Friday."
    assert MeetingOutcome.objects.get().answer == "partly"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/recap-scholar-{width}.png", full_page=True)

    mentor_page = page_for(mentor, viewport={"width": width, "height": 900})
    mentor_page.goto(reverse("home"))
    mentor_page.get_by_role("link", name="Confirm Ana Lima's recap").click()
    mentor_page.get_by_label("Correction or addition").fill("Also try layer 8.")
    mentor_page.get_by_role("button", name="Confirm recap").click()
    mentor_page.get_by_text("Confirmed").first.wait_for()
    mentor_page.get_by_label("Clear", exact=True).check()
    mentor_page.get_by_label("Yes", exact=True).check()
    mentor_page.get_by_label("A note for the scholar").fill("You led with the key question.")
    mentor_page.get_by_role("button", name="Save feedback").click()
    mentor_page.locator("#feedback-part .feedback-item").get_by_text("You led with").wait_for()
    assert Recap.objects.get().correction == "Also try layer 8."
    assert LeadFeedback.objects.get().clarity == "clear"
    assert "Partly" in mentor_page.content()  # the answer, as the mentor's trend
    assert axe_violations(mentor_page) == []
    assert mentor_page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        mentor_page.screenshot(path=f"{SHOTS}/recap-mentor-{width}.png", full_page=True)

    page.goto(reverse("agenda", args=[upcoming.pk]))
    page.locator(".last-recap").get_by_text("Rerun on layer 12 by Friday.").wait_for()
    page.locator(".last-recap").get_by_text("Also try layer 8.").wait_for()
    assert Meeting.objects.get(pk=held.pk).is_held
    assert console_errors == []
