"""The scholar's research plan: goal, theory of change, milestones with target dates; agendas
tag the milestones their progress advances. Only the scholar writes; who reads is in access.py
(`research_plan`); staff get milestone counts only (`milestone_counts`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from meetings.models import Agenda, Milestone, ResearchPlan

# Milestones read in date order; those without a date after the dated ones, in the order added.
BY_DATE = (F("target_on").asc(nulls_last=True), "position", "pk")


class StalePlan(Exception):
    """The plan was saved from another window since this edit began: saving would overwrite it."""


def plan_of(scholar: User) -> ResearchPlan:
    plan, _ = ResearchPlan.objects.get_or_create(scholar=scholar)
    return plan


@transaction.atomic
def save_plan(scholar: User, goal: str, theory_of_change: str, version: int | None) -> None:
    """Save the plan's text; StalePlan when `version` is not the plan's own (a newer save
    happened meanwhile). `version` None: the form was opened before there was a plan, so it
    may only fill a plan that has no text yet (adding a milestone makes an empty one): over a
    text saved since, it is stale too. Two first saves at once make one plan, the second
    refused as stale."""
    # get_or_create survives a simultaneous first save (it reads the row the other one made);
    # the lock then makes the second save wait for the first and see its text.
    created = plan_of(scholar)
    plan = ResearchPlan.objects.select_for_update().get(pk=created.pk)
    if version is None:
        if plan.goal or plan.theory_of_change:
            raise StalePlan
    elif version != plan.version:
        raise StalePlan
    plan.goal, plan.theory_of_change = goal, theory_of_change
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save()


def add_milestone(scholar: User, title: str, target_on) -> Milestone:
    plan = plan_of(scholar)
    last = plan.milestones.aggregate(last=Max("position"))["last"]
    return Milestone.objects.create(
        plan=plan, title=title, target_on=target_on, position=(last or 0) + 1
    )


def update_milestone(milestone: Milestone, title: str, target_on, done: bool) -> None:
    milestone.title, milestone.target_on = title, target_on
    if done and not milestone.is_done:
        milestone.done_on = timezone.localdate()
    elif not done:
        milestone.done_on = None
    milestone.save(update_fields=["title", "target_on", "done_on"])


def tag_agenda(agenda: Agenda, milestone_ids: list[int]) -> None:
    """The milestones this agenda's progress advances (only the scholar's own, only while the
    meeting is planned: a held record is fixed)."""
    if not agenda.meeting.is_open:
        raise ValidationError("This meeting is no longer planned: its agenda is read-only.")
    mine = Milestone.objects.filter(
        plan__scholar_id=agenda.meeting.mentorship.scholar_id, pk__in=milestone_ids
    )
    agenda.milestones.set(mine)


def milestones_with_agendas(scholar_id: int, viewer: User) -> list[Milestone]:
    """The scholar's milestones, each with `advanced_by`: the agendas the viewer may see that
    advanced it (newest first). Two queries."""
    milestones = list(Milestone.objects.filter(plan__scholar_id=scholar_id).order_by(*BY_DATE))
    links = (
        Milestone.agendas.through.objects.filter(
            milestone__in=milestones, agenda__in=Agenda.objects.visible_to(viewer)
        )
        .select_related("agenda__meeting")
        .order_by("-agenda__meeting__scheduled_at")
    )
    by_milestone: dict[int, list[Agenda]] = {m.pk: [] for m in milestones}
    for link in links:
        by_milestone[link.milestone_id].append(link.agenda)
    for milestone in milestones:
        milestone.advanced_by = by_milestone[milestone.pk]
    return milestones


@dataclass(frozen=True)
class MilestoneCounts:
    """Figures only (what staff see)."""

    total: int
    done: int
    overdue: int


def milestone_counts(scholar_id: int) -> MilestoneCounts:
    today = timezone.localdate()
    counts = Milestone.objects.filter(plan__scholar_id=scholar_id).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(done_on__isnull=False)),
        overdue=Count("pk", filter=Q(done_on__isnull=True, target_on__lt=today)),
    )
    return MilestoneCounts(**counts)


def milestones_for_agenda(agenda: Agenda) -> list[Milestone]:
    """The scholar's milestones, each with `tagged`: this agenda's progress advances it."""
    links = Milestone.agendas.through.objects.filter(milestone=OuterRef("pk"), agenda_id=agenda.pk)
    return list(
        Milestone.objects.filter(plan__scholar_id=agenda.meeting.mentorship.scholar_id)
        .annotate(tagged=Exists(links))
        .order_by(*BY_DATE)
    )
