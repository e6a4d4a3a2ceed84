"""Autosave in a real browser: typing is stored, survives reload, never overwrites silently."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from meetings.models import Agenda
from tests.factories import MeetingFactory, MentorshipFactory, UserFactory


@pytest.fixture
def meeting(transactional_db):
    scholar = UserFactory(username="ana", display_name="Ana Lima")
    mentor = UserFactory(username="maya", display_name="Maya Chen")
    return MeetingFactory(mentorship=MentorshipFactory(scholar=scholar, mentor=mentor))


def _unexpected(console_errors, status: int) -> list[str]:
    """Console errors other than the browser's and htmx's notes of the expected HTTP status."""
    return [
        e
        for e in console_errors
        if f"status of {status}" not in e and f"Error Code {status}" not in e
    ]


def _saved(page):
    """Wait until the page says everything typed is stored."""
    page.locator("#agenda-form[data-state=saved]").wait_for(state="attached")
    page.locator("#autosave-status .saved").wait_for()


def test_it_autosaves_typing_and_keeps_it_after_reload(meeting, page_for, console_errors):
    scholar = meeting.mentorship.scholar
    page = page_for(scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.get_by_label("Main bottleneck").press_sequentially("Loss diverges", delay=20)
    _saved(page)
    assert Agenda.objects.get(meeting=meeting).bottleneck == "Loss diverges"
    page.get_by_label("Progress since last time").fill("Baseline done.")
    page.locator("#field-progress .word-count").get_by_text("2 words").wait_for()
    _saved(page)
    assert page.locator("#id_version").input_value() == str(
        Agenda.objects.get(meeting=meeting).version
    )
    page.reload()
    assert page.get_by_label("Main bottleneck").input_value() == "Loss diverges"
    assert page.get_by_label("Progress since last time").input_value() == "Baseline done."
    assert console_errors == []


def test_it_refuses_a_stale_save_from_a_second_tab_and_shows_both_versions(
    meeting, page_for, console_errors
):
    scholar = meeting.mentorship.scholar
    url = reverse("agenda", args=[meeting.pk])
    first = page_for(scholar)
    first.goto(url)
    second = first.context.new_page()
    second.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    second.goto(url)

    first.get_by_label("Main bottleneck").fill("Text from the first tab")
    _saved(first)
    second.get_by_label("Main bottleneck").fill("Text from the second tab")
    conflict = second.get_by_role("alert").filter(has_text="changed in another tab")
    conflict.wait_for()
    assert "Text from the first tab" in conflict.inner_text()
    assert "Text from the second tab" in conflict.inner_text()
    assert "Not saved" in second.locator("#autosave-status").inner_text()
    assert Agenda.objects.get(meeting=meeting).bottleneck == "Text from the first tab"
    # More typing in the stale tab is still not saved until the scholar chooses.
    second.get_by_label("What I want from this meeting").fill("A decision")
    assert Agenda.objects.get(meeting=meeting).asks != "A decision"

    second.get_by_role("button", name="Keep my text").click()
    _saved(second)
    agenda = Agenda.objects.get(meeting=meeting)
    assert agenda.bottleneck == "Text from the second tab"
    assert agenda.asks == "A decision"
    assert second.locator("#conflict").count() == 0
    assert _unexpected(console_errors, 409) == []


def test_it_keeps_the_text_when_logged_out_and_saves_it_after_logging_in_again(
    meeting, page_for, console_errors
):
    from django.contrib.sessions.models import Session

    scholar = meeting.mentorship.scholar
    page = page_for(scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    Session.objects.all().delete()  # the session expires while the scholar types

    page.get_by_label("Main bottleneck").fill("Written while logged out")
    status = page.locator("#autosave-status")
    status.get_by_text("you are logged out").wait_for()
    assert "Not saved" in status.inner_text()
    assert page.get_by_label("Main bottleneck").input_value() == "Written while logged out"
    assert Agenda.objects.get(meeting=meeting).bottleneck == ""

    login = page.context.new_page()  # log in again in another tab: Django rotates the CSRF token
    login.goto(reverse("login"))
    login.get_by_label("Username").fill(scholar.username)
    login.get_by_label("Password").fill("pw")
    login.get_by_role("button", name="Log in").click()
    login.wait_for_url("**/")
    login.close()

    page.get_by_label("Main bottleneck").press("End")
    page.get_by_label("Main bottleneck").press_sequentially("!")
    _saved(page)
    assert Agenda.objects.get(meeting=meeting).bottleneck == "Written while logged out!"
    assert _unexpected(console_errors, 401) == []


def test_it_offers_to_restore_unsaved_text_kept_in_the_browser(meeting, page_for, console_errors):
    from django.contrib.sessions.models import Session

    scholar = meeting.mentorship.scholar
    url = reverse("agenda", args=[meeting.pk])
    page = page_for(scholar)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" while text is unsaved
    page.goto(url)
    Session.objects.all().delete()
    page.get_by_label("What I tried and whom I asked").fill("Asked Priya about warm-up")
    page.locator("#autosave-status").get_by_text("Not saved").wait_for()
    page.close()

    client = Client()
    client.force_login(scholar)
    context = page.context
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(url)
    assert page.get_by_label("What I tried and whom I asked").input_value() == ""
    offer = page.locator("#restore-offer")
    offer.get_by_text("not saved").wait_for()
    offer.get_by_role("button", name="Restore my unsaved text").click()
    _saved(page)
    assert Agenda.objects.get(meeting=meeting).tried == "Asked Priya about warm-up"
    page.reload()
    assert page.locator("#restore-offer").is_hidden()
    assert _unexpected(console_errors, 401) == []


def test_it_says_plainly_when_a_save_fails_and_saves_once_back_online(
    meeting, page_for, console_errors
):
    page = page_for(meeting.mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    page.route("**/autosave/", lambda route: route.abort())  # the network is gone
    page.get_by_label("What I want from this meeting").fill("A go/no-go on the sweep")
    page.locator("#autosave-status").get_by_text("Not saved: no connection").wait_for()
    assert Agenda.objects.get(meeting=meeting).asks == ""
    assert page.evaluate("Object.keys(localStorage).length") == 1  # kept in this browser too

    page.unroute("**/autosave/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _saved(page)
    assert Agenda.objects.get(meeting=meeting).asks == "A go/no-go on the sweep"
    assert page.evaluate("Object.keys(localStorage).length") == 0
    expected = ("Failed to load resource", "htmx:afterRequest", "htmx:sendError")
    assert [e for e in console_errors if not e.startswith(expected)] == []


def test_a_refusal_goes_once_the_text_it_refused_is_typed_back(meeting, page_for, console_errors):
    agenda = Agenda.objects.create(
        meeting=meeting, bottleneck="Loss diverges", status=Agenda.Status.SUBMITTED
    )
    agenda.questions.create(text="Which seed?", rank=1)
    page = page_for(meeting.mentorship.scholar)
    page.goto(reverse("agenda", args=[meeting.pk]))
    bottleneck = page.get_by_label("Main bottleneck")
    bottleneck.fill("")
    refused = page.locator("#autosave-status .save-failed")
    refused.wait_for()
    assert "already has this brief" in refused.inner_text()
    assert "before submitting" not in refused.inner_text()
    bottleneck.fill("Loss diverges")
    _saved(page)
    assert "Not saved" not in page.locator("#autosave-status").inner_text()
    assert _unexpected(console_errors, 422) == []
