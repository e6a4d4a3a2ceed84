"""In a real browser at desktop and phone width: what stops a submit and the way to each field,
the agenda on a phone (first screen, energy scale, growing text), the brief's buttons, triage
and note form, the "Changes" page and the history's reading list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.models import ActionItem, Meeting, Question
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MentorshipFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

WIDTHS = [1280, 390]
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def _viewport(width: int) -> dict:
    return {"width": width, "height": 844 if width < 500 else 900}


@pytest.fixture
def pair(transactional_db):
    mentorship = MentorshipFactory(
        scholar=UserFactory(username="ana", display_name="Ana Lima"),
        mentor=UserFactory(username="maya", display_name="Maya Chen"),
    )
    last = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timezone.timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    SubmittedAgendaFactory(
        meeting=last, reading="- [Adam](https://example.org/adam) helped\n- Another paper"
    )
    ActionItemFactory(mentorship=mentorship, meeting=last, text="Rerun with 3 seeds")
    ActionItemFactory(
        mentorship=mentorship, meeting=last, text="Send a contact", owner=ActionItem.Owner.MENTOR
    )
    return mentorship, MeetingFactory(mentorship=mentorship)


def _box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def _bar_top(page) -> float:
    return _box(page, ".agenda-bar")["y"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_failed_submit_leads_to_each_field_clear_of_the_save_bar(
    pair, page_for, console_errors, width
):
    mentorship, meeting = pair
    page = page_for(mentorship.scholar, viewport=_viewport(width))
    page.goto(reverse("agenda", args=[meeting.pk]))
    # The list is a sentence while empty, not a numbered item.
    assert page.locator("#questions ol").count() == 0
    page.locator("#question-list-empty").get_by_text("No questions yet.").wait_for()
    page.get_by_role("button", name="Submit to Maya Chen").click()

    summary = page.locator("#error-summary")
    summary.get_by_text("Your draft is saved, but it cannot be submitted yet:").wait_for()
    links = summary.get_by_role("link")
    assert links.all_inner_texts() == ["Main bottleneck", "Questions"]
    # Focus is on the first field to fix, with its error message in view above the bar.
    page.wait_for_function("document.activeElement.id === 'id_bottleneck'")
    error = _box(page, "#id_bottleneck_error")
    assert error["y"] >= 0 and error["y"] + error["height"] <= _bar_top(page)
    assert _box(page, "label[for=id_bottleneck]")["y"] >= 0

    page.evaluate("window.scrollTo(0, 0)")
    links.nth(1).click()
    page.wait_for_function("document.activeElement.id === 'id_new_question'")
    question_error = _box(page, "#questions-error")
    new_question = _box(page, "#id_new_question")
    assert question_error["y"] >= 0
    assert new_question["y"] + new_question["height"] <= _bar_top(page)

    page.keyboard.type("Which seed first?")
    page.keyboard.press("Enter")
    page.locator("#question-list").get_by_text("Which seed first?").wait_for()
    assert page.locator("#question-list-empty").count() == 0
    assert axe_violations(page) == []
    assert page.evaluate(FITS)
    assert console_errors == []


def test_the_summary_has_its_links_without_javascript(pair, browser, live_server):
    from django.conf import settings
    from django.test import Client

    mentorship, meeting = pair
    client = Client()
    client.force_login(mentorship.scholar)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(reverse("agenda", args=[meeting.pk]))
        page.get_by_role("button", name="Submit to Maya Chen").click()
        link = page.locator("#error-summary").get_by_role("link", name="Main bottleneck")
        assert link.get_attribute("href") == "#id_bottleneck"
        link.click()
        page.wait_for_url("**#id_bottleneck")
        error = _box(page, "#id_bottleneck_error")
        assert error["y"] >= 0 and error["y"] + error["height"] <= _bar_top(page)
    finally:
        context.close()


def test_on_a_phone_the_first_field_is_on_the_first_screen(pair, page_for, console_errors):
    """The agenda opens with the decision or help needed most, then the bottleneck."""
    mentorship, meeting = pair
    page = page_for(mentorship.scholar, viewport=_viewport(390))
    page.goto(reverse("agenda", args=[meeting.pk]))
    field = _box(page, "#id_decision")
    bar = _box(page, ".agenda-bar")
    assert field["y"] + field["height"] <= bar["y"]
    assert bar["height"] <= 90  # two compact rows: status and words, then the buttons
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_energy_scale_names_its_ends_and_stays_on_one_line(
    pair, page_for, console_errors, width
):
    mentorship, meeting = pair
    page = page_for(mentorship.scholar, viewport=_viewport(width))
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.get_by_label("1 drained").check()
    page.get_by_label("5 energised").check()
    tops = page.locator(".energy input").evaluate_all(
        "inputs => inputs.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(tops) == 6 and len(set(tops)) == 1
    scale = _box(page, ".energy")
    last = _box(page, ".energy-option:last-child small")
    assert last["x"] + last["width"] <= scale["x"] + scale["width"] + 1
    assert page.evaluate(FITS)
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    assert console_errors == []


def test_text_areas_grow_with_their_text(pair, page_for, console_errors):
    mentorship, meeting = pair
    page = page_for(mentorship.scholar, viewport=_viewport(390))
    page.goto(reverse("agenda", args=[meeting.pk]))
    progress = page.get_by_label("Progress since last time")
    before = progress.bounding_box()["height"]
    progress.fill("\n".join(f"Result {i}" for i in range(12)))
    page.wait_for_function(
        "h => document.getElementById('id_progress').getBoundingClientRect().height > h * 2",
        arg=before,
    )
    fits = "(e => e.scrollHeight <= e.clientHeight + 2)(document.getElementById('id_progress'))"
    assert page.evaluate(fits)
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    assert console_errors == []


def test_a_scholar_without_a_research_manager_is_offered_mentors_only(pair, page_for):
    mentorship, meeting = pair
    page = page_for(mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    options = page.locator("#id_wellbeing_visibility option").all_inner_texts()
    assert options == ["Only me", "My mentors"]


@pytest.fixture
def submitted(pair):
    mentorship, meeting = pair
    agenda = agendas.start(meeting)
    first = agendas.add_question(agenda, "Should I lower the learning rate?", mentorship.scholar)
    second = agendas.add_question(agenda, "Which ablation first?", mentorship.scholar)
    agenda.refresh_from_db()
    agendas.reorder_questions(agenda, [second.pk, first.pk], mentorship.scholar)
    agenda.refresh_from_db()
    fields = {"bottleneck": "Loss diverges.", "tried": "Asked Priya.", "wellbeing_energy": 3}
    agendas.save_fields(agenda, fields, agenda.version, mentorship.scholar)
    agenda.refresh_from_db()
    agendas.submit(agenda, mentorship.scholar)
    Question.objects.filter(pk=first.pk).update(status="answered", answer="Yes: halve it.")
    return mentorship, meeting, first, second


@pytest.mark.parametrize("width", WIDTHS)
def test_the_brief_offers_buttons_that_look_like_buttons_and_only_sensible_moves(
    submitted, page_for, console_errors, width
):
    mentorship, meeting, answered, open_one = submitted
    page = page_for(mentorship.mentor, viewport=_viewport(width))
    page.goto(reverse("brief", args=[meeting.pk]))
    for label in ("Comment", "Comment on this question", "Edit answer", "Answer in writing"):
        control = page.get_by_role("button", name=label, exact=True).first
        border = control.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)")
        assert border >= 1, label
    answered_item = page.locator(f"#q{answered.pk}")
    assert answered_item.locator(".triage button").all_inner_texts() == [
        "Mark discussed",
        "Mark resolved",
    ]
    answered_item.get_by_role("button", name="Mark resolved").click()
    page.locator(f"#q{answered.pk}.state-resolved").wait_for()
    assert page.locator(f"#q{answered.pk} .triage button").all_inner_texts() == ["Reopen"]
    page.get_by_role("button", name="Reopen").click()
    page.locator(f"#q{answered.pk}.state-answered").wait_for()
    assert Question.objects.get(pk=answered.pk).status == "answered"

    # The note form: each label above its field, the fields as wide as the form.
    form = _box(page, ".note-form")
    kind, body = _box(page, "#id_note_kind"), _box(page, "#id_note_body")
    assert _box(page, "label[for=id_note_kind]")["y"] < kind["y"] < body["y"]
    assert _box(page, "label[for=id_note_body]")["y"] > kind["y"]
    assert abs(kind["x"] - body["x"]) < 1 and abs(kind["width"] - body["width"]) < 1
    assert abs(kind["width"] - form["width"]) < 1
    page.get_by_label("Text").fill("We keep the schedule.")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator("#notes").get_by_text("We keep the schedule.").wait_for()
    assert axe_violations(page) == []
    assert page.evaluate(FITS)
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_changes_page_speaks_the_forms_language(submitted, page_for, console_errors, width):
    mentorship, meeting, first, second = submitted
    page = page_for(mentorship.scholar, viewport=_viewport(width))
    page.goto(reverse("agenda_revisions", args=[meeting.pk]))
    page.get_by_text("What I tried and whom I asked", exact=True).wait_for()
    order = page.locator(".order-change")
    assert order.locator("ol").nth(0).locator("li").all_inner_texts() == [
        "Should I lower the learning rate?",
        "Which ablation first?",
    ]
    assert order.locator("ol").nth(1).locator("li").all_inner_texts() == [
        "Which ablation first?",
        "Should I lower the learning rate?",
    ]
    status = page.locator(".choice-change").filter(has_text="Submitted")
    assert status.locator("del").inner_text() == "Draft"
    assert status.locator("ins").inner_text() == "Submitted"
    text = page.locator("main").inner_text()
    assert "draft →" not in text and "What i tried" not in text
    assert axe_violations(page) == []
    assert page.evaluate(FITS)
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_history_names_owners_and_keeps_the_reading_list_in_its_card(
    pair, page_for, console_errors, width
):
    """What the scholar read for a meeting sits with that meeting, its list inside the entry."""
    mentorship, _ = pair
    page = page_for(mentorship.mentor, viewport=_viewport(width))
    page.goto(reverse("history", args=[mentorship.scholar_id]))
    items = page.locator(".history-entry .items li").all_inner_texts()
    assert any(t.endswith("· Ana Lima") for t in items)
    assert any(t.endswith("· Maya Chen") for t in items)
    entry = page.locator(".history-entry", has=page.locator(".h-reading")).first
    card = entry.locator(".h-reading")
    entry_box = entry.bounding_box()
    assert card.get_by_text("What I read").is_visible()
    for item in card.locator(".md li").all():
        box = item.bounding_box()
        assert box["x"] - entry_box["x"] < 80  # the entry's padding and the bullet's indent
        assert box["x"] + box["width"] <= entry_box["x"] + entry_box["width"]
    link = card.get_by_role("link", name="Adam")
    text = card.locator(".md li").first
    assert abs(link.bounding_box()["y"] - text.bounding_box()["y"]) < 4  # inline, one line
    assert page.evaluate(FITS)
    assert console_errors == []
