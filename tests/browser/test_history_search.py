"""In a real browser: searching a scholar's history, the highlighted results, landing on the
meeting, the questions chart, and the page at desktop and phone widths."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting, ProgressLine, Question, ReadingEntry
from tests.factories import (
    ActionItemFactory,
    AnnotationFactory,
    MeetingFactory,
    MeetingNoteFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set it to keep screenshots of the page


def _held(mentorship, days_ago: int, **agenda) -> Agenda:
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    return SubmittedAgendaFactory(meeting=meeting, **agenda)


@pytest.fixture
def history(transactional_db):
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    pair = MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    first = _held(pair, 21, bottleneck="The learning rate schedule makes the loss spike.")
    q1 = QuestionFactory(agenda=first, text="Should I lower the learning rate?", rank=1)
    QuestionFactory(agenda=first, text="Which dataset split?", status=Question.Status.RESOLVED)
    AnnotationFactory(
        agenda=first, question=q1, section="question", body="Halve the learning rate first."
    )
    second = _held(pair, 14, progress="Warm-up fixed the spikes in the loss curve.")
    q2 = QuestionFactory(
        agenda=second, text="Should I lower the learning rate?", carried_from=q1, rank=1
    )
    q2.status = Question.Status.RESOLVED
    q2.answer = "Yes: a learning rate of 3e-4 with warm-up."
    q2.save()
    MeetingNoteFactory(meeting=second.meeting, body="Decided: keep warm-up for every run.")
    third = _held(pair, 7, bottleneck="Evaluation takes a whole day.")
    QuestionFactory(agenda=third, text="Can we subsample the evaluation set?")
    ActionItemFactory(mentorship=pair, meeting=third.meeting, text="Try a 10% evaluation subset")
    ReadingEntry.objects.create(
        scholar=scholar, title="Adam revisited", takeaway="Adaptive optimisers hide a bad schedule"
    )
    ProgressLine.objects.create(scholar=scholar, text="The loss curve is smooth since the warm-up")
    return scholar, mentor, q2


def test_it_finds_highlights_and_opens_the_matching_part_of_the_meeting(
    history, page_for, console_errors
):
    scholar, mentor, answered = history
    page = page_for(mentor)
    page.goto(reverse("history", args=[scholar.pk]))
    page.evaluate("window.__noReload = true")
    page.get_by_role("searchbox").fill("learning rates")
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results .search-meeting").first.wait_for()
    assert page.evaluate("window.__noReload === true")  # htmx swapped the results in
    # every meeting matches: the factory's "What I tried" mentions the learning rate too
    assert page.locator("#search-results .search-meeting").count() == 3
    marks = page.locator("#search-results mark").all_inner_texts()
    assert {m.lower() for m in marks} >= {"learning", "rate"}
    assert page.url.endswith("/search/?q=learning%20rates")  # the address can be shared

    page.locator(".search-hit", has_text="Answer").click()
    page.wait_for_url(f"**/meetings/{answered.agenda.meeting_id}/brief/#q{answered.pk}")
    assert page.locator(f"#q{answered.pk}").is_visible()
    assert "3e-4" in page.locator(f"#q{answered.pk}").inner_text()
    assert console_errors == []


def test_it_finds_the_reading_and_progress_log_and_opens_the_reading_page(
    history, page_for, console_errors
):
    scholar, mentor, _ = history
    entry = ReadingEntry.objects.get(scholar=scholar)
    page = page_for(mentor)
    page.goto(reverse("history", args=[scholar.pk]))
    page.get_by_role("searchbox").fill("optimisers")
    page.get_by_role("button", name="Search").click()
    log = page.locator("#search-results .search-log")
    log.wait_for()
    assert "Reading and progress log" in log.inner_text()
    assert page.locator("#search-results mark").all_inner_texts() == ["optimisers"]
    log.locator(".search-hit", has_text="Takeaway").click()
    page.wait_for_url(f"**/scholars/{scholar.pk}/reading/#r{entry.pk}")
    assert page.locator(f"#r{entry.pk}").is_visible()
    assert console_errors == []


def test_it_searches_as_you_type(history, page_for, console_errors):
    scholar, _, _ = history
    page = page_for(scholar)
    page.goto(reverse("history", args=[scholar.pk]))
    page.get_by_role("searchbox").press_sequentially("warm-up", delay=20)
    page.locator("#search-results mark", has_text="warm").first.wait_for()
    assert "note or decision" in page.locator("#search-results").inner_text().lower()
    assert console_errors == []


def test_it_searches_without_javascript(history, page_for):
    scholar, _, _ = history
    page = page_for(scholar, java_script_enabled=False)
    page.goto(reverse("history", args=[scholar.pk]))
    page.get_by_role("searchbox").fill("evaluation")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/history/search/?q=evaluation")
    assert page.locator("h1").inner_text() == "Ana Lima: search"
    assert page.locator("#search-results mark").count() >= 2


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_with_results_and_chart_fits_and_passes_axe(history, page_for, width):
    scholar, mentor, _ = history
    page = page_for(mentor, viewport={"width": width, "height": 900})
    page.goto(reverse("history", args=[scholar.pk]))
    page.get_by_role("searchbox").fill("loss")
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results mark").first.wait_for()
    chart = page.get_by_role("img", name="Questions over 3 meetings")
    assert chart.is_visible()
    assert "3 asked, 2 resolved, 1 open" in page.locator("#questions-summary").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/history-search-{width}.png", full_page=True)
    assert axe_violations(page) == []
