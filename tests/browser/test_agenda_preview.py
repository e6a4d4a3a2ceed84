"""Preview equals the mentor's brief; agenda and brief pass axe and read well at phone width."""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, Meeting
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

AGENDA_CONTENT = "#bottleneck, #questions, #tried, #progress, #reading, #asks"
CONTENT_JS = """selector => Array.from(document.querySelectorAll(selector)).map(section => {
    const copy = section.cloneNode(true);
    copy.querySelectorAll('form, details, .no-print').forEach(e => e.remove());
    return copy.textContent.replace(/\\s+/g, ' ').trim();
})"""


@pytest.fixture
def meeting(transactional_db):
    mentorship = MentorshipFactory(
        scholar=UserFactory(username="ana", display_name="Ana Lima"),
        mentor=UserFactory(username="maya", display_name="Maya Chen"),
    )
    last = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timezone.timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    QuestionFactory(agenda=SubmittedAgendaFactory(meeting=last), text="Carried: which seed?")
    ActionItemFactory(mentorship=mentorship, meeting=last, text="Rerun with 3 seeds")
    ActionItemFactory(
        mentorship=mentorship, meeting=last, text="Send a contact", owner=ActionItem.Owner.MENTOR
    )
    return MeetingFactory(mentorship=mentorship)


def test_it_previews_the_brief_exactly_as_the_mentor_will_see_it(meeting, page_for, console_errors):
    scholar, mentor = meeting.mentorship.scholar, meeting.mentorship.mentor
    page = page_for(scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.get_by_label("Main bottleneck").fill("My loss **diverges** after 2k steps.")
    page.get_by_label("New question").fill("Should I lower the learning rate?")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".question-list").get_by_text("Should I lower the learning rate?").wait_for()
    page.get_by_label("Progress since last time").fill("- baseline\n- harness")
    # Straight to the preview: what was just typed is saved first.
    page.get_by_role("link", name="Preview the brief").click()
    page.wait_for_url(f"**{reverse('brief', args=[meeting.pk])}")
    assert page.locator("#bottleneck strong").inner_text() == "diverges"
    assert page.locator("#progress li").all_inner_texts() == ["baseline", "harness"]
    preview = page.evaluate(CONTENT_JS, AGENDA_CONTENT)

    page.goto(reverse("agenda", args=[meeting.pk]))
    page.get_by_role("button", name="Submit to Maya Chen").click()
    # The same bottleneck as last time: the stuck prompt asks once, then submits anyway.
    page.get_by_role("button", name="Submit anyway").click()
    page.get_by_text("Agenda submitted").wait_for()
    mentor_page = page_for(mentor)
    mentor_page.goto(reverse("brief", args=[meeting.pk]))
    assert mentor_page.evaluate(CONTENT_JS, AGENDA_CONTENT) == preview
    assert len(preview) == 6 and "Should I lower the learning rate?" in preview[1]
    assert console_errors == []


@pytest.mark.parametrize("width", [1280, 375])
def test_it_has_no_serious_axe_violations_and_fits_the_screen(
    meeting, page_for, console_errors, width
):
    scholar, mentor = meeting.mentorship.scholar, meeting.mentorship.mentor
    viewport = {"width": width, "height": 800}
    page = page_for(scholar, viewport=viewport)
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.get_by_label("Main bottleneck").fill("Too much to say.")
    page.get_by_label("Progress since last time").fill("word " * 460)
    page.locator("#length-warning").get_by_text("Over one page").wait_for()
    page.get_by_role("button", name="Drop “Carried: which seed?”").click()
    page.locator("#set-aside").wait_for()
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    page.get_by_role("button", name="Submit to Maya Chen").click()  # no question left: stopped
    page.get_by_text("cannot be submitted yet").wait_for()
    page.locator("#questions-error").get_by_text("Add at least one question").wait_for()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("New question").fill("Which part should I cut?")
    page.get_by_label("New question").press("Enter")
    page.locator(".question-list").get_by_text("Which part should I cut?").wait_for()
    page.get_by_role("button", name="Submit to Maya Chen").click()
    page.get_by_text("Agenda submitted").wait_for()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    mentor_page = page_for(mentor, viewport=viewport)
    mentor_page.goto(reverse("brief", args=[meeting.pk]))
    assert axe_violations(mentor_page) == []
    assert mentor_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert console_errors == []
