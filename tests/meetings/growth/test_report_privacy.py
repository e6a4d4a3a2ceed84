"""Who reads the end-of-program report, and what a mentor never finds in a shared one
(README, "Who sees what"): sentinel strings that must not appear in the response."""

import pytest
from django.urls import reverse

from meetings.models import Agenda

from .report_data import add_meetings, private_things, second_mentorship, share_report

NEVER_FOR_A_MENTOR = [
    "SECRET-CHECKIN",  # a check-in the scholar kept to themself
    "SECRET-OUTCOME",  # "did you get what you came for?": the comment is the scholar's
    "SECRET-NOTE",  # another mentor's private note
    "SECRET-OWN-NOTE",  # and even their own: the report is no place for private notes
    "SECRET-SECOND-MENTOR",  # the other mentorship's bottleneck
    "SECRET-SECOND-QUESTION",
    "SECRET-SECOND-RECAP",
    "SECRET-SECOND-NEXT",
    "SECRET-SECOND-FEEDBACK",  # the other mentor's feedback on leading
]


@pytest.fixture
def full(world):
    meetings = add_meetings(world, 2)
    private_things(world, meetings[0])
    second, _ = second_mentorship(world)
    world.second_mentor = second
    return world


def _get(client, name, scholar):
    return client.get(reverse(name, args=[scholar.pk]))


@pytest.mark.parametrize("name", ["report", "report_pdf"])
@pytest.mark.parametrize(
    "role", ["mentor", "other_mentor", "other_scholar", "staff", "manager", "outsider"]
)
def test_it_answers_404_to_everyone_but_the_scholar_when_not_shared(full, role, name):
    response = _get(full.client_for(getattr(full, role)), name, full.scholar)
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["report", "report_pdf"])
@pytest.mark.parametrize("role", ["other_mentor", "other_scholar", "staff", "manager", "outsider"])
def test_it_answers_404_to_all_but_the_mentors_when_shared(full, role, name):
    share_report(full.scholar)
    response = _get(full.client_for(getattr(full, role)), name, full.scholar)
    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(full):
    response = _get(full.client_for(None), "report", full.scholar)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_shared_report_shows_a_mentor_their_own_mentorship_only(full):
    share_report(full.scholar)
    response = _get(full.client_for(full.mentor), "report", full.scholar)
    html = response.content.decode()
    assert response.status_code == 200
    for sentinel in NEVER_FOR_A_MENTOR:
        assert sentinel not in html, sentinel
    # their own mentorship in full; the other's meeting by date, and in the figures
    assert "Bottleneck number 0" in html and "Takeaway 1" in html and "Paper 1" in html
    assert "another mentorship: date only" in html
    assert response.context["report"].figures.meetings_held == 3


def test_the_second_mentor_sees_their_mentorship_not_the_first(full):
    share_report(full.scholar)
    html = _get(full.client_for(full.second_mentor), "report", full.scholar).content.decode()
    assert "SECRET-SECOND-MENTOR" in html and "SECRET-SECOND-FEEDBACK" in html
    assert "Bottleneck number 0" not in html and "Takeaway 1" not in html
    assert "SECRET-BOTTLENECK" not in html and "SECRET-CHECKIN" not in html


def test_a_check_in_shared_with_mentors_stays_out_of_the_report(full):
    share_report(full.scholar)
    Agenda.objects.filter(wellbeing_note="SECRET-CHECKIN").update(wellbeing_visibility="mentors")
    html = _get(full.client_for(full.mentor), "report", full.scholar).content.decode()
    assert "SECRET-CHECKIN" not in html


def test_the_scholar_never_finds_a_private_note_in_their_own_report(full):
    html = _get(full.client_for(full.scholar), "report", full.scholar).content.decode()
    assert "SECRET-NOTE" not in html and "SECRET-OWN-NOTE" not in html
    assert "SECRET-CHECKIN" not in html  # the report is not where check-ins are kept
    assert "SECRET-OUTCOME" not in html


def test_a_draft_agenda_stays_out_of_a_mentor_report(full):
    from tests.factories import AgendaFactory, MeetingFactory

    AgendaFactory(meeting=MeetingFactory(mentorship=full.mentorship), bottleneck="SECRET-DRAFT")
    share_report(full.scholar)
    assert (
        "SECRET-DRAFT"
        not in _get(full.client_for(full.mentor), "report", full.scholar).content.decode()
    )
    assert (
        "SECRET-DRAFT"
        not in _get(full.client_for(full.scholar), "report", full.scholar).content.decode()
    )


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_staff_get_the_figures_only_on_the_scholar_summary(full, role):
    share_report(full.scholar)
    response = full.client_for(getattr(full, role)).get(
        reverse("scholar_summary", args=[full.program.slug, full.scholar.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "End-of-program report: figures" in html and "Recaps written" in html
    # the summary shows meetings held, readings and milestones once, above the report's figures
    for repeated in ("Meetings held", "Milestones done"):
        assert repeated not in html, repeated
    figures = response.context["report_figures"]
    assert (figures.meetings_held, figures.recaps, figures.readings) == (3, 3, 2)
    for text in ("Takeaway", "Paper 0", "Took 0", "Milestone 0", "Bottleneck number", "Answer 0"):
        assert text not in html, text
    for sentinel in NEVER_FOR_A_MENTOR:
        assert sentinel not in html, sentinel


def test_a_research_manager_who_is_not_staff_gets_no_report_figures(full):
    from accounts.models import ResearchManagerAssignment
    from tests.factories import UserFactory

    manager = UserFactory(username="managernotstaff")
    ResearchManagerAssignment.objects.filter(scholar=full.scholar).update(manager=manager)
    response = full.client_for(manager).get(
        reverse("scholar_summary", args=[full.program.slug, full.scholar.pk])
    )
    assert response.status_code == 200
    assert "report_figures" not in response.context
    assert "End-of-program report" not in response.content.decode()


def test_staff_of_another_program_get_nothing(full):
    response = full.client_for(full.other_staff).get(
        reverse("scholar_summary", args=[full.program.slug, full.scholar.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["mentor", "staff", "outsider"])
def test_it_answers_404_to_someone_who_is_no_scholar_asking_for_their_own(full, role):
    person = getattr(full, role)
    response = _get(full.client_for(person), "report", person)
    assert response.status_code == 404
