""" "Whom I asked" in a real browser: an entry is edited in place (what came of it, too), and the
"Whom" choice is readable on a laptop and a phone. Sharing a bottleneck is taken back from the
brief of a held meeting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, HelpAsked, Meeting
from tests.browser.conftest import axe_violations
from tests.factories import MeetingFactory, MentorshipFactory, UserFactory

SIZES = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def agenda(transactional_db):
    scholar = UserFactory(username="ana", display_name="Ana Lima")
    mentorship = MentorshipFactory(scholar=scholar)
    MentorshipFactory(program=mentorship.program, scholar=UserFactory(display_name="Dana Peer"))
    meeting = MeetingFactory(mentorship=mentorship)
    agenda = Agenda.objects.create(meeting=meeting, bottleneck="Loss diverges")
    HelpAsked.objects.create(agenda=agenda, kind=HelpAsked.Kind.MENTOR, position=1)
    return agenda


@pytest.mark.parametrize("size", SIZES)
def test_an_entry_is_edited_to_say_what_came_of_it(agenda, page_for, console_errors, size):
    page = page_for(agenda.meeting.mentorship.scholar, viewport=SIZES[size])
    page.goto(reverse("agenda", args=[agenda.meeting_id]))
    entry = HelpAsked.objects.get(agenda=agenda)
    page.locator(f"#help{entry.pk}-edit").click()
    page.locator(f"#help{entry.pk}-outcome").fill("Pointed me to the warm-up schedule")
    page.locator(f"#help{entry.pk}-save").click()
    page.locator("#help-asked").get_by_text("Pointed me to the warm-up schedule").wait_for()
    entry.refresh_from_db()
    assert entry.outcome == "Pointed me to the warm-up schedule"
    page.screenshot(path=f"/tmp/agendas-help-{size}.png", full_page=True)
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_whom_choice_is_readable(agenda, page_for, size):
    page = page_for(agenda.meeting.mentorship.scholar, viewport=SIZES[size])
    page.goto(reverse("agenda", args=[agenda.meeting_id]))
    select = page.locator("#help-kind")
    select.scroll_into_view_if_needed()
    # Whichever is chosen, its text fits the box: nothing is cut off ("A peer in the prc").
    for kind in [k for k, _ in HelpAsked.Kind.choices]:
        select.select_option(kind)
        fits = select.evaluate(
            """(el) => {
                const probe = document.createElement("span");
                const style = getComputedStyle(el);
                probe.style.font = style.font;
                probe.style.whiteSpace = "pre";
                probe.textContent = el.options[el.selectedIndex].text;
                document.body.appendChild(probe);
                const text = probe.getBoundingClientRect().width;
                probe.remove();
                const room = el.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                return {text, room};
            }"""
        )
        assert fits["text"] <= fits["room"], (kind, fits)
    select.select_option("peer")
    page.locator("#help-asked").screenshot(path=f"/tmp/agendas-whom-{size}.png")
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_held_meetings_brief_takes_the_shared_bottleneck_back(agenda, page_for, size):
    Agenda.objects.filter(pk=agenda.pk).update(
        status=Agenda.Status.SUBMITTED,
        bottleneck_shared=True,
        bottleneck_shared_at=timezone.now() - timedelta(days=1),
    )
    Meeting.objects.filter(pk=agenda.meeting_id).update(status=Meeting.Status.HELD)
    page = page_for(agenda.meeting.mentorship.scholar, viewport=SIZES[size])
    page.goto(reverse("brief", args=[agenda.meeting_id]))
    page.get_by_role("button", name="Stop sharing").click()
    page.get_by_text("Taken off the peer board").wait_for()
    assert not Agenda.objects.get(pk=agenda.pk).bottleneck_shared
    page.locator("#bottleneck").screenshot(path=f"/tmp/agendas-share-{size}.png")
    page.get_by_role("button", name="Share with the scholars of my program").wait_for()
