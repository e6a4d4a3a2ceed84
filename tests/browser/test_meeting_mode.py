"""In a real browser: a whole 30-minute meeting in meeting mode, the scholar and the mentor in two
browser contexts at once, ending with "mark held"; and the agenda's time budget."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import (
    ActionItem,
    Annotation,
    Capture,
    LiveMeeting,
    Meeting,
    MeetingNote,
    Question,
)
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

SEEN_WITHIN_MS = 2000  # each sees the other's captures within two seconds


@pytest.fixture
def meeting(transactional_db, settings):
    settings.MEETING_READING_SECONDS = 3
    settings.MEETING_POLL_MS = 500
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    meeting = MeetingFactory(
        mentorship=MentorshipFactory(program=program, scholar=scholar, mentor=mentor),
        # It has started: marking held is allowed from the meeting's start time.
        scheduled_at=timezone.now() - timedelta(minutes=2),
        duration_minutes=30,
    )
    agenda = SubmittedAgendaFactory(
        meeting=meeting,
        decision="Go or no-go on the larger model",
        bottleneck="Loss diverges after 2k steps.",
    )
    QuestionFactory(
        agenda=agenda, text="Should I lower the learning rate?", rank=1, estimate_minutes=10
    )
    QuestionFactory(agenda=agenda, text="Which ablation first?", rank=2, estimate_minutes=10)
    QuestionFactory(agenda=agenda, text="Is the workshop worth it?", rank=3, estimate_minutes=5)
    return meeting


def _open(page, meeting):
    page.goto(reverse("live", args=[meeting.pk]))
    expect(page.locator("#live[data-ready]")).to_have_count(1)


def _capture_by_key(page, key, text):
    page.locator("body").click(position={"x": 5, "y": 5})  # nothing focused: keys are commands
    page.keyboard.press(key)
    expect(page.locator("#capture-text")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.locator("#capture-list li", has_text=text)).to_have_count(1)
    expect(page.locator("#capture-text")).to_have_value("")


def test_a_whole_meeting_with_both_pages_open(meeting, page_for, console_errors):
    scholar_page = page_for(meeting.mentorship.scholar)
    mentor_page = page_for(meeting.mentorship.mentor, viewport={"width": 390, "height": 844})
    _open(scholar_page, meeting)
    _open(mentor_page, meeting)

    # The silent read: the brief alone, opening with the decision needed; it ends by itself.
    scholar_page.locator("#move-read").click()
    assert console_errors == []
    for page in (scholar_page, mentor_page):
        expect(page.locator("#live-state[data-phase=reading]")).to_have_count(1)
        expect(page.locator(".live-brief .decision-first")).to_contain_text("Go or no-go")
    for page in (scholar_page, mentor_page):
        expect(page.locator(".live-question")).to_have_text(
            "Should I lower the learning rate?", timeout=6000
        )
        expect(page.locator("#question-timer")).to_be_visible()

    # One key each; each sees the other's capture within two seconds.
    _capture_by_key(mentor_page, "a", "Halve it and add warm-up")
    expect(scholar_page.locator("#capture-list li", has_text="Halve it")).to_have_count(
        1, timeout=SEEN_WITHIN_MS
    )
    _capture_by_key(scholar_page, "d", "Keep the 1B model for now")
    expect(mentor_page.locator("#capture-list li", has_text="Keep the 1B")).to_have_count(
        1, timeout=SEEN_WITHIN_MS
    )

    # The scholar is half-way through typing when the mentor's capture and a poll arrive:
    # the half-typed text stays, and both captures end up on both pages.
    scholar_page.locator("#capture-text").fill("Log the grad norm")
    _capture_by_key(mentor_page, "i", "Maya sends the warm-up paper")
    expect(scholar_page.locator("#capture-list li", has_text="warm-up paper")).to_have_count(
        1, timeout=SEEN_WITHIN_MS
    )
    expect(scholar_page.locator("#capture-text")).to_have_value("Log the grad norm")
    scholar_page.locator("#kind-action").click()
    expect(mentor_page.locator("#capture-list li", has_text="grad norm")).to_have_count(
        1, timeout=SEEN_WITHIN_MS
    )

    # "n" moves both pages on; then the buttons, to the end.
    mentor_page.locator("body").click(position={"x": 5, "y": 5})
    mentor_page.keyboard.press("n")
    for page in (scholar_page, mentor_page):
        expect(page.locator(".live-question")).to_have_text("Which ablation first?")
    scholar_page.locator("#kind-answer").click()  # an empty box: the button picks the kind
    expect(scholar_page.locator("#capture-text")).to_be_focused()
    scholar_page.keyboard.type("Seeds before widths")
    scholar_page.keyboard.press("Enter")
    scholar_page.locator("#move-next").click()
    expect(mentor_page.locator(".live-question")).to_have_text("Is the workshop worth it?")
    mentor_page.locator("#move-next").click()
    for page in (scholar_page, mentor_page):
        expect(page.locator("#live-state[data-phase=end]")).to_have_count(1)
    assert mentor_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(mentor_page) == []

    # Mark held: everything goes into the record, and the scholar's page follows.
    mentor_page.locator("#end-meeting").click()
    mentor_page.locator("#confirm-held").click()
    expect(mentor_page.locator(".messages")).to_contain_text("5 captures filed")
    expect(scholar_page).to_have_url(
        f"{scholar_page.url.split('/meetings/')[0]}{reverse('brief', args=[meeting.pk])}",
        timeout=3000,
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert set(MeetingNote.objects.values_list("kind", "body")) == {
        ("decision", "Keep the 1B model for now")
    }
    assert set(ActionItem.objects.values_list("text", flat=True)) == {
        "Maya sends the warm-up paper",
        "Log the grad norm",
    }
    answers = dict(Annotation.objects.values_list("body", "question__text"))
    assert answers == {
        "Halve it and add warm-up": "Should I lower the learning rate?",
        "Seeds before widths": "Which ablation first?",
    }
    assert Question.objects.filter(status="discussed").count() == 2
    assert not Capture.objects.filter(filed_at__isnull=True).exists()
    for text in ("Keep the 1B model for now", "Log the grad norm", "Halve it and add warm-up"):
        expect(mentor_page.locator("#brief")).to_contain_text(text)
    assert console_errors == []


def test_a_stale_move_and_a_refusal_are_explained(meeting, page_for, console_errors):
    """The page's htmx answers that are not plain successes: a move from a page that had not
    heard of the other's move (409: shown where the meeting is), a refused capture (the reason,
    and the text kept), a refused "mark held" (why)."""
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now() + timedelta(days=1))
    scholar_page = page_for(meeting.mentorship.scholar)
    mentor_page = page_for(meeting.mentorship.mentor)
    _open(scholar_page, meeting)
    _open(mentor_page, meeting)
    scholar_page.locator("#move-start").click()
    expect(mentor_page.locator(".live-question")).to_have_text("Should I lower the learning rate?")
    # The scholar's page hears nothing for a while; both press "next" from the first question.
    scholar_page.route("**/live/poll/**", lambda route: route.abort())
    mentor_page.locator("#move-next").click()
    expect(mentor_page.locator(".live-question")).to_have_text("Which ablation first?")
    scholar_page.locator("#move-next").click()
    expect(scholar_page.locator(".live-question")).to_have_text("Which ablation first?")
    expect(scholar_page.locator("#capture-status")).to_contain_text("had moved on already")
    scholar_page.unroute("**/live/poll/**")
    assert Capture.objects.count() == 0
    scholar_page.locator("#capture-text").fill("x" * 301)
    scholar_page.locator("#kind-action").click()
    expect(scholar_page.locator("#capture-status")).to_contain_text(
        "Not added: An action item has at most 300 characters."
    )
    expect(scholar_page.locator("#capture-text")).to_have_value("x" * 301)
    # Both pages open would let it begin early: as if only the mentor had opened meeting mode,
    # a day before its time, marking it held is refused.
    LiveMeeting.objects.filter(meeting=meeting).update(scholar_opened_at=None)
    mentor_page.locator("#end-meeting").click()
    mentor_page.locator("#confirm-held").click()
    expect(mentor_page.locator("#held-status")).to_contain_text(
        "Not marked held: This meeting starts on"
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and Capture.objects.count() == 0
    # The browser and htmx log the refusals and the polls cut off; no script error besides.
    expected = (
        "Failed to load resource",
        "Status Error Code 422",
        "htmx:afterRequest",
        "htmx:sendError",
    )
    assert [e for e in console_errors if not any(text in e for text in expected)] == []


def test_the_agenda_budget_suggests_and_moves_questions_to_writing(
    meeting, page_for, console_errors
):
    Meeting.objects.filter(pk=meeting.pk).update(scheduled_at=timezone.now() + timedelta(days=2))
    agenda = meeting.agenda
    QuestionFactory(agenda=agenda, text="Can we talk about the poster?", rank=4, estimate_minutes=8)
    page = page_for(meeting.mentorship.scholar, viewport={"width": 390, "height": 844})
    page.goto(reverse("agenda", args=[meeting.pk]))
    expect(page.locator("#budget")).to_contain_text("33 of 30 min")
    expect(page.locator("#budget")).to_contain_text("3 min over")
    expect(page.locator(".budget-suggestion")).to_contain_text("Can we talk about the poster?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Minutes save on change and the total follows.
    first = agenda.questions.get(rank=1)
    page.locator(f"#q{first.pk}-minutes").fill("6")
    page.locator(f"#q{first.pk}-minutes").press("Tab")
    expect(page.locator("#budget")).to_contain_text("29 of 30 min")
    page.locator(f"#q{first.pk}-minutes").fill("12")
    page.locator(f"#q{first.pk}-minutes").press("Tab")
    expect(page.locator("#budget")).to_contain_text("35 of 30 min")
    page.locator("#budget-move").click()
    expect(page.locator("#budget")).to_contain_text("27 of 30 min")
    expect(page.locator("#budget")).to_contain_text("1 to answer in writing")
    assert Question.objects.get(text="Can we talk about the poster?").in_writing
    assert axe_violations(page) == []
    assert console_errors == []
