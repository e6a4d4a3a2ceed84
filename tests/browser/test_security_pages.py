"""Revision history and deleting a person in a real browser: CSP-clean, accessible, and the flows work."""

import pytest
from django.urls import reverse

from accounts.models import User
from meetings.models import Agenda
from tests.factories import (
    AgendaFactory,
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    UserFactory,
)

from .conftest import axe_violations


@pytest.fixture
def people(transactional_db):
    staff = UserFactory(username="staff1", display_name="Sam Staff")
    program = ProgramFactory(name="Winter 2027", slug="winter-2027", staff=[staff])
    scholar = UserFactory(username="scholar1", display_name="Ana Lima")
    mentor = UserFactory(username="mentor1", display_name="Maya Chen")
    mentorship = MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    agenda = AgendaFactory(meeting=MeetingFactory(mentorship=mentorship), bottleneck="Old one")
    QuestionFactory(agenda=agenda, text="Three seeds enough?")
    return scholar, staff, agenda


def test_it_shows_an_agenda_edit_in_the_revision_history(people, page_for, console_errors):
    scholar, _staff, agenda = people
    page = page_for(scholar)
    page.goto(reverse("agenda", args=[agenda.meeting_id]))
    page.get_by_label("Main bottleneck").fill("New one")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved").wait_for()
    page.get_by_role("link", name="Changes").click()
    page.locator(".revision del", has_text="Old").wait_for()
    assert page.locator(".revision ins", has_text="New").count() == 1
    assert axe_violations(page) == []
    assert console_errors == []


def test_it_deletes_a_person_after_confirmation(people, page_for, console_errors):
    scholar, staff, _agenda = people
    page = page_for(staff)
    page.goto(reverse("cadence", args=["winter-2027"]))
    page.get_by_role("link", name="People").click()
    page.get_by_role("row", name="Ana Lima").get_by_role("link", name="Delete…").click()
    page.get_by_text("1 agendas").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Type the username to confirm").fill("scholar1")
    page.get_by_role("button", name="Delete Ana Lima and these records").click()
    page.get_by_text("Ana Lima was deleted").wait_for()
    assert not User.objects.filter(username="scholar1").exists()
    assert not Agenda.objects.exists()
    assert console_errors == []
