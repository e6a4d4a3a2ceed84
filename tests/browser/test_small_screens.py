"""Every page a demo person reaches, on a phone (390 px) and a desktop (1280 px): nothing is wider
than the screen and no link or button of the header breaks over two lines. On a phone the
cadence grid shows the current week without scrolling, and meeting mode hides its keyboard hints
on a touch screen.

The pages are the demo data's (seed_demo), found as tests/security/test_crawl.py finds them: by
following links from the home page; one page per kind of address is loaded in the browser."""

import io
import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.management.commands.seed_demo import PEOPLE
from meetings.staff.cadence import GRID_WEEKS_PAST
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)
from tests.security.test_crawl import crawl

from .test_accessibility import OVERFLOW_JS

WIDTHS = (390, 1280)
# Where the screenshots go for a person to look at (not kept in the repository).
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", tempfile.gettempdir())) / "mentorprep-screens"

# Header links and buttons whose text takes more than one line: a line box starts below the
# bottom of the one before (pieces of one line may differ in height, like the brand's mark).
WRAPPED_JS = """() => {
  const wrapped = [];
  for (const el of document.querySelectorAll(".site-header nav a, .site-header nav button")) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const boxes = [...range.getClientRects()].filter((r) => r.width > 0)
      .sort((a, b) => a.top - b.top);
    let lines = 0, bottom = -Infinity;
    for (const box of boxes) {
      if (box.top >= bottom - 2) lines += 1;
      bottom = Math.max(bottom, box.bottom);
    }
    if (lines > 1) wrapped.push(el.textContent.trim());
  }
  return wrapped;
}"""


def _seed(settings) -> None:
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def _pages(user: User) -> list[str]:
    """The HTML pages the person reaches by links, one per kind of address (ids and queries
    aside): the rest look the same."""
    client = Client()
    client.force_login(user)
    statuses, _, _ = crawl(client)
    kinds: dict[str, str] = {}
    for path, status in statuses.items():
        bare = path.split("?")[0]
        if status == 200 and not path.startswith("hx:"):
            kinds.setdefault(re.sub(r"\d+", "N", bare), path)
    return sorted(path for path in kinds.values() if _is_page(client.get(path)))


def _is_page(response) -> bool:
    """An HTML page, not a download (a PDF, a CSV or calendar export)."""
    return "html" in response.get("Content-Type", "") and not response.has_header(
        "Content-Disposition"
    )


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("username", [username for username, _, _ in PEOPLE])
def test_no_page_of_a_demo_person_is_wider_than_the_screen(
    transactional_db, settings, page_for, username
):
    _seed(settings)
    user = User.objects.get(username=username)
    paths = _pages(user)
    assert len(paths) > 3, paths
    problems = []
    for width in WIDTHS:
        page = page_for(user, viewport={"width": width, "height": 900})
        for path in paths:
            page.goto(path)
            layout = page.evaluate(OVERFLOW_JS)
            if layout["scrollWidth"] > layout["innerWidth"] or layout["wide"]:
                problems.append(
                    f"{path} at {width}px is {layout['scrollWidth']}px wide: {layout['wide']}"
                )
            if wrapped := page.evaluate(WRAPPED_JS):
                problems.append(f"{path} at {width}px: header items on two lines: {wrapped}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_pages_touched_for_small_screens_as_screenshots(
    transactional_db, settings, page_for, width
):
    """Screenshots to look at (in SCREENSHOTS), and the cadence grid's current week in
    view without scrolling sideways."""
    _seed(settings)
    manager = User.objects.get(username="manager1")
    staff = User.objects.get(username="staff1")
    slug = staff.staffed_programs.get().slug
    page = page_for(manager, viewport={"width": width, "height": 900})
    page.goto(reverse("managed_scholars", args=[slug]))
    _shoot(page, f"my-scholars-{width}")
    page = page_for(staff, viewport={"width": width, "height": 900})
    page.goto(reverse("cadence", args=[slug]))
    _shoot(page, f"cadence-{width}")
    scroller = page.locator(".table-wrap:has(.week-grid)")
    page.locator(".site-header").screenshot(path=SCREENSHOTS / f"header-staff-{width}.png")
    scroller.screenshot(path=SCREENSHOTS / f"week-grid-{width}.png")
    this_week = page.locator(".week-grid .wk-head").nth(GRID_WEEKS_PAST - 1)
    box, shown = this_week.bounding_box(), scroller.bounding_box()
    assert shown["x"] <= box["x"] and box["x"] + box["width"] <= shown["x"] + shown["width"], (
        this_week.inner_text(),
        box,
        shown,
    )
    # The pair's names stay in view beside the weeks.
    name = page.locator(".week-grid tbody th").first.bounding_box()
    assert shown["x"] <= name["x"] + 1 and name["x"] + name["width"] <= shown["x"] + shown["width"]


@pytest.fixture
def live_meeting(transactional_db):
    program = ProgramFactory(name="Winter 2027", slug="winter-2027")
    mentorship = MentorshipFactory(
        program=program,
        scholar=UserFactory(display_name="Ana Lima"),
        mentor=UserFactory(display_name="Maya Chen"),
    )
    meeting = MeetingFactory(
        mentorship=mentorship, scheduled_at=timezone.now() - timedelta(minutes=2)
    )
    agenda = SubmittedAgendaFactory(meeting=meeting)
    QuestionFactory(agenda=agenda, text="Should I lower the learning rate?", rank=1)
    return meeting


@pytest.mark.parametrize(
    ("name", "context", "hints_shown"),
    [
        ("phone", {"viewport": {"width": 390, "height": 800}, "has_touch": True}, False),
        ("tablet", {"viewport": {"width": 1024, "height": 800}, "has_touch": True}, False),
        ("desktop", {"viewport": {"width": 1280, "height": 900}}, True),
    ],
)
def test_meeting_mode_shows_keyboard_hints_only_with_a_keyboard_and_mouse(
    page_for, live_meeting, name, context, hints_shown
):
    page = page_for(live_meeting.mentorship.mentor, **context)
    page.goto(reverse("live", args=[live_meeting.pk]))
    page.locator("#live[data-ready]").wait_for(state="attached")
    assert page.locator("#capture-keys").is_visible() is hints_shown
    assert page.locator("#kind-answer kbd").is_visible() is hints_shown
    box = page.locator("#capture-text").bounding_box()
    below = page.locator("#capture-keys" if hints_shown else ".capture-kinds").bounding_box()
    assert below["y"] - (box["y"] + box["height"]) >= 6, (box, below)
    page.locator("#capture-text").scroll_into_view_if_needed()
    _shoot(page, f"meeting-mode-{name}")
