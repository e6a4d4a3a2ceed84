from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User, shown_name

from . import page_cache
from .cadence import number_text
from .forms import (
    ScheduleMeetingForm,
)
from .models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingNote,
    Question,
)
from .prefetch import PRIVATE_NOTE_FIELDS, private_note_columns, private_note_from


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
    # issue 5: the scholar's and the mentor's lists are kept in the cache while the user's pages
    # version is the same (meetings/page_cache.py) and until the first time one of the times it
    # shows moves on (a meeting leaves "next" 12 hours after it started; "days since" grows).
    key = page_cache.page_key("home", user.pk, user.pages_version)
    kept = page_cache.get(key)
    if kept is None or kept[1] <= timezone.now():
        kept = _home_lists(request)
        page_cache.put(key, kept)
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
            "lists": kept[0],
            "programs": [p for p in related if p.staffed],
            "managed_programs": [p for p in related if p.managed],
        },
    )


def _home_lists(request: HttpRequest) -> tuple[str, datetime]:
    """The user's pairs as a scholar (cards) and as a mentor (the table), rendered with a
    placeholder for the CSRF token, and until when they stay true."""
    user: User = request.user
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
    ends = [r["next_at"] + NEXT_MEETING_SHOWN for r in rows if r["next_at"]]
    day = timedelta(days=1)  # "days since the last meeting" grows by one
    ends += [now + day - (now - m["last_held_at"]) % day for m in mentorships if m["last_held_at"]]
    html = render_to_string(
        "meetings/_home_lists.html",
        {
            "as_scholar": as_scholar,
            "as_mentor": as_mentor,
            "mentor_rows": mentor_rows_html(as_mentor, reverse("series_new")) if as_mentor else "",
            "my_items": my_items,
            "csrf_token": page_cache.CSRF_PLACEHOLDER,
        },
        request,
    ).strip()
    return html, min(ends, default=now + timedelta(days=1))


# --- Scheduling ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = ScheduleMeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.created_by = request.user
        meeting.save()
        messages.success(request, "Meeting scheduled.")
        return redirect("meeting", pk=meeting.pk)
    return render(request, "meetings/meeting_new.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if meeting.is_scholar(request.user) and meeting.is_open:
        return redirect("agenda", pk=meeting.pk)
    return redirect("brief", pk=meeting.pk)


@login_required
@require_POST
def meeting_held(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.filter(mentorship__mentor=request.user), pk=pk)
    if meeting.status != Meeting.Status.PLANNED:
        messages.error(request, "Only a planned meeting can be marked held.")
    else:
        meeting.mark_held()
        messages.success(request, "Meeting marked held. Its brief is now read-only.")
    return redirect("brief", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair or the program's staff cancel one planned meeting (its series is unchanged)."""
    meeting = get_object_or_404(Meeting.objects.schedule_visible_to(request.user), pk=pk)
    if meeting.status != Meeting.Status.PLANNED:
        messages.error(request, "Only a planned meeting can be cancelled.")
    else:
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        messages.success(request, "Meeting cancelled.")
    return redirect("home")


# --- The scholar's agenda --------------------------------------------------------------------
# Moved to agenda_views.py (issue 3); imported here so the URLconf and other code keep working.
from .agenda_views import (  # noqa: E402, F401
    _agenda_context,
    _carried_items,
    _editable_agenda,
    _editable_question,
    _questions_response,
    _render_with_errors,
    _scholar_meeting,
    agenda_edit,
    question_add,
    question_delete,
    question_edit,
    question_move,
)

# --- The brief: see meetings/mentor_views.py (issue 4) ---------------------------------------


@login_required
@require_POST
def action_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("mentorship"), pk=pk
    )
    if not item.can_update(request.user):
        messages.error(request, "Only your mentor can update this item.")
    else:
        item.set_done(request.POST.get("done") == "1")
    back = request.POST.get("next", "")
    # Only a path on this site: "/\\evil.example" is "//evil.example" to a browser.
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("home")


# --- History ---------------------------------------------------------------------------------


HISTORY_PER_PAGE = 10


# issue 5: what the history shows of an agenda (read as plain values with the meeting).
HISTORY_AGENDA_FIELDS = (
    "id",
    "bottleneck",
    "reading",
    "wellbeing_energy",
    "wellbeing_note",
    "wellbeing_visibility",
)
ANSWERED_STATES = (Question.Status.ANSWERED, Question.Status.RESOLVED)  # Question.is_answered
WELLBEING_SHARED_WITH_MENTORS = (  # Agenda.wellbeing_visible_to_mentor
    Agenda.Visibility.MENTORS,
    Agenda.Visibility.BOTH,
)


class CountedPaginator(Paginator):
    """A paginator given its count by the caller (issue 5: counted in a query the page runs
    anyway), so it does not run a COUNT of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # fills the cached_property


@login_required
@require_http_methods(["GET"])
def history(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    # issue 5: one query gives the access check, the scholar and whether the user mentors them.
    # issue 5: the same query also counts the scholar's meetings (for the paginator) and
    # carries the user's own private note on the scholar (scoped to the user as its author).
    all_of_scholar = Meeting.objects.filter(mentorship__scholar_id=user_id)
    # issue 5: as plain values (the scholar's name, the mentor of each pair, the count and the
    # note's columns), unordered (any of the user's pairs carries the same count and note).
    mentorships = [
        SimpleNamespace(**row)
        for row in Mentorship.objects.filter(scholar_id=user_id)
        .filter(Q(scholar=user) | Q(mentor=user))
        .annotate(
            meeting_count=Subquery(
                all_of_scholar.order_by()
                .values("mentorship__scholar_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            # the user's own private note on the scholar: only a mentor has one (no one mentors
            # themselves: Mentorship's constraint), so the scholar's own page does not join it
            **(
                private_note_columns("mentor__private_notes_written", user.pk, user_id)
                if user.pk != user_id
                else {}
            ),
        )
        .order_by()
        .values(
            "pk",
            "mentor_id",
            "meeting_count",
            "scholar__pages_version",
            *(f"{who}__{name}" for who in ("scholar", "mentor") for name in USER_NAME_FIELDS),
            *(f"private_note_{name}" for name in PRIVATE_NOTE_FIELDS if user.pk != user_id),
        )
    ]
    if not mentorships:
        raise Http404("No such scholar.")
    scholar = {"pk": user_id, "name": name_from(vars(mentorships[0]), "scholar__")}
    mentor_names = {pair.pk: name_from(vars(pair), "mentor__") for pair in mentorships}
    # Everyone allowed here sees the dates and statuses of all the scholar's meetings; the
    # content only of the meetings in their own mentorship (see PRIVACY.md).
    # issue 5: paginated, so a scholar with 100 meetings costs the same as one with 10.
    # issue 5: the page is read as plain values (no model instances, only the columns shown):
    # building and compiling the queries, and instantiating their rows, cost more than the SQL.
    if user.pk == user_id:
        # The scholar's own page: every meeting listed is theirs, and they see their agendas in
        # every state (Agenda.objects.visible_to), so the agenda is joined as it is (issue 5:
        # the conditional join below costs more to build than the query costs to run).
        listed, agenda_rel = all_of_scholar, "agenda"
    else:
        # issue 5: each meeting's agenda joined in when this user may see it (the rule of
        # Agenda.objects.visible_to as the join condition), not a query of its own.
        agenda_rel = "visible_agenda"
        listed = all_of_scholar.annotate(
            visible_agenda=FilteredRelation(
                "agenda",
                condition=Q(mentorship__scholar=user)
                | Q(mentorship__mentor=user, agenda__status=Agenda.Status.SUBMITTED),
            )
        )
    paginator = CountedPaginator(
        listed.order_by("-scheduled_at", "-pk").values(
            "pk",
            "scheduled_at",
            "status",
            "mentorship__scholar_id",
            "mentorship__mentor_id",
            *(f"mentorship__mentor__{name}" for name in USER_NAME_FIELDS),
            *(f"{agenda_rel}__{name}" for name in HISTORY_AGENDA_FIELDS),
        ),
        HISTORY_PER_PAGE,
        count=mentorships[0].meeting_count or 0,
    )
    page = paginator.get_page(request.GET.get("page"))
    # issue 5: the page's body is kept in the cache while the scholar's history version is the
    # same (meetings/page_cache.py), per viewer and page.
    key = page_cache.history_key(user_id, mentorships[0].scholar__pages_version, user, page.number)
    body = page_cache.get(key)
    if body is None:
        body = _history_body(request, user_id, mentorships, scholar, mentor_names, page, agenda_rel)
        page_cache.put(key, body)
    return render(request, "meetings/history.html", {"scholar": scholar, "body": body})


def _history_body(
    request: HttpRequest,
    user_id: int,
    mentorships: list[SimpleNamespace],
    scholar: dict,
    mentor_names: dict[int, str],
    page,
    agenda_rel: str,
) -> str:
    """The history page's body (everything below the navigation), rendered with a placeholder
    for the CSRF token."""
    user = request.user
    all_meetings = list(page.object_list)
    own_ids = [
        m["pk"]
        for m in all_meetings
        if user.pk in (m["mentorship__scholar_id"], m["mentorship__mentor_id"])
    ]
    own = set(own_ids)
    agendas = {
        m["pk"]: {name: m[f"{agenda_rel}__{name}"] for name in HISTORY_AGENDA_FIELDS}
        for m in all_meetings
        if m["pk"] in own and m[f"{agenda_rel}__id"] is not None
    }
    by_agenda = {a["id"]: a for a in agendas.values()}
    for a in agendas.values():
        a["questions"], a["section_annotations"] = [], []
    # dropped questions too: nothing is lost (issue 3)
    questions = {}
    question_status = dict(Question.Status.choices)
    for q in Question.objects.filter(agenda_id__in=list(by_agenda)).values(
        "pk", "agenda_id", "text", "status", "answer"
    ):
        q["status_label"] = question_status.get(q["status"], q["status"])
        q["answered"] = bool(q["answer"]) or q["status"] in ANSWERED_STATES
        q["annotations"] = []
        by_agenda[q["agenda_id"]]["questions"].append(q)
        questions[q["pk"]] = q
    # question and section annotations in one query (as meetings.prefetch.attach_annotations)
    if by_agenda:
        section_label = dict(Annotation.SECTION_CHOICES)
        for note in Annotation.objects.filter(
            Q(agenda_id__in=list(by_agenda), question__isnull=True)
            | Q(question__in=list(questions))
        ).values(
            "agenda_id",
            "question_id",
            "section",
            "body",
            *(f"author__{name}" for name in USER_NAME_FIELDS),
        ):
            note["author_name"] = name_from(note, "author__")
            if note["question_id"] is None:
                note["section_label"] = section_label.get(note["section"], note["section"])
                by_agenda[note["agenda_id"]]["section_annotations"].append(note)
            else:
                questions[note["question_id"]]["annotations"].append(note)
    # issue 5: the page's action items and the scholar's open ones (the side card) in one query.
    # Both parts within the user's own mentorships of this scholar (read above, scoped to the
    # user; one indexed probe per mentorship: an OR of two unrelated filters made PostgreSQL
    # scan every action item). The owners' names are the scholar's and those pairs' mentors'.
    page_or_open = ActionItem.objects.filter(mentorship_id__in=list(mentor_names)).filter(
        Q(meeting_id__in=own_ids) | Q(done=False)
    )
    owner_label = dict(ActionItem.Owner.choices)
    items: dict[int, list[dict]] = defaultdict(list)
    open_list: list[dict] = []
    for item in page_or_open.values(
        "meeting_id",
        "text",
        "owner",
        "due_on",
        "done",
        "mentorship_id",
    ):
        item["owner_label"] = owner_label.get(item["owner"], item["owner"])
        if item["meeting_id"] in own:
            items[item["meeting_id"]].append(item)
        # the side card: the open ones of either part (all in the user's pairs with the scholar)
        if not item["done"]:
            item["owner_name"] = (
                scholar["name"]
                if item["owner"] == ActionItem.Owner.SCHOLAR
                else mentor_names[item["mentorship_id"]]
            )
            open_list.append(item)
    notes: dict[int, list[dict]] = defaultdict(list)
    note_kind = dict(MeetingNote.Kind.choices)
    for note in MeetingNote.objects.filter(meeting_id__in=own_ids).values(
        "meeting_id", "kind", "body"
    ):
        note["kind_label"] = note_kind.get(note["kind"], note["kind"])
        notes[note["meeting_id"]].append(note)
    brief_url = url_maker("brief")
    meeting_status = dict(Meeting.Status.choices)
    entries = []
    for m in all_meetings:
        agenda = agendas.get(m["pk"])
        entries.append(
            {
                "pk": m["pk"],
                "scheduled_at": m["scheduled_at"],
                "status": m["status"],
                "status_label": meeting_status.get(m["status"], m["status"]),
                "mentor_name": name_from(m, "mentorship__mentor__"),
                "brief_url": brief_url(m["pk"]),
                "full": m["pk"] in own,
                "agenda": agenda,
                "items": items.get(m["pk"], []),
                "notes": notes.get(m["pk"], []),
                "wellbeing": (
                    agenda
                    if agenda
                    and (
                        user.pk == user_id
                        or agenda["wellbeing_visibility"] in WELLBEING_SHARED_WITH_MENTORS
                    )
                    else None
                ),
            }
        )
    reading = [e for e in entries if e["agenda"] and e["agenda"]["reading"].strip()]
    # Issue 4: the mentor's own private note on this scholar (never anyone else's).
    is_their_mentor = any(m.mentor_id == user.pk for m in mentorships)
    private_note = None
    for pair in mentorships:  # the row where the user is the mentor carries their note
        if pair.mentor_id == user.pk and private_note is None:  # (never the scholar: see above)
            private_note = private_note_from(pair, user.pk, user_id)
    return render_to_string(
        "meetings/_history_body.html",
        {
            "scholar": scholar,
            "is_their_mentor": is_their_mentor,
            "private_note": private_note,
            "entries": entries,
            "page": page,
            "reading": reading,
            "open_items": open_list,
            "csrf_token": page_cache.CSRF_PLACEHOLDER,
        },
        request,
    )
