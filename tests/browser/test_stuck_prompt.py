"""The stuck prompt in a real browser: a scholar with two earlier similar bottlenecks types a
third, is asked what they tried and whom they asked, is shown the peer who got past something
similar, adds that peer to whom they asked, submits; the mentor's brief says "stuck for 3
meetings"; the peer is told they were asked."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.models import Agenda, HelpAsked, Meeting
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

SHOTS = Path("test-results")


@pytest.fixture
def pair(transactional_db):
    scholar = UserFactory(username="ana", display_name="Ana Lima")
    mentor = UserFactory(username="maya", display_name="Maya Chen")
    mentorship = MentorshipFactory(scholar=scholar, mentor=mentor)
    dana = MentorshipFactory(
        program=mentorship.program, scholar=UserFactory(username="dana", display_name="Dana Ruiz")
    )
    # Dana shared a similar bottleneck with the program and got past it.
    solved_at = timezone.now() - timedelta(days=20)
    SubmittedAgendaFactory(
        meeting=MeetingFactory(mentorship=dana, scheduled_at=solved_at, status=Meeting.Status.HELD),
        bottleneck="My reward model evaluation runs out of GPU memory on the cluster.",
        bottleneck_shared=True,
        bottleneck_shared_at=solved_at,
        bottleneck_resolved_at=solved_at + timedelta(days=2),
        bottleneck_resolution="Gradient checkpointing and a smaller eval batch",
    )
    for days, text in [
        (14, "Evaluating the reward model fails on the cluster: jobs run out of memory."),
        (7, "The reward model evaluation keeps running out of memory on the cluster."),
    ]:
        meeting = MeetingFactory(
            mentorship=mentorship,
            scheduled_at=timezone.now() - timedelta(days=days),
            status=Meeting.Status.HELD,
        )
        SubmittedAgendaFactory(meeting=meeting, bottleneck=text)
    meeting = MeetingFactory(mentorship=mentorship, scheduled_at=timezone.now() + timedelta(days=3))
    agenda = AgendaFactory(meeting=meeting, bottleneck="", tried="")
    QuestionFactory(agenda=agenda, text="Should I shard the evaluation?")
    return meeting


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is wider than {width}px by {overflow}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_scholar_is_prompted_adds_whom_they_asked_and_the_mentor_sees_the_streak(
    pair, page_for, console_errors
):
    scholar, mentor = pair.mentorship.scholar, pair.mentorship.mentor
    page = page_for(scholar)
    page.goto(reverse("agenda", args=[pair.pk]))
    prompt = page.locator("#stuck-prompt")
    assert "similar bottleneck" not in prompt.inner_text()

    page.get_by_label("Main bottleneck").press_sequentially(
        "Still can't evaluate the reward model: cluster jobs die out of memory.", delay=5
    )
    prompt.get_by_text("You named a similar bottleneck on").wait_for()
    dates = [(timezone.now() - timedelta(days=d)).strftime("%-d %b") for d in (14, 7)]
    assert f"on {dates[0]} and {dates[1]}: what did you try since" in prompt.inner_text()

    suggestion = prompt.locator("#peer-suggestions")
    assert (
        "Ask Dana about “Gradient checkpointing and a smaller eval batch”"
        in suggestion.inner_text()
    )
    suggestion.get_by_role("button", name="Add Dana Ruiz to whom I asked").click()
    page.locator("#help-asked .help-list").get_by_text("Dana Ruiz (peer)").wait_for()
    suggestion.get_by_text("In whom I asked").wait_for()
    assert HelpAsked.objects.get(agenda__meeting=pair).peer.username == "dana"

    page.get_by_label("What I tried and whom I asked").fill("Halved the batch; asked Dana.")
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    assert axe_violations(page) == []
    _shoot(page, "stuck-agenda")

    page.get_by_role("button", name="Submit to Maya Chen").click()
    page.wait_for_url(f"**{reverse('brief', args=[pair.pk])}")
    assert Agenda.objects.get(meeting=pair).status == Agenda.Status.SUBMITTED

    brief = page_for(mentor)
    brief.goto(reverse("brief", args=[pair.pk]))
    streak = brief.locator("#stuck-streak")
    assert "Stuck for 3 meetings" in streak.inner_text()
    assert "asked nobody" not in streak.inner_text()
    assert "Dana Ruiz" in brief.locator("#help-asked-view").inner_text()
    _shoot(brief, "stuck-brief")

    history = page_for(mentor)
    history.goto(reverse("history", args=[scholar.pk]))
    assert "Stuck for 3 meetings" in history.locator("#bottleneck-timeline").inner_text()
    _shoot(history, "stuck-history")

    peer = page_for(User.objects.get(username="dana"))
    peer.goto(reverse("home"))
    notice = peer.locator("#you-were-asked")
    assert "Ana Lima listed you as someone they asked" in notice.inner_text()
    assert "reward model" not in notice.inner_text()
    assert axe_violations(peer) == []
    _shoot(peer, "you-were-asked-home")
    notice.get_by_role("button", name="Dismiss: Ana Lima listed you").click()
    peer.locator("#you-were-asked li").wait_for(state="detached")
    assert console_errors == []


@pytest.fixture
def reworded(transactional_db):
    """A scholar whose last bottleneck the detector would not match with this week's words."""
    mentorship = MentorshipFactory(
        scholar=UserFactory(username="ines", display_name="Ines Park"),
        mentor=UserFactory(username="omar", display_name="Omar Haddad"),
    )
    SubmittedAgendaFactory(
        meeting=MeetingFactory(
            mentorship=mentorship,
            scheduled_at=timezone.now() - timedelta(days=7),
            status=Meeting.Status.HELD,
        ),
        bottleneck="My sparse-autoencoder features look dead on layer twelve.",
    )
    meeting = MeetingFactory(mentorship=mentorship, scheduled_at=timezone.now() + timedelta(days=3))
    agenda = AgendaFactory(meeting=meeting, bottleneck="", tried="")
    QuestionFactory(agenda=agenda, text="Should I resample the dead latents?")
    return meeting


def test_ticking_same_as_last_brings_the_prompt_whatever_the_words(
    reworded, page_for, console_errors
):
    page = page_for(reworded.mentorship.scholar)
    page.goto(reverse("agenda", args=[reworded.pk]))
    page.get_by_label("Main bottleneck").fill(
        "The SAE dictionary learns nothing useful past the middle of the network."
    )
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    prompt = page.locator("#stuck-prompt")
    assert prompt.inner_text().strip() == ""

    box = page.get_by_label("Still the same bottleneck as last meeting")
    last = (timezone.now() - timedelta(days=7)).strftime("%-d %b")
    assert f"({last}: “My sparse-autoencoder features look dead on layer twelve.”)" in (
        page.locator("#field-bottleneck_same_as_last").inner_text()
    )
    box.check()
    prompt.get_by_text("You say this is the same bottleneck as on").wait_for()
    assert f"on {last}: what did you try since, and whom did you ask?" in prompt.inner_text()
    assert Agenda.objects.get(meeting=reworded).bottleneck_same_as_last
    assert axe_violations(page) == []
    _shoot(page, "same-as-last-agenda")
    for width in (1280, 390):  # the bottleneck's section, close up
        page.set_viewport_size({"width": width, "height": 900})
        scrolled = page.evaluate("window.scrollY")
        top = page.locator("#field-bottleneck").bounding_box()
        bottom = page.locator("#stuck-prompt").bounding_box()
        height = bottom["y"] + bottom["height"] - top["y"] + 16
        clip = {"x": 0, "y": top["y"] + scrolled - 8, "width": width, "height": height}
        path = SHOTS / f"same-as-last-section-{width}.png"
        page.screenshot(path=str(path), full_page=True, clip=clip)
    page.set_viewport_size({"width": 1280, "height": 900})

    box.uncheck()
    prompt.get_by_text("You say this is").wait_for(state="detached")
    assert not Agenda.objects.get(meeting=reworded).bottleneck_same_as_last

    # Ticked again and submitted: the mentor's brief counts two meetings and says why.
    box.check()
    prompt.get_by_text("You say this is the same bottleneck as on").wait_for()
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    page.get_by_role("button", name="Submit to Omar Haddad").click()
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url(f"**{reverse('brief', args=[reworded.pk])}")
    brief = page_for(reworded.mentorship.mentor)
    brief.goto(reverse("brief", args=[reworded.pk]))
    streak = brief.locator("#stuck-streak").inner_text()
    assert "Stuck for 2 meetings" in streak
    assert "The scholar says this is the same bottleneck as last time." in streak
    assert axe_violations(brief) == []
    _shoot(brief, "same-as-last-brief")
    assert console_errors == []
