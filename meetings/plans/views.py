"""The scholar's research plan page (the scholar edits; their mentors and research manager read)
and the agenda's milestone tags. Every form works without JavaScript; htmx swaps the part."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from config.ids import parse_id
from meetings import access
from meetings.htmx import part_or_page, part_or_redirect, refresh_or_redirect
from meetings.models import Agenda, Meeting, Milestone, ResearchPlan
from meetings.plans import domain as plans
from meetings.plans.forms import MilestoneForm, PlanForm

TEMPLATE = "meetings/plans/plan.html"


def _scholar_for(user: User, user_id: int) -> User:
    """The scholar whose plan the user may read (themself, a mentor, their research manager)."""
    readable = User.objects.filter(access.research_plan_scholars(user)).annotate(
        history_visible=ExpressionWrapper(access.history_scholars(user), BooleanField())
    )
    return get_object_or_404(readable, pk=user_id)


def _context(user: User, scholar: User, **extra) -> dict:
    plan = ResearchPlan.objects.visible_to(user).filter(scholar=scholar).first()
    is_owner = user.pk == scholar.pk
    ctx = {
        "scholar": scholar,
        "plan": plan,
        "is_owner": is_owner,
        # A research manager reads the plan but not the history: no link they can't follow.
        "history_visible": getattr(scholar, "history_visible", is_owner),
        "milestones": plans.milestones_with_agendas(scholar.pk, user),
        "today": timezone.localdate(),
    }
    if is_owner:
        ctx["plan_form"] = extra.pop("plan_form", None) or PlanForm(
            instance=plan, initial={"version": plan.version if plan else None}
        )
        ctx["milestone_form"] = extra.pop("milestone_form", None) or MilestoneForm()
        ctx["milestone_form"].fields.pop("done", None)  # a new milestone is not done yet
    return ctx | extra


def _require_scholar(user: User) -> None:
    if not user.is_scholar():
        raise Http404("Only scholars keep a research plan.")


def _own_part(request: HttpRequest, part: str, message: str = "", error: str = "", **extra):
    """The scholar's part of their plan page again (htmx), or their plan page (a plain post)."""
    user = request.user
    return part_or_redirect(
        request,
        TEMPLATE,
        part,
        lambda: _context(user, user, **extra),
        url=reverse("plan", args=[user.pk]),
        message=message,
        error=error,
    )


@require_GET
def plan(request: HttpRequest, user_id: int) -> HttpResponse:
    scholar = _scholar_for(request.user, user_id)
    return render(request, TEMPLATE, _context(request.user, scholar))


@require_POST
@vary_on_headers("HX-Request")
def plan_save(request: HttpRequest) -> HttpResponse:
    _require_scholar(request.user)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return part_or_page(
            request, TEMPLATE, "plan-text", _context(request.user, request.user, plan_form=form)
        )
    data = form.cleaned_data
    try:
        plans.save_plan(
            request.user, data["goal"].strip(), data["theory_of_change"].strip(), data["version"]
        )
    except plans.StalePlan:
        form.add_error(
            None,
            "Your plan was changed in another window since you opened it. The newer version is "
            "shown above; your text is kept below: compare and save again.",
        )
        ctx = _context(request.user, request.user, plan_form=form)
        form.data = form.data.copy()
        form.data["version"] = ctx["plan"].version
        return part_or_page(request, TEMPLATE, "plan-text", ctx, status=409)
    return _own_part(request, "plan-text", message="Plan saved.", saved=True)


@require_POST
@vary_on_headers("HX-Request")
def milestone_add(request: HttpRequest) -> HttpResponse:
    _require_scholar(request.user)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        ctx = _context(request.user, request.user, milestone_form=form)
        return part_or_page(request, TEMPLATE, "milestones", ctx)
    plans.add_milestone(request.user, form.cleaned_data["title"], form.cleaned_data["target_on"])
    return _own_part(request, "milestones")


def _own_milestone(user: User, pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.filter(plan__scholar=user), pk=pk)


@require_POST
@vary_on_headers("HX-Request")
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _own_milestone(request.user, pk)
    form = MilestoneForm(request.POST, instance=milestone)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        # The refused edit stays open with what was typed, each message beside its field.
        return _own_part(request, "milestones", error=error, milestone_error=error, edit_form=form)
    data = form.cleaned_data
    plans.update_milestone(milestone, data["title"], data["target_on"], data["done"])
    return _own_part(request, "milestones")


@require_POST
@vary_on_headers("HX-Request")
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _own_milestone(request.user, pk).delete()
    return _own_part(request, "milestones", message="Milestone deleted.")


@require_POST
@vary_on_headers("HX-Request")
def agenda_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """Tag the agenda's progress with the milestones it advances (the scholar, while planned)."""
    # Only the scholar tags their agenda: anyone else finds no such meeting here.
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user)
        .filter(mentorship__scholar=request.user)
        .select_related("mentorship"),
        pk=pk,
    )
    agenda = get_object_or_404(Agenda.objects.visible_to(request.user), meeting=meeting)
    agenda.meeting = meeting
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("milestone")) if i]
    try:
        plans.tag_agenda(agenda, ids)
    except ValidationError as refused:
        return refresh_or_redirect(
            request, url=reverse("brief", args=[meeting.pk]), error=" ".join(refused.messages)
        )
    return part_or_redirect(
        request,
        "meetings/plans/_agenda_milestones.html",
        "agenda-milestones",
        lambda: {
            "meeting": meeting,
            "plan_milestones": plans.milestones_for_agenda(agenda),
            "tags_saved": True,
        },
        url=reverse("agenda", args=[meeting.pk]),
        message="Milestones saved.",
    )
