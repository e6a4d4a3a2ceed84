"""The scholar's research plan: goal, theory of change, milestones; agendas tag the milestones
their progress advances; the brief and history show progress against the plan. The scholar
writes; mentors and the research manager read; staff see milestone counts only."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting, Milestone, ResearchPlan
from meetings.plans import domain as plans
from tests.at_once import at_once
from tests.factories import MentorshipFactory

PLAN = {"goal": "PLAN-GOAL a probe benchmark", "theory_of_change": "PLAN-TOC better evals"}


def _plan(world) -> ResearchPlan:
    world.client_for(world.scholar).post(reverse("plan_save"), PLAN)
    return ResearchPlan.objects.get(scholar=world.scholar)


def test_the_scholar_writes_their_plan_and_adds_milestones(world):
    client = world.client_for(world.scholar)
    response = client.post(reverse("plan_save"), PLAN)
    assert response.status_code == 302
    response = client.htmx.post(
        reverse("milestone_add"), {"title": "PLAN-MS dataset ready", "target_on": "2027-01-15"}
    )
    assert response.status_code == 200 and "PLAN-MS dataset ready" in response.content.decode()
    plan = ResearchPlan.objects.get(scholar=world.scholar)
    assert plan.goal == PLAN["goal"]
    assert [(m.title, m.target_on) for m in plan.milestones.all()] == [
        ("PLAN-MS dataset ready", date(2027, 1, 15))
    ]


def test_a_milestone_needs_a_title(world):
    response = world.htmx_client_for(world.scholar).post(
        reverse("milestone_add"), {"title": "  ", "target_on": ""}
    )
    assert "A milestone needs a title." in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_stale_plan_edit_is_refused_with_the_newer_version_shown(world):
    plan = _plan(world)
    client = world.client_for(world.scholar)
    client.post(reverse("plan_save"), {**PLAN, "goal": "NEWER goal", "version": plan.version})
    response = client.post(
        reverse("plan_save"), {**PLAN, "goal": "STALE goal", "version": plan.version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "NEWER goal" in html and "STALE goal" in html
    assert ResearchPlan.objects.get().goal == "NEWER goal"


def test_a_stale_version_is_refused_by_the_plan_itself(world):
    plan = _plan(world)
    plans.save_plan(world.scholar, "NEWER goal", "", plan.version)
    with pytest.raises(plans.StalePlan):
        plans.save_plan(world.scholar, "STALE goal", "", plan.version)
    assert ResearchPlan.objects.get().goal == "NEWER goal"


def test_a_refused_milestone_edit_says_why_with_htmx_and_without(world):
    _plan(world)
    milestone = plans.add_milestone(world.scholar, "Write-up", None)
    client = world.client_for(world.scholar)
    url = reverse("milestone_edit", args=[milestone.pk])
    swapped = client.htmx.post(url, {"title": "", "target_on": "not a date"})
    html = swapped.content.decode()
    assert swapped.status_code == 200 and 'id="milestones"' in html and "<html" not in html
    assert "A milestone needs a title. Enter a valid date." in html
    plain = client.post(url, {"title": "", "target_on": "not a date"})
    assert plain.status_code == 302 and plain.url == reverse("plan", args=[world.scholar.pk])
    assert [str(m) for m in get_messages(plain.wsgi_request)] == [
        "A milestone needs a title. Enter a valid date."
    ]
    assert Milestone.objects.get().title == "Write-up"


def test_ticking_a_milestone_done_dates_it_and_unticking_clears_it(world):
    _plan(world)
    milestone = plans.add_milestone(world.scholar, "Write-up", None)
    client = world.client_for(world.scholar)
    client.post(reverse("milestone_edit", args=[milestone.pk]), {"title": "Write-up", "done": "on"})
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    client.post(reverse("milestone_edit", args=[milestone.pk]), {"title": "Write-up"})
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_the_agenda_tags_milestones_and_the_brief_and_history_show_them(world):
    _plan(world)
    advanced = plans.add_milestone(world.scholar, "PLAN-MS probe baseline", None)
    plans.add_milestone(world.scholar, "PLAN-MS other", timezone.localdate() - timedelta(days=1))
    scholar = world.client_for(world.scholar)
    agenda_page = scholar.get(reverse("agenda", args=[world.meeting.pk])).content.decode()
    assert "This progress advances" in agenda_page and "PLAN-MS probe baseline" in agenda_page
    response = scholar.htmx.post(
        reverse("agenda_milestones", args=[world.meeting.pk]), {"milestone": [advanced.pk]}
    )
    assert response.status_code == 200
    assert list(world.agenda.milestones.all()) == [advanced]
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    html = brief.content.decode()
    assert "Research plan milestones" in html and "advanced" in html and "overdue" in html
    history = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    assert "Advanced in:" in history.content.decode()


def test_the_agenda_of_a_meeting_no_longer_planned_keeps_its_tags(world):
    _plan(world)
    milestone = plans.add_milestone(world.scholar, "PLAN-MS late", None)
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    client = world.client_for(world.scholar)
    url = reverse("agenda_milestones", args=[world.meeting.pk])
    swapped = client.htmx.post(url, {"milestone": [milestone.pk]})
    assert swapped.status_code == 409 and swapped["HX-Refresh"] == "true"
    plain = client.post(url, {"milestone": [milestone.pk]})
    assert plain.status_code == 302 and plain.url == reverse("brief", args=[world.meeting.pk])
    assert "no longer planned" in " ".join(str(m) for m in get_messages(plain.wsgi_request))
    assert not world.agenda.milestones.exists()


def test_only_the_scholar_tags_their_agenda(world):
    _plan(world)
    milestone = plans.add_milestone(world.scholar, "PLAN-MS mine", None)
    url = reverse("agenda_milestones", args=[world.meeting.pk])
    response = world.client_for(world.mentor).htmx.post(url, {"milestone": [milestone.pk]})
    assert response.status_code == 404
    assert not world.agenda.milestones.exists()


def test_only_the_scholars_own_milestones_can_be_tagged(world):
    _plan(world)
    mine = plans.add_milestone(world.scholar, "Mine", None)
    theirs = plans.add_milestone(world.other_scholar, "Theirs", None)
    world.client_for(world.scholar).post(
        reverse("agenda_milestones", args=[world.meeting.pk]), {"milestone": [mine.pk, theirs.pk]}
    )
    assert list(world.agenda.milestones.all()) == [mine]


@pytest.mark.parametrize("role", ["mentor", "manager"])
def test_mentors_and_the_research_manager_read_the_plan(world, role):
    _plan(world)
    plans.add_milestone(world.scholar, "PLAN-MS visible", None)
    html = world.client_for(getattr(world, role)).get(reverse("plan", args=[world.scholar.pk]))
    assert html.status_code == 200
    assert "PLAN-GOAL" in html.content.decode() and "PLAN-MS visible" in html.content.decode()
    assert "Add milestone" not in html.content.decode()


@pytest.mark.parametrize("role", ["other_mentor", "other_scholar", "staff", "other_staff"])
def test_nobody_else_reads_the_plan(world, role):
    _plan(world)
    plans.add_milestone(world.scholar, "PLAN-MS hidden", None)
    client = world.client_for(getattr(world, role))
    assert client.get(reverse("plan", args=[world.scholar.pk])).status_code == 404
    # staff: counts on the scholar's summary, never the text
    url = reverse("scholar_summary", args=[world.program.slug, world.scholar.pk])
    assert b"PLAN-" not in client.get(url).content


def test_staff_see_milestone_counts(world):
    _plan(world)
    done = plans.add_milestone(world.scholar, "A", None)
    plans.update_milestone(done, "A", None, True)
    plans.add_milestone(world.scholar, "B", timezone.localdate() - timedelta(days=3))
    plans.add_milestone(world.scholar, "C", None)
    assert plans.milestone_counts(world.scholar.pk) == plans.MilestoneCounts(3, 1, 1)
    url = reverse("scholar_summary", args=[world.program.slug, world.scholar.pk])
    html = world.client_for(world.staff).get(url).content.decode()
    assert "Research plan milestones done" in html and "1 overdue" in html


def test_a_mentor_cannot_edit_the_scholars_milestones(world):
    _plan(world)
    milestone = plans.add_milestone(world.scholar, "Mine", None)
    client = world.client_for(world.mentor)
    edit = client.post(reverse("milestone_edit", args=[milestone.pk]), {"title": "hijacked"})
    delete = client.post(reverse("milestone_delete", args=[milestone.pk]))
    assert edit.status_code == delete.status_code == 404
    assert Milestone.objects.get().title == "Mine"


def test_a_second_mentor_reads_the_plan_too(world):
    second = MentorshipFactory(program=world.program, scholar=world.scholar).mentor
    _plan(world)
    assert world.client_for(second).get(reverse("plan", args=[world.scholar.pk])).status_code == 200


@pytest.mark.parametrize("role", ["mentor", "staff", "manager", "outsider"])
def test_it_keeps_no_plan_for_someone_who_is_not_a_scholar(world, role):
    client = world.client_for(getattr(world, role))
    assert client.post(reverse("plan_save"), PLAN).status_code == 404
    milestone = {"title": "A milestone", "target_on": ""}
    assert client.htmx.post(reverse("milestone_add"), milestone).status_code == 404
    assert not ResearchPlan.objects.filter(scholar=getattr(world, role)).exists()
    assert not Milestone.objects.exists()


def test_a_plan_save_naming_no_version_does_not_overwrite_the_plan(world):
    """A form opened before there was a plan names no version: once a plan was saved since, it
    is a stale save like any other (409, the newer text shown, nothing overwritten)."""
    _plan(world)
    response = world.client_for(world.scholar).post(
        reverse("plan_save"), {**PLAN, "goal": "BLIND goal"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert PLAN["goal"] in html and "BLIND goal" in html
    assert ResearchPlan.objects.get().goal == PLAN["goal"]


def test_a_first_plan_may_follow_a_milestone_added_from_the_same_page(world):
    """Adding a milestone makes an empty plan: the goal typed on the page opened before it still
    saves, as nothing is overwritten."""
    client = world.client_for(world.scholar)
    client.post(reverse("milestone_add"), {"title": "First milestone"})
    assert client.post(reverse("plan_save"), PLAN).status_code == 302
    assert ResearchPlan.objects.get().goal == PLAN["goal"]


@pytest.mark.parametrize("years", [6, -6, "9999"])
@pytest.mark.parametrize("view", ["milestone_add", "milestone_edit"])
def test_a_milestone_date_is_within_a_few_years(world, years, view):
    today = timezone.localdate()
    target = "9999-12-31" if years == "9999" else (today + timedelta(days=365 * years)).isoformat()
    client = world.client_for(world.scholar)
    data = {"title": "KEPT-MILESTONE", "target_on": target}
    if view == "milestone_add":
        response = client.htmx.post(reverse("milestone_add"), data)
        assert "KEPT-MILESTONE" in response.content.decode()
        assert not Milestone.objects.exists()
    else:
        milestone = plans.add_milestone(world.scholar, "Write-up", None)
        response = client.htmx.post(reverse("milestone_edit", args=[milestone.pk]), data)
        milestone.refresh_from_db()
        assert milestone.target_on is None and milestone.title == "Write-up"
        # Beside the field, what was typed kept in the form left open.
        html = response.content.decode()
        assert f'value="{target}" aria-invalid="true"' in html
        assert f'id="ms-target-error-{milestone.pk}">Pick a target date within 5 years' in html
        assert '<details class="milestone-edit" open>' in html
    assert "Pick a target date within 5 years" in response.content.decode()


def test_milestones_read_in_date_order(world):
    client = world.client_for(world.scholar)
    today = timezone.localdate()
    for title, days in [("LATE", 90), ("UNDATED", None), ("EARLY", 10), ("MIDDLE", 40)]:
        target = (today + timedelta(days=days)).isoformat() if days else ""
        client.post(reverse("milestone_add"), {"title": f"MS-{title}", "target_on": target})
    html = client.get(reverse("plan", args=[world.scholar.pk])).content.decode()
    order = sorted(["EARLY", "MIDDLE", "LATE", "UNDATED"], key=lambda t: html.index(f"MS-{t}"))
    assert order == ["EARLY", "MIDDLE", "LATE", "UNDATED"]
    agenda_order = [m.title for m in plans.milestones_for_agenda(world.agenda)]
    assert agenda_order == ["MS-EARLY", "MS-MIDDLE", "MS-LATE", "MS-UNDATED"]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_saves_make_one_plan(world):
    """Two windows save the first plan at the same moment (on PostgreSQL, really at once): one
    plan, the first save's, and the other refused as stale instead of an IntegrityError."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write at a time: only PostgreSQL shows the race.")

    def save(i):
        try:
            plans.save_plan(world.scholar, f"Goal {i}", "", None)
        except plans.StalePlan:
            return "stale"
        return "saved"

    assert sorted(map(str, at_once(save, 4))) == ["saved", "stale", "stale", "stale"]
    assert ResearchPlan.objects.filter(scholar=world.scholar).count() == 1
