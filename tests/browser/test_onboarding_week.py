"""Program staff and newcomers in a real browser: the cadence page and summaries fit the screen,
the CSV import takes its own header, the accept page asks name and zone, settings copy the
calendar link, the People page pairs people, all at 1280 and 390 px wide.

Set MP_SHOTS=<dir> to keep a screenshot of every page checked (to look at them)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Mentorship
from meetings.models import Meeting
from tests.factories import MeetingFactory, MentorshipFactory, ProgramFactory, UserFactory

from .conftest import axe_violations

WIDTHS = (1280, 390)
SHOTS = os.environ.get("MP_SHOTS")


def _viewport(width: int) -> dict:
    return {"viewport": {"width": width, "height": 900}}


def _fits(page, name: str) -> None:
    """Nothing wider than the viewport (a sideways scroll region may hold wider content)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}-top.png")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the viewport"


@pytest.fixture
def cohort(transactional_db):
    staff = UserFactory(username="staff1", display_name="Sam Staff")
    program = ProgramFactory(name="Winter 2027", slug="winter-2027", staff=[staff])
    mentor = UserFactory(username="mentor1", display_name="Maya Chen-Abernathy")
    for i, days in enumerate((3, 30, 12)):
        m = MentorshipFactory(
            program=program,
            scholar=UserFactory(username=f"scholar{i}", display_name=f"Scholar Number {i}"),
            mentor=mentor,
        )
        MeetingFactory(
            mentorship=m,
            scheduled_at=timezone.now() - timedelta(days=days),
            status=Meeting.Status.HELD,
        )
        MeetingFactory(mentorship=m, scheduled_at=timezone.now() + timedelta(days=4))
    return staff, program, mentor


@pytest.mark.parametrize("width", WIDTHS)
def test_the_cadence_page_and_summaries_fit_with_what_staff_act_on_first(
    cohort, page_for, console_errors, width
):
    staff, program, mentor = cohort
    page = page_for(staff, **_viewport(width))
    page.goto(f"/programs/{program.slug}/cadence/")
    heads = page.locator("table.cadence thead th").all_inner_texts()
    assert [h.strip() for h in heads[:5]] == [
        "Scholar",
        "Mentor",
        "Flags",
        "Days since held",
        "Next meeting",
    ]
    details = page.locator("details.help-details")
    assert details.locator("summary").inner_text() == "How these figures are computed"
    assert not details.get_attribute("open")
    _fits(page, "cadence")
    if width == 1280:
        table = page.locator("table.cadence").bounding_box()
        assert table["x"] >= 0 and table["x"] + table["width"] <= width
        for name in ("Flags", "Next meeting"):
            box = page.locator("table.cadence thead th", has_text=name).bounding_box()
            assert box["x"] + box["width"] <= width
    else:
        # Cards: every row's flags and next meeting are on screen, labelled.
        first = page.locator("table.cadence tbody tr").first
        box = first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert first.locator('td[data-label="Flags"]').is_visible()
        page.get_by_role("link", name="Days since held").click()
        page.wait_for_url("**sort=days**")
    assert axe_violations(page) == []

    for kind, pk in (("scholar", Mentorship.objects.first().scholar_id), ("mentor", mentor.pk)):
        page.goto(f"/programs/{program.slug}/{kind}s/{pk}/")
        _fits(page, f"summary-{kind}")
        if width == 1280:
            # Column headers wrap to two lines at most.
            line = page.evaluate(
                "() => parseFloat(getComputedStyle(document.querySelector('table.cadence th'))"
                ".lineHeight)"
            )
            for th in page.locator("table.cadence thead th").all():
                text_height = th.evaluate(
                    "el => { const r = document.createRange(); r.selectNodeContents(el);"
                    " return r.getBoundingClientRect().height; }"
                )
                assert text_height <= 2 * line + 1, th.inner_text()
        assert axe_violations(page) == []
    assert console_errors == []
