"""In a real browser: inline annotation, async answers and triage, the read receipt."""

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Annotation, BriefRead, Question
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations


@pytest.fixture
def brief_pair(transactional_db):
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    meeting = MeetingFactory(
        mentorship=MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    )
    agenda = SubmittedAgendaFactory(meeting=meeting, bottleneck="Loss diverges after 2k steps.")
    QuestionFactory(agenda=agenda, text="Should I lower the learning rate?", rank=1)
    QuestionFactory(agenda=agenda, text="Which ablation first?", rank=2)
    return scholar, mentor, meeting


def _mark_page(page):
    """A marker that survives only while the page is not reloaded."""
    page.evaluate("window.__noReload = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__noReload === true")


def test_it_annotates_inline_edits_and_deletes_without_reloading(
    brief_pair, page_for, console_errors
):
    scholar, mentor, meeting = brief_pair
    page = page_for(mentor)
    page.goto(reverse("brief", args=[meeting.pk]))
    _mark_page(page)
    page.locator("#bottleneck summary", has_text="Comment").click()
    page.locator("#bottleneck textarea[name=body]").fill("Try a *cosine* schedule.")
    page.locator("#bottleneck").get_by_role("button", name="Add comment").click()
    page.locator("#bottleneck .annotation em").get_by_text("cosine").wait_for()
    assert Annotation.objects.get().body == "Try a *cosine* schedule."

    page.locator("#bottleneck .annotation summary", has_text="Edit").click()
    page.locator("#bottleneck .annotation textarea").fill("Try a **linear** warm-up.")
    page.locator("#bottleneck .annotation").get_by_role("button", name="Save").click()
    page.locator("#bottleneck .annotation strong").get_by_text("linear").wait_for()
    assert Annotation.objects.get().body == "Try a **linear** warm-up."

    question = Question.objects.get(text="Which ablation first?")
    q = page.locator(f"#q{question.pk}")
    q.locator("summary", has_text="Comment on this question").click()
    q.locator("textarea[name=body]").fill("Start with the data ablation.")
    q.get_by_role("button", name="Add comment").click()
    q.locator(".annotation .md").get_by_text("Start with the data ablation.").wait_for()

    page.locator("#bottleneck").get_by_role("button", name="Delete comment").click()
    page.locator("#bottleneck .annotation").wait_for(state="detached")
    assert Annotation.objects.count() == 1
    assert _not_reloaded(page)
    assert axe_violations(page) == []
    assert console_errors == []


def test_it_answers_async_and_triages_questions_inline(brief_pair, page_for, console_errors):
    scholar, mentor, meeting = brief_pair
    first = Question.objects.get(text="Should I lower the learning rate?")
    second = Question.objects.get(text="Which ablation first?")
    page = page_for(mentor)
    page.goto(reverse("brief", args=[meeting.pk]))
    _mark_page(page)
    q = page.locator(f"#q{first.pk}")
    q.locator("summary", has_text="Answer in writing").click()
    q.get_by_label("Answer (answering before").fill("Yes: halve it and add **warm-up**.")
    q.get_by_role("button", name="Save answer").click()
    page.locator(f"#q{first.pk} .answer strong").get_by_text("warm-up").wait_for()
    page.locator(f"#q{first.pk} .badge", has_text="Answered in writing").wait_for()

    page.locator(f"#q{second.pk}").get_by_role("button", name="Mark discussed").click()
    page.locator(f"#q{second.pk} .badge", has_text="Discussed").wait_for()
    page.locator(f"#q{second.pk}").get_by_role("button", name="Mark resolved").click()
    page.locator(f"#q{second.pk} .badge", has_text="Resolved").wait_for()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Question.Status.ANSWERED and "warm-up" in first.answer
    assert second.status == Question.Status.RESOLVED

    page.get_by_label("New action item").fill("Rerun with three seeds")
    page.get_by_role("button", name="Add action item").click()
    page.locator("#actions").get_by_text("Rerun with three seeds").wait_for()
    page.get_by_role("button", name="Mark done: Rerun with three seeds").click()
    page.get_by_role("button", name="Reopen: Rerun with three seeds").wait_for()
    assert ActionItem.objects.get().done is True
    assert page.locator("h1").count() == 1  # the partial, not a page inside the page
    assert _not_reloaded(page)

    # The scholar sees the written answer on their brief.
    scholar_page = page_for(scholar)
    scholar_page.goto(reverse("brief", args=[meeting.pk]))
    scholar_page.locator(f"#q{first.pk} .answer").get_by_text("halve it").wait_for()
    assert console_errors == []


def test_it_shows_the_scholar_the_read_receipt(brief_pair, page_for, console_errors):
    scholar, mentor, meeting = brief_pair
    scholar_page = page_for(scholar)
    scholar_page.goto(reverse("brief", args=[meeting.pk]))
    assert "Not opened by Maya Chen yet" in scholar_page.locator("#read-receipt").inner_text()

    mentor_page = page_for(mentor)
    mentor_page.goto("/")
    row = mentor_page.locator("tbody tr", has_text="Ana Lima")
    assert "submitted" in row.inner_text()
    row.get_by_role("link", name="Brief").click()
    mentor_page.locator("#bottleneck").wait_for()
    assert BriefRead.objects.filter(reader=mentor).exists()
    mentor_page.goto("/")
    assert "read" in mentor_page.locator("tbody tr", has_text="Ana Lima").inner_text()

    scholar_page.reload()
    receipt = scholar_page.locator("#read-receipt").inner_text()
    assert "Read by Maya Chen at" in receipt
    assert console_errors == []


def test_it_prints_a_normal_brief_on_one_a4_page(brief_pair, page_for, console_errors):
    from meetings import pdf
    from meetings.models import Agenda

    scholar, mentor, meeting = brief_pair
    words = " ".join(["word"] * 60)
    Agenda.objects.filter(meeting=meeting).update(
        **{name: f"{name}: {words}" for name in Agenda.SECTION_NAMES}
    )
    agenda = Agenda.objects.get(meeting=meeting)
    for i in range(3):
        QuestionFactory(agenda=agenda, text=f"Question {i}: {' '.join(['w'] * 12)}?")
    assert agenda.word_count() <= 450
    page = page_for(mentor)
    page.goto(reverse("brief", args=[meeting.pk]))
    page.emulate_media(media="print")
    assert pdf.page_count(page.pdf(format="A4")) == 1
    assert console_errors == []


def test_it_shows_the_scholars_latest_edits_on_a_reloaded_brief(
    brief_pair, page_for, console_errors
):
    """A reload after the scholar's autosave, or after the mentor's own comment, shows the
    page as it is now."""
    scholar, mentor, meeting = brief_pair
    brief = page_for(mentor)
    brief.goto(reverse("brief", args=[meeting.pk]))
    brief.reload()
    assert "Loss diverges after 2k steps." in brief.locator("#bottleneck").inner_text()

    agenda = page_for(scholar)
    agenda.goto(reverse("agenda", args=[meeting.pk]))
    agenda.get_by_label("Main bottleneck").fill("Gradients explode at layer 12.")
    agenda.locator("#agenda-form[data-state=saved]").wait_for(state="attached")

    brief.reload()
    assert "Gradients explode at layer 12." in brief.locator("#bottleneck").inner_text()
    brief.get_by_role("status").filter(has_text="Since you last opened this brief").wait_for()

    brief.locator("#bottleneck summary", has_text="Comment").click()
    brief.locator("#bottleneck textarea[name=body]").fill("Clip the gradients.")
    brief.locator("#bottleneck").get_by_role("button", name="Add comment").click()
    brief.locator("#bottleneck .annotation .md p").get_by_text("Clip the gradients.").wait_for()
    brief.reload()
    assert "Clip the gradients." in brief.locator("#bottleneck").inner_text()
    assert "Since you last opened this brief" not in brief.content()

    home = page_for(mentor)
    home.goto(reverse("home"))
    assert home.locator("td .badge").first.inner_text() == "read"
    assert console_errors == []
