"""Pages for program staff and research managers: cadence figures and flags, never content.

README, "Who sees what": program staff see the figures of their whole program; a research manager sees the
figures of the scholars assigned to them, and those scholars' wellbeing check-ins only when the
scholar shared them with the research manager. Nobody here ever sees agenda, brief or
annotation text.
"""

from __future__ import annotations

import csv
from datetime import date
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User, program_staff
from config.ids import parse_id
from meetings import access, charts
from meetings.growth import report
from meetings.growth import signals as growth
from meetings.models import Agenda, Meeting
from meetings.plans import domain as plans
from meetings.recaps import domain as recaps
from meetings.scheduling.lifecycle import schedulable_mentorships
from meetings.staff.cadence import (
    FLAGS,
    GRID_WEEKS_PAST,
    HELP_TEXT,
    SORTS,
    CadenceRow,
    cadence_page,
    cadence_rows,
    streamed_rows,
    weekly_held,
)
from meetings.unstuck.streaks import STUCK_FROM, people_asked_per_meeting

CHECKINS_SHOWN = 30


def _staffed_program(request: HttpRequest, slug: str) -> Program:
    return get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)


def _filters(request: HttpRequest) -> dict:
    flag = request.GET.get("flag")
    sort = request.GET.get("sort") or "attention"
    if sort.lstrip("-") not in SORTS:
        sort = "attention"
    return {
        "flag": flag if flag in FLAGS else None,
        "mentor_id": parse_id(request.GET.get("mentor")),
        "sort": sort,
    }


def _query(**params) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v is not None and v != ""})


def _sort_links(filters: dict) -> dict[str, dict]:
    """Each column's header link: sorts by it, or reverses the order when it is the current sort."""
    links = {}
    current = filters["sort"]
    for key, label in SORTS.items():
        new = f"-{key}" if current == key else key
        direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        links[key] = {
            "label": label,
            "href": _query(sort=new, flag=filters["flag"], mentor=filters["mentor_id"]),
            "aria_sort": direction,
        }
    return links


def _trend(mentorship_ids: list[int]) -> dict:
    weeks = weekly_held(mentorship_ids, timezone.now())
    values = [n for _, n in weeks]
    first: date | None = weeks[0][0] if weeks else None
    return {
        "plot": charts.lines(charts.SPARKLINE, {"held": values}, labelled=False, dotted=False),
        "label": (
            f"Held meetings per week since {first:%d %b}: " + ", ".join(str(v) for v in values)
            if first
            else "No weeks"
        ),
    }


# What staff act on first (who, flags, days since held, next meeting), then the figures; the
# same order as meetings/staff/_staff_rows.html. "next" is not a sort: it is shown, not sortable.
COLUMN_ORDER = [
    "scholar",
    "mentor",
    "attention",
    "days",
    "next",
    "cadence",
    "held_4w",
    "held_8w",
    "held_total",
    "on_time",
    "opened",
    "open_items",
]


def _columns(filters: dict) -> list[dict]:
    links = _sort_links(filters)
    links["attention"]["label"] = "Flags"
    links["next"] = {"label": "Next meeting", "href": "", "aria_sort": ""}
    return [{**links[key], "key": key} for key in COLUMN_ORDER]


# --- Cadence dashboard -----------------------------------------------------------------------


@require_http_methods(["GET"])
def cadence(request: HttpRequest, slug: str) -> HttpResponse:
    # The program with "does this user manage scholars in it" (for one link), in one query.
    program = get_object_or_404(
        Program.objects.staffed_by(request.user).annotate(
            manages=Exists(
                ResearchManagerAssignment.objects.of_manager(request.user).filter(
                    program=OuterRef("pk")
                )
            )
        ),
        slug=slug,
    )
    filters = _filters(request)
    page = cadence_page(
        program.mentorships.active(),
        **filters,
        page=request.GET.get("page") or 1,
    )
    mentors = User.objects.filter(
        pk__in=Mentorship.objects.filter(program=program, active=True).values("mentor_id")
    )
    base = {"sort": filters["sort"], "flag": filters["flag"], "mentor": filters["mentor_id"]}
    return render(
        request,
        "meetings/staff/cadence.html",
        {
            "program": program,
            "page": page,
            "rows": page.rows,
            "help_text": HELP_TEXT,
            "mentors": mentors,
            "filters": filters,
            "columns": _columns(filters),
            "flag_links": [
                {
                    "key": key,
                    "label": label,
                    "href": _query(sort=filters["sort"], flag=key, mentor=filters["mentor_id"]),
                }
                for key, label in FLAGS.items()
            ],
            "all_link": _query(sort=filters["sort"], mentor=filters["mentor_id"]),
            "previous_link": _query(**base, page=page.page - 1),
            "next_link": _query(**base, page=page.page + 1),
            "csv_link": _query(**base),
            "manages": program.manages,
            "stuck_from": STUCK_FROM,
        },
    )


CSV_COLUMNS = [
    "scholar",
    "scholar_name",
    "scholar_email",
    "mentor",
    "mentor_name",
    "mentor_email",
    "cadence_days",
    "started_on",
    "held_4w",
    "expected_4w",
    "held_8w",
    "expected_8w",
    "held_total",
    "expected_total",
    "days_since_last_held",
    "agendas_on_time_share",
    "briefs_opened_before_share",
    "open_action_items",
    "next_meeting_at",
    "overdue",
    "unprepared",
    "unread",
    "stuck_meetings",
]


def _safe_cell(value: str) -> str:
    """Names cannot start a spreadsheet formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_row(r: CadenceRow) -> list:
    m = r.mentorship
    return [
        _safe_cell(m.scholar.username),
        _safe_cell(m.scholar.name),
        _safe_cell(m.scholar.email),
        _safe_cell(m.mentor.username),
        _safe_cell(m.mentor.name),
        _safe_cell(m.mentor.email),
        m.cadence_days,
        m.started_on.isoformat(),
        r.held_4w,
        r.expected_4w,
        r.held_8w,
        r.expected_8w,
        r.held_total,
        r.expected_total,
        "" if r.days_since_last is None else r.days_since_last,
        "" if r.on_time_share is None else round(r.on_time_share, 3),
        "" if r.opened_share is None else round(r.opened_share, 3),
        r.open_items,
        m.next_meeting_at.isoformat() if m.next_meeting_at else "",
        int(r.overdue),
        int(r.unprepared),
        int(r.unread),
        r.stuck_for if r.stuck else 0,
    ]


class _Echo:
    """csv.writer's file: hands each written line back, for a streamed response."""

    def write(self, line: str) -> str:
        return line


@require_http_methods(["GET"])
def cadence_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    program = _staffed_program(request, slug)
    rows = streamed_rows(program.mentorships.active(), **_filters(request))
    # The lines are written after this view returns, once the middleware has reset the time
    # zone: the rows' dates are worked out in the reader's zone, as on the page.
    zone = timezone.get_current_timezone()
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        with timezone.override(zone):
            for r in rows:
                yield writer.writerow(_csv_row(r))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="cadence-{program.slug}-{stamp}.csv"'
    return response


# --- Summary pages ---------------------------------------------------------------------------


def _summary(request: HttpRequest, program: Program, mentorships, person: User, role: str):
    rows = cadence_rows(mentorships)
    if not rows:
        raise Http404("No such person in this program.")
    briefs = sum(r.briefs for r in rows)
    return {
        "user_is_program_staff": program.is_staffed_by(request.user),
        "trend_weeks": GRID_WEEKS_PAST,
        "program": program,
        "person": person,
        "role": role,
        "rows": rows,
        "help_text": HELP_TEXT,
        "trend": _trend([r.mentorship.pk for r in rows]),
        "totals": {
            "held_4w": sum(r.held_4w for r in rows),
            "expected_4w": round(sum(r.expected_4w for r in rows), 1),
            "held_total": sum(r.held_total for r in rows),
            "expected_total": round(sum(r.expected_total for r in rows), 1),
            "open_items": sum(r.open_items for r in rows),
            "opened_share": (sum(r.briefs_read_before for r in rows) / briefs if briefs else None),
            "stuck": sum(1 for r in rows if r.stuck),
        },
        "stuck_from": STUCK_FROM,
        # Upcoming meetings are listed to be moved or cancelled, and the list offers to schedule
        # more: only for a reader who may schedule this person's meetings (not a research manager).
        "may_schedule": schedulable_mentorships(request.user)
        .filter(pk__in=[r.mentorship.pk for r in rows])
        .exists(),
    }


def _managed_scholar_ids(user: User, program: Program) -> list[int]:
    return list(
        ResearchManagerAssignment.objects.of_manager(user)
        .filter(program=program)
        .values_list("scholar_id", flat=True)
    )


@require_http_methods(["GET"])
def scholar_summary(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Program staff, or the scholar's research manager; check-ins only for the latter."""
    user = request.user
    program = get_object_or_404(
        Program.objects.filter(
            program_staff(user)
            | Q(manager_assignments__manager=user, manager_assignments__scholar_id=user_id)
        ).distinct(),
        slug=slug,
    )
    scholar = get_object_or_404(User, pk=user_id)
    ctx = _summary(
        request,
        program,
        Mentorship.objects.filter(program=program, scholar=scholar),
        scholar,
        "scholar",
    )
    ctx["checkins"] = list(
        Agenda.objects.wellbeing_shared_with_manager(user)
        .filter(meeting__mentorship__program=program, meeting__mentorship__scholar=scholar)
        .order_by("-meeting__scheduled_at")[:CHECKINS_SHOWN]
    )
    ctx["is_manager"] = scholar.pk in _managed_scholar_ids(user, program)
    # A figure only (README, "Who sees what"): never whom the scholar asked or what came of it.
    ctx["people_asked"] = people_asked_per_meeting(
        Mentorship.objects.filter(program=program, scholar=scholar)
    )
    ctx["upcoming"] = _upcoming(user, program, scholar=scholar)
    ctx["milestone_counts"] = plans.milestone_counts(scholar.pk)
    # The end-of-program report: program staff get its figures (README, "Who sees what"), never its text.
    if ctx["user_is_program_staff"]:
        ctx["report_figures"] = report.report_figures(scholar.pk, program.pk)
    # Growth: figures only, of the scholar's briefs in this program.
    if access.may_see_growth_figures(user, program, is_program_staff=ctx["user_is_program_staff"]):
        ctx["growth_figures"] = growth.staff_figures(
            scholar.pk, Mentorship.objects.filter(program=program, scholar=scholar)
        )
    return render(request, "meetings/staff/staff_summary.html", ctx)


@require_http_methods(["GET"])
def mentor_summary(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    program = _staffed_program(request, slug)
    mentor = get_object_or_404(User, pk=user_id)
    ctx = _summary(
        request,
        program,
        Mentorship.objects.filter(program=program, mentor=mentor, active=True),
        mentor,
        "mentor",
    )
    ctx["checkins"] = []
    ctx["upcoming"] = _upcoming(request.user, program, mentor=mentor)
    ctx["came_for"] = recaps.came_for_rate(mentor.pk, program.pk)
    return render(request, "meetings/staff/staff_summary.html", ctx)


UPCOMING_SHOWN = 12


def _upcoming(user: User, program: Program, **party: User) -> list[Meeting]:
    """Planned meetings (times and statuses only: README, "Who sees what"), to move or cancel one."""
    filters = {f"mentorship__{role}": person for role, person in party.items()}
    return list(
        Meeting.objects.schedule_visible_to(user)
        .filter(
            mentorship__program=program,
            status=Meeting.Status.PLANNED,
            scheduled_at__gte=timezone.now(),
            **filters,
        )
        .select_related("mentorship__scholar", "mentorship__mentor")
        .order_by("scheduled_at")[:UPCOMING_SHOWN]
    )


# --- Research manager ------------------------------------------------------------------------


@require_http_methods(["GET"])
def managed_scholars(request: HttpRequest, slug: str) -> HttpResponse:
    """A research manager's scholars: their figures and the check-ins shared with the manager."""
    user = request.user
    program = get_object_or_404(
        Program.objects.filter(manager_assignments__manager=user).distinct(), slug=slug
    )
    scholar_ids = _managed_scholar_ids(user, program)
    rows = cadence_rows(
        Mentorship.objects.filter(program=program, scholar_id__in=scholar_ids, active=True)
    )
    checkins = list(
        Agenda.objects.wellbeing_shared_with_manager(user)
        .filter(meeting__mentorship__program=program)
        .select_related("meeting__mentorship__scholar")
        .order_by("-meeting__scheduled_at")[:CHECKINS_SHOWN]
    )
    return render(
        request,
        "meetings/staff/managed_scholars.html",
        {
            "program": program,
            "rows": rows,
            "checkins": checkins,
            "help_text": HELP_TEXT,
            "scholar_count": len(scholar_ids),
            "stuck_count": len({r.mentorship.scholar_id for r in rows if r.stuck}),
            "stuck_from": STUCK_FROM,
        },
    )
