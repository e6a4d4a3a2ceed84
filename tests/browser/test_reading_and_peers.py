"""Reading with a takeaway on the agenda, and a peer offering help that the scholar then sees,
in a real browser; each page checked with axe and at phone width."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, PeerOffer, ProgressLine, ReadingEntry
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

SHOTS = os.environ.get("PEERS_SHOTS")  # a folder: save screenshots there to look at them


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def cohort(transactional_db):
    program = ProgramFactory(name="Winter", slug="winter")
    mentor = UserFactory(username="maya", display_name="Maya Chen")
    ana = MentorshipFactory(
        program=program, scholar=UserFactory(username="ana", display_name="Ana Lima"), mentor=mentor
    )
    ben = MentorshipFactory(
        program=program,
        scholar=UserFactory(username="ben", display_name="Ben Okafor"),
        mentor=mentor,
    )
    return program, ana, ben


def test_a_scholar_adds_a_reading_with_a_takeaway_on_the_agenda(cohort, page_for, console_errors):
    _program, ana, _ben = cohort
    meeting = MeetingFactory(mentorship=ana)
    agenda = Agenda.objects.create(meeting=meeting, bottleneck="Loss spikes at step 2k.")
    QuestionFactory(agenda=agenda, text="Should I switch optimiser?")
    page = page_for(ana.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.get_by_text("Add a reading").click()
    form = page.locator("#reading-entries form[action='/reading/add/']")
    form.get_by_label("Title").fill("On the adam optimiser")
    form.get_by_label("Link (optional)").fill("https://arxiv.org/abs/1412.6980")
    form.get_by_label("What changed in my model").fill("Warm-up matters more than beta2")
    form.get_by_role("button", name="Add reading").click()
    page.locator("#reading-entries .reading-item").get_by_text("Warm-up matters more").wait_for()
    entry = ReadingEntry.objects.get()
    assert entry.agenda == agenda and entry.takeaway == "Warm-up matters more than beta2"
    link = page.locator("#reading-entries a", has_text="On the adam optimiser")
    assert link.get_attribute("rel") == "noopener nofollow"
    page.locator("#reading-entries").evaluate("el => el.scrollIntoView()")
    _shot(page, "agenda-reading-1280")
    assert axe_violations(page) == []
    assert console_errors == []


def test_a_peer_offers_help_and_the_scholar_sees_the_offer(cohort, page_for, console_errors):
    program, ana, ben = cohort
    meeting = MeetingFactory(
        mentorship=ana, scheduled_at=timezone.now() - timedelta(days=1), status="held"
    )
    SubmittedAgendaFactory(
        meeting=meeting,
        bottleneck="My **training runs** diverge after 2k steps.",
        bottleneck_shared=True,
        bottleneck_shared_at=timezone.now() - timedelta(days=1),
    )
    peer = page_for(ben.scholar)
    peer.goto(reverse("peer_board", args=[program.slug]))
    peer.get_by_text("Offer help").click()
    peer.get_by_label("I've solved something like this").check()
    peer.get_by_label("Message").fill("Gradient clipping fixed it for me")
    peer.get_by_role("button", name="Send offer").click()
    peer.get_by_text("You offered").wait_for()
    assert PeerOffer.objects.get().author == ben.scholar
    _shot(peer, "peer-board-1280")
    assert axe_violations(peer) == []

    ProgressLine.objects.create(scholar=ana.scholar, text="Found the data loader bug")
    scholar = page_for(ana.scholar)
    scholar.goto(reverse("home"))
    offers = scholar.locator("#peer-offers")
    offers.get_by_text("Gradient clipping fixed it for me").wait_for()
    assert "Ben Okafor" in offers.inner_text()
    # a line of the progress log, appended without a reload
    scholar.get_by_label("A small win or finding").fill("Warm-up of 500 steps is enough")
    scholar.get_by_role("button", name="Jot").click()
    scholar.locator("#progress-log").get_by_text("Warm-up of 500 steps").wait_for()
    _shot(scholar, "home-1280")
    assert axe_violations(scholar) == []
    offers.get_by_role("button", name="Dismiss the offer from Ben Okafor").click()
    scholar.get_by_text("Gradient clipping fixed it for me").wait_for(state="detached")
    assert PeerOffer.objects.get().dismissed_at is not None
    assert console_errors == []


def test_the_pages_fit_a_phone(cohort, page_for):
    program, ana, ben = cohort
    meeting = MeetingFactory(mentorship=ana, scheduled_at=timezone.now() - timedelta(days=1))
    agenda = SubmittedAgendaFactory(
        meeting=meeting,
        bottleneck="A long bottleneck " * 12,
        bottleneck_shared=True,
        bottleneck_shared_at=timezone.now(),
    )
    PeerOffer.objects.create(
        agenda=agenda, author=ben.scholar, kind="talk", message="Happy to pair"
    )
    ReadingEntry.objects.create(
        scholar=ana.scholar,
        title="A rather long paper title about optimisation " * 2,
        link="https://example.org/" + "x" * 80,
        takeaway="One line that says what changed",
        agenda=agenda,
    )
    ProgressLine.objects.create(scholar=ana.scholar, text="A small win " * 6)
    upcoming = MeetingFactory(mentorship=ana, scheduled_at=timezone.now() + timedelta(days=3))
    pages = {
        "peer-board": reverse("peer_board", args=[program.slug]),
        "reading": reverse("reading", args=[ana.scholar.pk]),
        "home": reverse("home"),
        "agenda": reverse("agenda", args=[upcoming.pk]),
    }
    for width in (1280, 390):
        page = page_for(ana.scholar, viewport={"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            if name == "agenda":
                page.locator("#field-bottleneck_shared").evaluate("el => el.scrollIntoView()")
            _shot(page, f"{name}-{width}")
            assert _fits(page), f"{name} is wider than {width}px"
    mentor = page_for(ana.mentor, viewport={"width": 390, "height": 900})
    mentor.goto(pages["reading"])
    _shot(mentor, "reading-mentor-390")
    assert _fits(mentor)
    assert axe_violations(mentor) == []
