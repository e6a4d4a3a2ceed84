"""Ranking questions, the brevity meter and carry-forward, in a real browser."""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ONE_PAGE_WORDS, ActionItem, Agenda, Meeting, Question
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)


@pytest.fixture
def mentorship(transactional_db):
    return MentorshipFactory(
        scholar=UserFactory(username="ana", display_name="Ana Lima"),
        mentor=UserFactory(username="maya", display_name="Maya Chen"),
    )


def _texts(page):
    return [t.strip() for t in page.locator(".question-list .q-text").all_inner_texts()]


def _ranked(meeting):
    return list(Question.objects.filter(agenda__meeting=meeting).values_list("text", flat=True))


def test_it_saves_the_order_from_drag_and_drop_and_from_the_keyboard(
    mentorship, page_for, console_errors
):
    meeting = MeetingFactory(mentorship=mentorship)
    agenda = Agenda.objects.create(meeting=meeting)
    for rank, text in enumerate(["First?", "Second?", "Third?"], start=1):
        QuestionFactory(agenda=agenda, text=text, rank=rank)
    page = page_for(mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))

    # Drag the third question to the top by its handle (clear of the sticky save bar).
    page.locator("#questions").evaluate("section => section.scrollIntoView()")
    handle = page.locator("#question-list .question-item").nth(2).locator(".drag-handle")
    target = page.locator("#question-list .question-item").nth(0)
    handle.drag_to(target, target_position={"x": 10, "y": 3})
    page.locator("#questions-status").get_by_text("New order saved.").wait_for()
    assert _ranked(meeting) == ["Third?", "First?", "Second?"]
    assert _texts(page) == ["Third?", "First?", "Second?"]

    # Keyboard only: focus "move down" on the top question and press Enter twice.
    page.locator("#question-list .question-item").first.get_by_role("button", name="down").focus()
    page.keyboard.press("Enter")
    page.locator("#questions-status").get_by_text("position 2 of 3").wait_for()
    page.keyboard.press("Enter")  # focus stayed on the same question's button
    page.locator("#questions-status").get_by_text("position 3 of 3").wait_for()
    assert _ranked(meeting) == ["First?", "Second?", "Third?"]
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "Third?" in focused

    page.reload()
    assert _texts(page) == ["First?", "Second?", "Third?"]
    page.goto(reverse("brief", args=[meeting.pk]))
    assert [t.strip() for t in page.locator(".brief-questions .bq-text").all_inner_texts()] == [
        "First?",
        "Second?",
        "Third?",
    ]
    assert console_errors == []


def test_it_warns_when_the_brief_grows_over_one_page(mentorship, page_for, console_errors):
    meeting = MeetingFactory(mentorship=mentorship)
    page = page_for(mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    warning = page.locator("#length-warning")
    assert warning.inner_text() == ""
    page.get_by_label("Progress since last time").fill("word " * (ONE_PAGE_WORDS - 10))
    assert page.locator("#word-total").inner_text() == str(ONE_PAGE_WORDS - 10)
    assert warning.inner_text() == ""
    page.get_by_label("What I read").fill("one two three four five six seven eight nine ten 11")
    warning.get_by_text("Over one page").wait_for()
    assert page.locator("#field-reading .word-count").inner_text() == "11 words"
    assert page.locator("#word-total").inner_text() == str(ONE_PAGE_WORDS + 1)
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")

    # Submission is still allowed, and the mentor sees the badge.
    page.get_by_label("Main bottleneck").fill("Too much to say.")
    page.get_by_label("New question").fill("Which part should I cut?")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".question-list").get_by_text("Which part should I cut?").wait_for()
    page.get_by_role("button", name="Submit to Maya Chen").click()
    page.get_by_text("Agenda submitted").wait_for()
    mentor_page = page_for(mentorship.mentor)
    mentor_page.goto(reverse("brief", args=[meeting.pk]))
    assert mentor_page.locator(".brief-badges").get_by_text("Over one page").is_visible()
    assert console_errors == []


def test_it_carries_open_items_into_the_next_agenda_to_keep_finish_or_drop(
    mentorship, page_for, console_errors
):
    last = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timezone.timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    old = SubmittedAgendaFactory(meeting=last)
    QuestionFactory(agenda=old, text="Still open: which seed?", rank=1)
    QuestionFactory(agenda=old, text="No longer relevant?", rank=2)
    QuestionFactory(agenda=old, text="Answered already?", rank=3, status=Question.Status.ANSWERED)
    mine = ActionItemFactory(mentorship=mentorship, meeting=last, text="Rerun with 3 seeds")
    ActionItemFactory(
        mentorship=mentorship,
        meeting=last,
        text="Send the cluster contact",
        owner=ActionItem.Owner.MENTOR,
    )
    meeting = MeetingFactory(mentorship=mentorship)

    page = page_for(mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    carry = page.locator(".carry-box")
    assert "Rerun with 3 seeds" in carry.inner_text()
    assert "Send the cluster contact" in carry.inner_text()
    assert carry.get_by_role("button", name="Send the cluster contact").count() == 0
    assert _texts(page) == [
        "Still open: which seed? from last time",
        "No longer relevant? from last time",
    ]

    carry.get_by_role("button", name="Mark done: Rerun with 3 seeds").click()
    page.locator("#questions-status").get_by_text("marked done").wait_for()
    mine.refresh_from_db()
    assert mine.done

    page.get_by_role("button", name="Drop “No longer relevant?”").click()
    page.locator("#questions-status").get_by_text("Question dropped").wait_for()
    assert _texts(page) == ["Still open: which seed? from last time"]
    assert page.locator("#set-aside").get_by_text("No longer relevant?").count() == 1
    dropped = Question.objects.get(agenda__meeting=meeting, text="No longer relevant?")
    assert dropped.status == Question.Status.DROPPED

    page.locator("#set-aside summary").click()
    page.get_by_role("button", name="Keep “No longer relevant?”").click()
    page.locator("#questions-status").get_by_text("Question kept").wait_for()
    assert len(_texts(page)) == 2
    page.get_by_role("button", name="Drop “No longer relevant?”").click()
    page.locator("#questions-status").get_by_text("Question dropped").wait_for()

    page.goto(reverse("history", args=[mentorship.scholar.pk]))
    assert page.get_by_text("Rerun with 3 seeds").first.is_visible()
    # Dropped, it is not a question for the mentor: the history lists only last meeting's.
    entries = page.locator(".history-questions li").filter(has_text="No longer relevant?")
    assert entries.count() == 1 and "Dropped" not in entries.inner_text()
    assert console_errors == []


def test_it_can_be_drafted_with_the_keyboard_alone(mentorship, page_for, console_errors):
    meeting = MeetingFactory(mentorship=mentorship)
    page = page_for(mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
        if reached[-1] == "id_bottleneck":
            break
    page.keyboard.type("Keyboard only bottleneck")
    while page.evaluate("document.activeElement.id") != "id_new_question":
        page.keyboard.press("Tab")
    page.keyboard.type("Typed and added with Enter?")
    page.keyboard.press("Enter")
    page.locator("#questions[data-ready]").get_by_text("Typed and added with Enter?").wait_for()
    # Focus comes back to the input once the list is swapped in: ready for the next question.
    page.wait_for_function("document.activeElement.id === 'id_new_question'")
    page.keyboard.type("A second one?")
    page.keyboard.press("Enter")
    page.locator("#questions[data-ready]").get_by_text("A second one?").wait_for()
    page.wait_for_function("document.activeElement.id === 'id_new_question'")
    page.keyboard.press("Shift+Tab")  # back through the list: the second question's controls
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Move “A second one?” up"
    )
    page.keyboard.press("Enter")
    page.locator("#questions-status").get_by_text("position 1 of 2").wait_for()
    assert _ranked(meeting) == ["A second one?", "Typed and added with Enter?"]
    page.locator("#question-list .question-item").first.locator("summary").focus()
    page.keyboard.press("Enter")  # opens "Edit"
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("A sharper second one?")
    page.keyboard.press("Enter")
    page.locator("#questions-status").get_by_text("Question saved.").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "LI"  # on the question just edited
    assert _ranked(meeting)[0] == "A sharper second one?"
    page.locator("#id_new_question").focus()
    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        label = page.evaluate(
            "document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"
        )
        order.append(label.strip())
        if label.strip().startswith("Submit to"):
            break
    assert "Save draft" in order
    assert order[-1] == "Submit to Maya Chen"
    page.keyboard.press("Enter")
    page.get_by_text("Agenda submitted").wait_for()
    agenda = Agenda.objects.get(meeting=meeting)
    assert agenda.is_submitted and agenda.bottleneck == "Keyboard only bottleneck"
    assert console_errors == []
