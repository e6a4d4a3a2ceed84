"""Program staff and newcomers in a real browser: the cadence page and summaries fit the screen,
the CSV import takes its own header, the accept page asks name and zone, settings copy the
calendar link, the People page pairs people, all at 1280 and 390 px wide.

Set MP_SHOTS=<dir> to keep a screenshot of every page checked (to look at them)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import invites
from accounts.models import Invite, Mentorship, PendingMentorship
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


def _joined(program, username, name, role):
    user = UserFactory(username=username, display_name=name)
    Invite.objects.create(
        program=program, user=user, email=user.email, role=role, accepted_at=timezone.now()
    )
    return user


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_propose_a_pair_on_the_people_page(cohort, page_for, console_errors, width):
    staff, program, mentor = cohort
    ada = _joined(program, "ada", "Ada Lovelace", "scholar")
    _joined(program, "grace", "Grace Hopper", "mentor")
    page = page_for(staff, **_viewport(width))
    page.goto(f"/programs/{program.slug}/people/")
    page.get_by_role("link", name="Propose a pair for Ada Lovelace").click()
    page.wait_for_url(f"**scholar={ada.pk}**")
    assert page.get_by_label("Scholar", exact=True).input_value() == str(ada.pk)
    page.get_by_label("Mentor", exact=True).select_option(label="Grace Hopper (grace@example.org)")
    page.get_by_label("Meet every (days)").fill("10")
    _fits(page, "people-form")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send both invitations").click()
    page.get_by_text("Invitations sent to Ada Lovelace and Grace Hopper").wait_for()
    page.get_by_text("waiting for Ada Lovelace and Grace Hopper").wait_for()
    assert PendingMentorship.objects.filter(scholar=ada, cadence_days=10).exists()
    _fits(page, "people")
    # Every action is on screen: the delete links and re-send buttons of the cards.
    for action in page.locator(
        "table.stack-table a:visible, table.stack-table button:visible"
    ).all():
        box = action.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, action.inner_text()
    assert axe_violations(page) == []
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_import_takes_its_own_header_and_names_people(cohort, page_for, console_errors, width):
    staff, program, mentor = cohort
    page = page_for(staff, **_viewport(width))
    page.goto(f"/programs/{program.slug}/import/")
    page.get_by_label("…or paste the rows").fill(
        "scholar e-mail, mentor e-mail, cadence days\nada@example.org,mentor1@example.org,7"
    )
    page.get_by_role("button", name="Preview (dry run)").click()
    page.get_by_text("Dry run: what the import will do").wait_for()
    page.locator("td", has_text="Maya Chen-Abernathy").first.wait_for()
    _fits(page, "import-dry-run")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Import 1 mentorship and send invitations").click()
    page.get_by_text("Imported 1 mentorship").wait_for()
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_newcomer_accepts_with_name_and_browser_zone(cohort, page_for, console_errors, width):
    staff, program, mentor = cohort
    invite = invites.invite_person(program, "newcomer@example.org", "scholar", staff)
    link = f"/accounts/invite/{invites.make_token(invite)}/"
    page = page_for(None, timezone_id="America/Sao_Paulo", **_viewport(width))
    page.goto(link)
    zone = page.get_by_label("Your time zone")
    assert zone.input_value() == "America/Sao_Paulo"
    _fits(page, "accept")
    assert axe_violations(page) == []
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("New password", exact=True).fill("a-long-secret-42")
    page.get_by_label("New password confirmation").fill("a-long-secret-42")
    page.get_by_role("button", name="Set password and continue").click()
    page.get_by_text("Welcome to Winter 2027, Nia Newcomer.").wait_for()
    page.get_by_role("heading", name="Hello, Nia Newcomer").wait_for()
    page.get_by_text("Times shown in America/Sao_Paulo").wait_for()
    page.get_by_text("You joined Winter 2027 as scholar").wait_for()
    assert page.get_by_text("not part of a mentorship or program").count() == 0
    _fits(page, "home-joined")
    assert console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_settings_show_my_options_and_copy_the_calendar_link(
    cohort, page_for, console_errors, width
):
    staff, program, mentor = cohort
    scholar = Mentorship.objects.first().scholar
    scholar.rotate_ics_token()
    page = page_for(scholar, **_viewport(width))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/accounts/settings/")
    assert page.get_by_text("As a mentor").count() == 0
    page.get_by_text("As a scholar: 48 hours before").wait_for()
    field = page.get_by_label("Your calendar link")
    box = field.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # The whole link is visible: the field is as tall as its wrapped text.
    assert field.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    page.get_by_role("button", name="Copy").click()
    page.locator("#ics-url-status", has_text="Copied").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == field.input_value()
    _fits(page, "settings")
    assert axe_violations(page) == []
    assert console_errors == []
