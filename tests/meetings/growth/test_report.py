"""The end-of-program report's contents: every section, with the right items, for the scholar."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.growth.report import build_report, report_figures
from meetings.models import GrowthSharing, Milestone, Question
from meetings.plans import domain as plans
from tests.factories import (
    ActionItemFactory,
    LeadFeedbackFactory,
    QuestionFactory,
    ReadingEntryFactory,
    RecapFactory,
)

from .report_data import add_meetings, held_meeting, second_mentorship, share_report


def _report(client, scholar) -> str:
    response = client.get(reverse("report", args=[scholar.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def program(world):
    """Two held meetings with the first mentor: a bottleneck that was resolved (with a recap
    the mentor corrected), then a second one; readings, milestones, action items, feedback."""
    first = held_meeting(
        world.mentorship,
        60,
        "Probing layer 6 gives **noisy** results",
        bottleneck_resolution="Averaged over five seeds",
        bottleneck_resolved_at=timezone.now() - timedelta(days=50),
    )
    QuestionFactory(
        agenda=first.agenda, text="Which probe to use?", status="resolved", answer="A *linear* one"
    )
    QuestionFactory(agenda=first.agenda, text="Dropped question?", status="dropped")
    carried = QuestionFactory(agenda=first.agenda, text="Do I need more compute?")
    RecapFactory(
        meeting=first,
        takeaway="Seeds matter more than layers",
        next_steps="Rerun with five seeds",
        still_need="A GPU budget",
        confirmed_by=world.mentor,
        confirmed_at=timezone.now() - timedelta(days=58),
        correction="Also try layer 8",
    )
    LeadFeedbackFactory(
        meeting=first,
        mentor=world.mentor,
        clarity="mostly",
        important_first="yes",
        note="Lead with the decision",
    )
    second = held_meeting(world.mentorship, 30, "Writing the related-work section")
    QuestionFactory(
        agenda=second.agenda,
        text="Do I need more compute?",
        carried_from=carried,
        status="answered",
        answer="No, batch smaller",
    )
    ReadingEntryFactory(
        scholar=world.scholar,
        title="Toy Models of Superposition",
        takeaway="Features share dims",
        read_on=date(2026, 9, 1),
    )
    plans.save_plan(world.scholar, "Understand probing in small models", "", None)
    done = plans.add_milestone(world.scholar, "Replicate the baseline", date(2026, 9, 1))
    Milestone.objects.filter(pk=done.pk).update(done_on=date(2026, 8, 28))
    plans.add_milestone(world.scholar, "Write the paper", date(2026, 12, 20))
    ActionItemFactory(mentorship=world.mentorship, meeting=first, text="Rerun", done=True)
    ActionItemFactory(mentorship=world.mentorship, meeting=second, text="Draft", done=False)
    return first, second


def test_it_compiles_every_section_for_the_scholar(world, program):
    html = _report(world.client_for(world.scholar), world.scholar)
    for heading in (
        "Meetings held",
        "Bottlenecks over time",
        "Questions asked and resolved",
        "Readings",
        "Research plan and milestones",
        "Recaps",
        "Feedback I received on leading meetings",
    ):
        assert heading in html
    # the bottleneck rendered as Markdown, how it was resolved, the recap's takeaway
    assert "Probing layer 6 gives <strong>noisy</strong> results" in html
    assert "Averaged over five seeds" in html and "Takeaway from the meeting" in html
    # questions with their status and answer; the dropped one left out; a carried one once
    assert "Which probe to use?" in html and "A <em>linear</em> one" in html
    assert "Dropped question?" not in html
    assert html.count("Do I need more compute?") == 1 and "No, batch smaller" in html
    # readings with takeaways, the plan's goal and milestones with their dates
    assert "Toy Models of Superposition" in html and "Features share dims" in html
    assert "Understand probing in small models" in html
    assert "Replicate the baseline" in html and "done 28 Aug 2026" in html
    assert "Write the paper" in html and "target 20 Dec 2026" in html
    # recaps: three lines and the mentor's correction
    assert "Rerun with five seeds" in html and "A GPU budget" in html
    assert "Corrected by Mentor" in html and "Also try layer 8" in html
    assert "Lead with the decision" in html
    assert "Action items: 1 done, 1 open." in html


def test_it_orders_meetings_oldest_first_and_gives_the_period(world, program):
    first, second = program
    report = build_report(world.scholar, world.scholar)
    assert [m.pk for m in report.meetings] == [first.pk, second.pk]
    assert report.first_meeting == first.scheduled_at
    assert report.last_meeting == second.scheduled_at
    assert [b.agenda.meeting_id for b in report.bottlenecks][:2] == [first.pk, second.pk]
    html = _report(world.client_for(world.scholar), world.scholar)
    period = f"{first.scheduled_at:%-d %b %Y} to {second.scheduled_at:%-d %b %Y}"
    assert period in html and "Winter with Mentor" in html


def test_it_counts_the_figures(world, program):
    figures = report_figures(world.scholar.pk)
    assert figures.meetings_held == 2
    # which probe, more compute (its newest copy), dropped, and the world's open question
    assert (figures.questions_asked, figures.questions_resolved) == (4, 2)
    assert (figures.readings, figures.recaps) == (1, 1)
    assert (figures.milestones_done, figures.milestones_total) == (1, 2)
    assert (figures.actions_done, figures.actions_open) == (1, 1)


def test_it_scopes_the_figures_to_one_program(world, program):
    assert report_figures(world.scholar.pk, world.other_program.pk).meetings_held == 0
    assert report_figures(world.scholar.pk, world.program.pk).meetings_held == 2


def test_it_marks_a_stuck_stretch(world):
    for days in (30, 23, 16):
        held_meeting(world.mentorship, days, "My training runs diverge after 2k steps")
    html = _report(world.client_for(world.scholar), world.scholar)
    assert "Stuck for 3 meetings" in html and html.count("stuck stretch") == 2


def test_it_shows_the_scholar_the_other_mentorship_in_full(world):
    second_mentorship(world)
    html = _report(world.client_for(world.scholar), world.scholar)
    for text in ("SECRET-SECOND-MENTOR", "SECRET-SECOND-QUESTION", "SECRET-SECOND-RECAP"):
        assert text in html
    assert "SECRET-SECOND-FEEDBACK" in html  # the feedback the scholar received
    assert "date only" not in html


@pytest.mark.parametrize("shared,text", [(False, "cannot"), (True, "can")])
def test_it_tells_the_scholar_whether_their_mentors_see_it(world, shared, text):
    share_report(world.scholar, shared)
    html = _report(world.client_for(world.scholar), world.scholar)
    assert f"Your mentors <strong>{text}</strong> see this report." in html
    assert f'href="/scholars/{world.scholar.pk}/growth/#sharing"' in html


def test_it_links_the_report_from_home_and_history(world):
    client = world.client_for(world.scholar)
    url = reverse("report", args=[world.scholar.pk])
    assert url in client.get(reverse("home")).content.decode()
    assert url in client.get(reverse("history", args=[world.scholar.pk])).content.decode()


@pytest.mark.parametrize("shared", [False, True])
def test_it_links_the_report_from_the_mentor_history_only_when_shared(world, shared):
    share_report(world.scholar, shared)
    html = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    assert (reverse("report", args=[world.scholar.pk]) in html.content.decode()) is shared


def test_it_renders_an_empty_program(world):
    Question.objects.all().delete()
    html = _report(world.client_for(world.scholar), world.scholar)
    assert "No meeting held yet." in html and "No milestones." in html


# The user and session, the scholar (with their sharing choice), then one query each: pairs,
# held meetings, figures, the timeline's agendas (whom the scholar asked is not shown), the
# agendas' resolutions, questions, readings, plan, milestones, recaps, lead feedback; and the site
# navigation's one (is a scholar, staffed programs); and the growth section's seven
# (meetings/growth/signals.py: briefs, their questions and captures, streaks, whom asked, readings, offers),
# here with every part shared so the mentor's report has them too.
REPORT_QUERIES = 22


@pytest.mark.parametrize("role", ["scholar", "mentor"])
@pytest.mark.parametrize("size", [1, 12])
def test_it_builds_the_report_in_the_same_number_of_queries(
    world, django_assert_num_queries, role, size
):
    add_meetings(world, size)
    second_mentorship(world)
    share_report(world.scholar)
    GrowthSharing.objects.filter(scholar=world.scholar).update(
        leading=True, unstuck=True, reading=True, peers=True
    )
    client = world.client_for(getattr(world, role))
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(reverse("report", args=[world.scholar.pk]))
    assert response.context["report"].figures.meetings_held == size + 1
    assert len(response.context["report"].recaps) == size + (role == "scholar")
