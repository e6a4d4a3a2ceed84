from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User, shown_name

from ..cadence import number_text
from ..models import (
    ActionItem,
    Agenda,
    BriefRead,
    Meeting,
)


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Home -------------------------------------------------------------------------------------


def _brief_status(meeting: dict) -> str:
    """not started, draft, submitted, updated (since submitted or since last read), or read:
    from a row of _next_meetings (the agenda's state and the mentor's last read of it)."""
    if meeting["agenda_id"] is None:
        return "not started"
    if meeting["agenda_status"] == Agenda.Status.DRAFT:
        return "draft"
    if meeting["mentor_read_at"] is not None:  # BriefRead.is_current
        return "read" if meeting["mentor_read_at"] >= meeting["agenda_updated_at"] else "updated"
    return "updated" if meeting["agenda_updated_after_submit_at"] is not None else "submitted"


# issue 5: the columns a person's name is made of (User.name), read as plain values by pages that
# list many people, and that name built from them.
USER_NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


def name_from(row: dict, prefix: str) -> str:
    """User.name from the USER_NAME_FIELDS of a values() row, each under `prefix`."""
    return shown_name(*(row[prefix + name] for name in USER_NAME_FIELDS))


NEXT_MEETING_SHOWN = timedelta(hours=12)  # a meeting is "next" until 12 hours after it started


def _next_meetings(mentorship_ids: list[int]) -> dict[int, dict]:
    """The next planned meeting of each mentorship, with its agenda's state, in one query.
    issue 5: as plain values (the time, the agenda's state and the mentor's last read of it):
    model instances and select_related of the whole agenda cost more than the query itself."""
    since = timezone.now() - NEXT_MEETING_SHOWN
    upcoming = (
        Meeting.objects.filter(
            mentorship_id__in=mentorship_ids,
            status=Meeting.Status.PLANNED,
            scheduled_at__gte=since,
        )
        # issue 5: the mentor's last read of the submitted agenda, instead of a query of its own
        .annotate(
            mentor_read_at=Subquery(
                BriefRead.objects.filter(
                    agenda__meeting=OuterRef("pk"),
                    agenda__status=Agenda.Status.SUBMITTED,
                    reader_id=OuterRef("mentorship__mentor_id"),
                ).values("last_read_at")[:1]
            )
        )
        .values(
            "pk",
            "mentorship_id",
            "scheduled_at",
            "mentor_read_at",
            agenda_id=F("agenda__id"),
            agenda_status=F("agenda__status"),
            agenda_updated_at=F("agenda__updated_at"),
            agenda_updated_after_submit_at=F("agenda__updated_after_submit_at"),
        )
        .order_by("scheduled_at")
    )
    nearest: dict[int, dict] = {}
    for meeting in upcoming:
        nearest.setdefault(meeting["mentorship_id"], meeting)
    return nearest


def url_maker(name: str, *args: object) -> Callable[[int], str]:
    """The URL of `name` (after any fixed leading args) for any id, from one reverse() (issue 5
    benchmark: a `{% url %}` per row and link cost more than the rest of a mentor's list)."""
    sentinel = "987654321"
    prefix, suffix = reverse(name, args=[*args, int(sentinel)]).split(sentinel)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _when(moment: datetime | None, fmt: str) -> str:
    """The templates' `|date:fmt` of a time (shown in the current time zone)."""
    return date_format(timezone.template_localtime(moment), fmt) if moment else ""


MENTOR_ROW = (
    "\n      <tr>\n"
    "        <td><strong>{scholar_name}</strong></td>\n"
    "        <td>{next_at}</td>\n"
    '        <td><span class="badge status-{status_slug}">{status}</span>{read_at}</td>\n'
    "        <td>{open_items}</td>\n"
    "        <td>{days_since}</td>\n"
    '        <td class="links">\n'
    "          {links}\n"
    '          <a href="{history_url}">History</a>\n'
    "        </td>\n"
    "      </tr>\n    "
)
MUTED = '<span class="muted">{}</span>'


def mentor_rows_html(rows: list[dict], series_url: str) -> SafeString:
    """The mentor list's table rows (issue 5: built here with format_html, each value escaped,
    instead of a template loop that cost about 0.15 ms a row; the markup is the template's, and
    tests/meetings/test_mentor_rows.py pins it to the template it replaced)."""
    number = number_text()
    html = []
    for row in rows:
        if row["next_at"]:
            links = format_html(
                '<a href="{}">Brief</a> <a href="{}">Move</a>', row["brief_url"], row["move_url"]
            )
        else:
            links = format_html(
                '<a href="{}?mentorship={}">Schedule</a>', series_url, number(row["mentorship_id"])
            )
        read_at = _when(row["read_at"], "j M, H:i")
        days = row["days_since"]
        html.append(
            format_html(
                MENTOR_ROW,
                scholar_name=row["scholar_name"],
                next_at=_when(row["next_at"], "D j M, H:i") or format_html(MUTED, "none planned"),
                status_slug=row["status_slug"],
                status=row["status"],
                read_at=format_html(' <small class="muted">{}</small>', read_at) if read_at else "",
                open_items=number(row["open_items"]),
                days_since=f"{number(days)} days"
                if days is not None
                else format_html(MUTED, "never met"),
                links=links,
                history_url=row["history_url"],
            )
        )
    return format_html_join("", "{}", ((part,) for part in html))


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    # issue 5: programs the user staffs, and those where they are a research manager, in one query.
    # issue 5: filtered on the two flags themselves (no join of both relations to de-duplicate).
    related = list(
        Program.objects.annotate(
            staffed=Exists(
                Program.staff.through.objects.filter(program_id=OuterRef("pk"), user_id=user.pk)
            ),
            managed=Exists(
                ResearchManagerAssignment.objects.filter(program_id=OuterRef("pk"), manager=user)
            ),
        ).filter(Q(staffed=True) | Q(managed=True))
    )
    return render(
        request,
        "meetings/home.html",
        {
            **_home_lists(user),
            "programs": [p for p in related if p.staffed],
            "managed_programs": [p for p in related if p.managed],
        },
    )


def _home_lists(user: User) -> dict:
    """The user's pairs as a scholar (cards) and as a mentor (the table)."""
    now = timezone.now()
    # issue 5: the rows as plain values (names, program, cadence and two figures): no model
    # instances, and few selected columns (each costs Django's compiler time in an ordered query).
    mentorships = list(
        Mentorship.objects.of_user(user)
        .active()
        .annotate(
            # issue 5: correlated subqueries (index lookups) instead of joining every meeting
            # and action item of every mentorship and de-duplicating the product.
            open_items=Subquery(  # None when there is none (counted as 0 below)
                ActionItem.objects.filter(mentorship=OuterRef("pk"), done=False)
                .order_by()
                .values("mentorship")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            last_held_at=Subquery(
                Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD)
                .order_by("-scheduled_at")
                .values("scheduled_at")[:1]
            ),
        )
        .values(
            "pk",
            "scholar_id",
            "mentor_id",
            "cadence_days",
            "open_items",
            "last_held_at",
            "program__name",
            *(f"{who}__{name}" for who in ("scholar", "mentor") for name in USER_NAME_FIELDS),
        )
    )
    nearest = _next_meetings([m["pk"] for m in mentorships])
    rows = []
    brief_url, agenda_url = url_maker("brief"), url_maker("agenda")
    move_url, history_url = url_maker("meeting_reschedule"), url_maker("history")
    for m in mentorships:
        meeting = nearest.get(m["pk"])
        status = _brief_status(meeting) if meeting else "no meeting planned"
        rows.append(
            {
                "mentorship_id": m["pk"],
                "scholar_id": m["scholar_id"],
                "mentor_id": m["mentor_id"],
                "scholar_name": name_from(m, "scholar__"),
                "mentor_name": name_from(m, "mentor__"),
                "program_name": m["program__name"],
                "cadence_days": m["cadence_days"],
                "open_items": m["open_items"] or 0,
                "next_at": meeting["scheduled_at"] if meeting else None,
                # Issue 4: the mentor's read receipt of that agenda (annotated by _next_meetings).
                "read_at": meeting["mentor_read_at"] if meeting else None,
                "status": status,
                "status_slug": slugify(status),
                "days_since": (now - m["last_held_at"]).days if m["last_held_at"] else None,
                "brief_url": brief_url(meeting["pk"]) if meeting else "",
                "agenda_url": agenda_url(meeting["pk"]) if meeting else "",
                "move_url": move_url(meeting["pk"]) if meeting else "",
                "history_url": history_url(m["scholar_id"]),
            }
        )
    as_scholar = [r for r in rows if r["scholar_id"] == user.pk]
    never = now + timedelta(days=3650)
    as_mentor = sorted(
        (r for r in rows if r["mentor_id"] == user.pk),
        key=lambda r: r["next_at"] or never,
    )
    my_items = (  # shown with the scholar's own meetings only (issue 5: not built otherwise)
        ActionItem.objects.filter(mentorship__scholar=user, done=False)
        .select_related("mentorship__mentor")
        .order_by("due_on", "created_at")[:20]
        if as_scholar
        else []
    )
    return {
        "as_scholar": as_scholar,
        "as_mentor": as_mentor,
        "mentor_rows": mentor_rows_html(as_mentor, reverse("series_new")) if as_mentor else "",
        "my_items": my_items,
    }
