"""A scholar's history: every meeting, newest first, for the scholar and their mentors.

Everyone allowed here sees the dates and statuses of all the scholar's meetings, and the content
(agenda, comments, action items, notes) only of the meetings they may open (access.py).

Search a scholar's history: the scholar and their mentors, each through what they may see.

The page and its htmx partial (the results alone) are the same view with the same checks.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import Mentorship, User
from meetings import access
from meetings.history import question_chart, search
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    GrowthSharing,
    Meeting,
    MeetingNote,
    MentorPrivateNote,
    Question,
)
from meetings.plans import domain as plans
from meetings.reading import domain as reading
from meetings.unstuck import streaks as stuck

HISTORY_PER_PAGE = 10


@require_http_methods(["GET"])
def history(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    # the scholar themself, or one of their mentors
    # (each pair also says whether the user may open the scholar's end-of-program report: no
    # extra query)
    report_visible = User.objects.filter(access.report_scholars(user), pk=OuterRef("scholar_id"))
    pairs = list(
        Mentorship.objects.of_user(user)
        .filter(scholar_id=user_id)
        .select_related("scholar")
        .annotate(report_visible=Exists(report_visible))
    )
    if not pairs:
        raise Http404("No such scholar.")
    page = Paginator(_meetings(user, user_id, page=True), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = list(page.object_list)
    open_items = _items(user, user_id, entries)
    # The bottleneck timeline of the page's meetings: their submitted agendas the user may see,
    # stuck stretches marked as over the whole history (from the stored streaks).
    timeline = stuck.meetings_timeline(
        [p.pk for p in pairs], Agenda.objects.visible_to(user), entries
    )
    lines = {line.agenda.meeting_id: line for line in timeline}
    for meeting in entries:
        agenda = meeting.visible_agenda
        meeting.checkin_shown = agenda is not None and agenda.wellbeing_visible_to(user)
        meeting.timeline_line = lines.get(meeting.pk)
    is_their_mentor = any(pair.mentor_id == user.pk for pair in pairs)
    private_note = MentorPrivateNote.objects.filter(access.private_note(user), scholar_id=user_id)
    # A mentor sees the link only when the scholar shared part of their growth page: one query
    # (their sharing), none for the scholar.
    sharing = GrowthSharing.objects.filter(scholar_id=user_id).first() if is_their_mentor else None
    growth_shown = bool(access.growth_parts(user, user_id, sharing, is_mentor=is_their_mentor))
    return render(
        request,
        "meetings/history/history.html",
        {
            "scholar": pairs[0].scholar,
            "is_their_mentor": is_their_mentor,
            "report_visible": pairs[0].report_visible,
            "growth_shown": growth_shown,
            "private_note": private_note.first() if is_their_mentor else None,
            "entries": entries,
            "page": page,
            "open_items": open_items,
            "milestones": plans.milestones_with_agendas(user_id, user),
            "today": timezone.localdate(),
            "reading_weeks": reading.weekly_counts(reading.recent_entries(user, user_id)),
            "chart": question_chart.questions_over_time(user, user_id),
            "timeline": timeline,
        },
    )


def _meetings(user: User, scholar_id: int, *, page: bool = False):
    """All the scholar's meetings, each with `full` (the user may see its content) and that
    content as the user may see it: `visible_agenda` (None otherwise) with its questions and
    comments, `items` and `visible_notes`. With `page`, each query reads only the columns the
    history page shows (and those the rules read: a meeting's pair, an agenda's state and
    check-in sharing); the API's history reads them all."""
    annotations = Annotation.objects.select_related("author")
    agendas = Agenda.objects.visible_to(user)
    questions = Question.objects.for_mentor()
    notes = MeetingNote.objects.filter(access.meeting_content(user, "meeting__"))
    meetings = Meeting.objects.filter(mentorship__scholar_id=scholar_id).select_related(
        "mentorship__mentor"
    )
    if page:
        annotations = annotations.only(
            "agenda", "question", "section", "body_html", *_names("author")
        )
        agendas = agendas.only(
            "meeting",
            "status",
            "bottleneck",
            "bottleneck_html",
            "bottleneck_shared",
            "reading",
            "reading_html",
            "wellbeing_energy",
            "wellbeing_note",
            "wellbeing_visibility",
        )
        questions = questions.only("agenda", "text", "status", "answer", "answer_html")
        notes = notes.only("meeting", "kind", "body_html")
        meetings = meetings.only(
            "scheduled_at",
            "status",
            "mentorship__scholar",
            "mentorship__program",
            *_names("mentorship__mentor"),
        )
    agendas = agendas.prefetch_related(
        Prefetch("questions", queryset=questions),
        Prefetch("questions__annotations", queryset=annotations),
        Prefetch(
            "annotations",
            queryset=annotations.filter(question__isnull=True),
            to_attr="section_annotations",
        ),
    )
    meetings = (
        meetings.annotate(
            full=ExpressionWrapper(access.meeting_content(user), output_field=BooleanField())
        )
        .prefetch_related(
            Prefetch("agenda", queryset=agendas, to_attr="visible_agenda"),
            Prefetch("notes", queryset=notes, to_attr="visible_notes"),
        )
        .order_by("-scheduled_at", "-pk")
    )
    if page:
        return meetings  # the page reads their action items with its open ones (_items)
    return meetings.prefetch_related(
        Prefetch("action_items", queryset=_action_items(user), to_attr="items")
    )


def _names(user_path: str) -> list[str]:
    """The columns User.name reads, of the user at `user_path`."""
    return [f"{user_path}__{f}" for f in User.NAME_FIELDS]


def _action_items(user: User, *, page: bool = False):
    """Action items the user may see, with both people of the pair (named as owners); with
    `page`, the columns the history page shows only."""
    items = ActionItem.objects.visible_to(user).select_related(
        "mentorship__scholar", "mentorship__mentor"
    )
    if not page:
        return items
    return items.only(
        "meeting",
        "text",
        "owner",
        "done",
        "due_on",
        *_names("mentorship__scholar"),
        *_names("mentorship__mentor"),
    )


def _items(user: User, scholar_id: int, meetings: list[Meeting]) -> list[ActionItem]:
    """In one query, the action items the user may see of these meetings (each meeting's
    `items`) and the open ones of every pair of the scholar's (returned), in their order."""
    shown = {meeting.pk for meeting in meetings}
    rows = list(
        _action_items(user, page=True).filter(
            Q(meeting_id__in=shown) | Q(done=False, mentorship__scholar_id=scholar_id)
        )
    )
    by_meeting: dict[int, list[ActionItem]] = defaultdict(list)
    for item in rows:
        if item.meeting_id in shown:
            by_meeting[item.meeting_id].append(item)
    for meeting in meetings:
        meeting.items = by_meeting[meeting.pk]
    return [i for i in rows if not i.done and i.mentorship.scholar_id == scholar_id]


TEMPLATE = "meetings/history/history_search.html"


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def history_search(request: HttpRequest, user_id: int) -> HttpResponse:
    pair = (
        Mentorship.objects.of_user(request.user)
        .filter(scholar_id=user_id)
        .select_related("scholar")
        .first()
    )
    if pair is None:  # neither the scholar nor one of their mentors
        raise Http404("No such scholar.")
    query = search.clean_query(request.GET.get("q"))
    results = search.search(request.user, user_id, query) if query else None
    context = {
        "scholar": pair.scholar,
        "query": query,
        "searched": "q" in request.GET,
        "results": results,
        "max_hits": search.MAX_HITS,
    }
    if request.htmx:
        return render(request, "meetings/history/_history_search.html#results", context)
    return render(request, TEMPLATE, context)
