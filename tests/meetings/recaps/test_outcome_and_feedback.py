"""After a held meeting: the scholar's private "Did you get what you came for?" (the mentor sees
the answers as their own trend, staff the rate per mentor as a figure) and the mentor's feedback
on how the scholar led the meeting (only the scholar sees it)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import LeadFeedback, Meeting, MeetingOutcome
from meetings.recaps import domain as recaps
from tests.factories import MeetingFactory, MeetingOutcomeFactory, MentorshipFactory


def _held(meeting: Meeting, days_ago: int = 1) -> Meeting:
    when = timezone.now() - timedelta(days=days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, scheduled_at=when, held_at=when
    )
    meeting.refresh_from_db()
    return meeting


def _answer(world, meeting, answer, comment=""):
    return world.htmx_client_for(world.scholar).post(
        reverse("outcome_save", args=[meeting.pk]), {"answer": answer, "comment": comment}
    )


def test_the_scholar_answers_and_may_change_the_answer(world):
    meeting = _held(world.meeting)
    response = _answer(world, meeting, "partly", "OUTCOME-COMMENT wanted more on probes")
    assert response.status_code == 200
    assert "Your answer: <strong>Partly</strong>" in response.content.decode()
    _answer(world, meeting, "yes")
    outcome = MeetingOutcome.objects.get()
    assert outcome.answer == "yes" and outcome.comment == ""


def test_an_answer_must_be_one_of_the_three(world):
    meeting = _held(world.meeting)
    response = _answer(world, meeting, "maybe")
    assert "Select a valid choice" in response.content.decode()
    assert not MeetingOutcome.objects.exists()


def test_the_mentor_sees_the_answer_but_never_the_comment(world):
    meeting = _held(world.meeting)
    _answer(world, meeting, "no", "OUTCOME-COMMENT private thoughts")
    html = world.client_for(world.mentor).get(reverse("recap", args=[meeting.pk])).content.decode()
    assert "get what they came for?" in html and "<strong>No</strong>" in html
    assert "OUTCOME-COMMENT" not in html


def test_the_mentor_sees_their_own_trend_oldest_first(world):
    first = _held(MeetingFactory(mentorship=world.mentorship), days_ago=20)
    second = _held(MeetingFactory(mentorship=world.mentorship), days_ago=10)
    _answer(world, first, "no")
    _answer(world, second, "yes")
    other_pair = MentorshipFactory(program=world.program)  # another mentor's meetings
    MeetingOutcomeFactory(meeting=_held(MeetingFactory(mentorship=other_pair)), answer="no")
    trend = recaps.outcome_trend(world.mentor)
    assert [o.answer for o in trend] == ["no", "yes"]


def test_staff_see_the_rate_per_mentor_as_figures_only(world):
    for days, answer in [(30, "yes"), (20, "yes"), (10, "partly"), (5, "no")]:
        meeting = _held(MeetingFactory(mentorship=world.mentorship), days_ago=days)
        _answer(world, meeting, answer, "OUTCOME-COMMENT secret")
    rate = recaps.came_for_rate(world.mentor.pk, world.program.pk)
    assert (rate.yes, rate.partly, rate.no, rate.answered, rate.percent_yes) == (2, 1, 1, 4, 50)
    url = reverse("mentor_summary", args=[world.program.slug, world.mentor.pk])
    html = world.client_for(world.staff).get(url).content.decode()
    assert "50%" in html and "1 partly · 1 no, of 4" in html
    assert "OUTCOME-COMMENT" not in html


@pytest.mark.parametrize("role", ["mentor", "other_mentor", "staff", "manager", "other_scholar"])
def test_nobody_but_the_scholar_answers(world, role):
    meeting = _held(world.meeting)
    response = world.client_for(getattr(world, role)).post(
        reverse("outcome_save", args=[meeting.pk]), {"answer": "no"}
    )
    assert response.status_code == 404
    assert not MeetingOutcome.objects.exists()


FEEDBACK = {"clarity": "mostly", "important_first": "partly", "note": "FEEDBACK-NOTE lead with it"}


def test_the_mentor_gives_feedback_that_only_the_scholar_sees(world):
    meeting = _held(world.meeting)
    response = world.htmx_client_for(world.mentor).post(
        reverse("lead_feedback_save", args=[meeting.pk]), FEEDBACK
    )
    assert response.status_code == 200
    feedback = LeadFeedback.objects.get()
    assert feedback.mentor == world.mentor and feedback.clarity == "mostly"
    scholar_page = world.client_for(world.scholar).get(reverse("recap", args=[meeting.pk]))
    html = scholar_page.content.decode()
    assert "FEEDBACK-NOTE" in html and "Mostly clear" in html and "not quite" in html
    for role in ["other_mentor", "staff", "manager", "other_scholar"]:
        client = world.client_for(getattr(world, role))
        for url in [
            reverse("recap", args=[meeting.pk]),
            reverse("history", args=[world.scholar.pk]),
            reverse("mentor_summary", args=[world.program.slug, world.mentor.pk]),
        ]:
            assert b"FEEDBACK-NOTE" not in client.get(url).content


def test_a_second_mentor_does_not_see_the_first_mentors_feedback(world):
    second = MentorshipFactory(program=world.program, scholar=world.scholar)
    meeting = _held(world.meeting)
    world.client_for(world.mentor).post(reverse("lead_feedback_save", args=[meeting.pk]), FEEDBACK)
    assert LeadFeedback.objects.visible_to(second.mentor).count() == 0
    assert LeadFeedback.objects.visible_to(world.scholar).count() == 1


def test_the_mentor_updates_their_feedback_rather_than_adding_more(world):
    meeting = _held(world.meeting)
    client = world.client_for(world.mentor)
    client.post(reverse("lead_feedback_save", args=[meeting.pk]), FEEDBACK)
    client.post(reverse("lead_feedback_save", args=[meeting.pk]), {**FEEDBACK, "clarity": "clear"})
    assert LeadFeedback.objects.get().clarity == "clear"


def test_feedback_waits_for_the_meeting_to_be_held(world):
    response = world.client_for(world.mentor).post(
        reverse("lead_feedback_save", args=[world.meeting.pk]), FEEDBACK, follow=True
    )
    assert "open once the meeting is marked held" in response.content.decode()
    assert not LeadFeedback.objects.exists()
