"""The API's operations. Each looks its object up through the queryset the page uses (scoped
by meetings/access.py: another person's object is a 404) and writes through the domain function
the page calls; a write needs a `write` token (403 before any lookup)."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from accounts.models import Mentorship, Program, User
from meetings import access
from meetings.agendas import domain as agendas
from meetings.agendas.forms import CHECKBOXES, AgendaForm
from meetings.api.auth import require_write
from meetings.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page
from meetings.api.problems import Problem, problem
from meetings.api.schemas import (
    MAX_ID,
    ActionItemOut,
    ActionItemPage,
    ActionItemPatch,
    AgendaOut,
    AgendaPatch,
    BriefOut,
    CadenceOut,
    HistoryPage,
    Me,
    MeetingOut,
    MeetingPage,
    ReadingOut,
)
from meetings.api.serialize import (
    action_item_out,
    agenda_out,
    brief_out,
    cadence_row_out,
    history_entry_out,
    meeting_out,
    person,
    reading_out,
)
from meetings.briefs import domain as briefs
from meetings.history.views import _meetings as history_meetings
from meetings.models import ActionItem, Agenda, Meeting, ReadingEntry, ReadingRecommendation
from meetings.scheduling.lifecycle import NotPlanned
from meetings.staff.cadence import FLAGS, SORTS, streamed_rows

router = Router()

Id = Path(..., ge=1, le=MAX_ID)
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (at most 100).")
Cursor = Query(None, max_length=2000, description="The opaque cursor of the `next` link.")
READ = {401: Problem, 404: Problem}
PAGED = {400: Problem, 401: Problem, 422: Problem}
WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


def _meetings(user: User):
    return Meeting.objects.visible_to(user).select_related(
        "mentorship__scholar", "mentorship__mentor", "mentorship__program"
    )


def _meeting(user: User, pk: int) -> Meeting:
    return get_object_or_404(_meetings(user), pk=pk)


# --- Who am I ----------------------------------------------------------------------------------


@router.get(
    "/me",
    response={200: Me, 401: Problem},
    url_name="me",
    summary="Who the token acts as",
    tags=["account"],
)
def me(request: HttpRequest):
    """The token's owner and the token's scope."""
    token = request.auth
    return {
        "id": request.user.pk,
        "username": request.user.username,
        "name": request.user.name,
        "token_name": token.name,
        "token_scope": token.scope,
        "token_expires_at": token.expires_at,
    }


# --- Meetings ----------------------------------------------------------------------------------


@router.get(
    "/meetings",
    response={200: MeetingPage, **PAGED},
    url_name="meetings",
    summary="List your meetings",
    tags=["meetings"],
)
def meetings(
    request: HttpRequest, response: HttpResponse, cursor: str | None = Cursor, limit: int = Limit
):
    """Your meetings, as scholar or mentor (their content is yours to open), newest first."""
    rows, next_url = page(
        request,
        _meetings(request.user),
        field="scheduled_at",
        cursor=cursor,
        limit=limit,
        scope="meetings",
        response=response,
    )
    return {"items": [meeting_out(m, request.user) for m in rows], "next": next_url}


@router.get(
    "/meetings/{id:meeting_id}",
    response={200: MeetingOut, **READ, 422: Problem},
    url_name="meeting",
    summary="Get a meeting",
    tags=["meetings"],
)
def meeting(request: HttpRequest, meeting_id: int = Id):
    """One of your meetings."""
    return meeting_out(_meeting(request.user, meeting_id), request.user)


# --- The agenda --------------------------------------------------------------------------------


def _agenda(user: User, meeting_id: int) -> Agenda:
    """The agenda as its scholar (every state) or mentor (once submitted) may see it."""
    return get_object_or_404(
        Agenda.objects.visible_to(user).select_related(
            "meeting__mentorship__scholar", "meeting__mentorship__mentor"
        ),
        meeting_id=meeting_id,
    )


@router.get(
    "/meetings/{id:meeting_id}/agenda",
    response={200: AgendaOut, **READ, 422: Problem},
    url_name="agenda",
    summary="Get a meeting's agenda",
    tags=["agenda"],
)
def agenda(request: HttpRequest, meeting_id: int = Id):
    """The agenda: its scholar sees it in every state, their mentor once submitted (404 before,
    and while the scholar has not started one)."""
    return agenda_out(_agenda(request.user, meeting_id), request.user)


def _form_data(payload: AgendaPatch) -> dict:
    """The JSON fields as the agenda form reads a post (a checkbox counts when shown)."""
    data = {"version": str(payload.version)}
    for name, value in payload.model_dump(exclude_unset=True, exclude={"version"}).items():
        if name in CHECKBOXES:
            data[f"{name}_shown"] = "1"
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def _form_errors(form: AgendaForm) -> list[dict]:
    return [
        {"loc": ["body", name], "msg": " ".join(messages), "type": "invalid"}
        for name, messages in form.errors.items()
    ]


@router.patch(
    "/meetings/{id:meeting_id}/agenda",
    response={200: AgendaOut, **WRITE, 409: Problem},
    url_name="agenda_update",
    summary="Save agenda fields (version check)",
    tags=["agenda"],
)
def agenda_update(request: HttpRequest, payload: AgendaPatch, meeting_id: int = Id):
    """Save some of the agenda's fields (write scope; its scholar, while the meeting is planned),
    only over the version you read: 409 with `current_version` when it changed meanwhile (the
    same check as the page's autosave)."""
    require_write(request)
    user = request.user
    meeting = get_object_or_404(
        _meetings(user).annotate(has_manager=access.scholar_has_manager()), pk=meeting_id
    )
    if not meeting.is_scholar(user):
        raise Http404("Only the scholar writes the agenda.")
    if not meeting.is_open:
        return _read_only()
    agendas.start(meeting)  # created on first use, as the agenda page does
    agenda = get_object_or_404(
        Agenda.objects.editable_by(user).select_related("meeting__mentorship__scholar"),
        meeting_id=meeting.pk,
    )
    form = AgendaForm(_form_data(payload), partial=True, has_manager=meeting.has_manager)
    if not form.is_valid():
        return problem(422, f"Not saved. {form.problems()}", errors=_form_errors(form))
    data = form.field_data()
    try:
        saved = agendas.save_fields(
            agenda, agendas.changed_fields(agenda, data), form.cleaned_data["version"], user
        )
    except NotPlanned:
        return _read_only()
    except ValidationError as refused:
        return problem(422, "Not saved. " + " ".join(refused.messages))
    if not saved:
        agenda.refresh_from_db()
        return problem(
            409,
            f"Not saved: the agenda changed since version {payload.version} (now version "
            f"{agenda.version}). Read it again, then send your change with that version.",
            slug="stale-version",
            current_version=agenda.version,
        )
    return agenda_out(agenda, user)


def _read_only() -> HttpResponse:
    return problem(
        409, "This meeting is no longer planned: its agenda is read-only.", slug="not-planned"
    )


# --- The brief ---------------------------------------------------------------------------------


@router.get(
    "/meetings/{id:meeting_id}/brief",
    response={200: BriefOut, **READ, 422: Problem},
    url_name="brief",
    summary="Get a meeting's brief",
    tags=["brief"],
)
def brief(request: HttpRequest, meeting_id: int = Id):
    """The brief with its comments (annotations), written answers, notes and action items, as
    the brief page shows it to you. Reading it here leaves no read receipt."""
    meeting = _meeting(request.user, meeting_id)
    return brief_out(briefs.brief_context(request.user, meeting), request.user)


# --- Action items ------------------------------------------------------------------------------


def _items(user: User):
    return ActionItem.objects.visible_to(user).select_related(
        "mentorship__scholar", "mentorship__mentor"
    )


@router.get(
    "/action-items",
    response={200: ActionItemPage, **PAGED},
    url_name="action_items",
    summary="List your action items",
    tags=["action items"],
)
def action_items(
    request: HttpRequest,
    response: HttpResponse,
    done: bool | None = Query(None, description="Only done (true) or open (false) items."),
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """The action items of your pairs, newest first."""
    qs = _items(request.user)
    if done is not None:
        qs = qs.filter(done=done)
    rows, next_url = page(
        request,
        qs,
        field="created_at",
        cursor=cursor,
        limit=limit,
        scope=f"items:{done}",
        response=response,
    )
    return {"items": [action_item_out(i, request.user) for i in rows], "next": next_url}


@router.patch(
    "/action-items/{id:item_id}",
    response={200: ActionItemOut, **WRITE},
    url_name="action_item_update",
    summary="Mark an action item done or not done",
    tags=["action items"],
)
def action_item_update(request: HttpRequest, payload: ActionItemPatch, item_id: int = Id):
    """Mark an action item done or not done (write scope): the mentor any item of the pair, the
    scholar the items they own (403 otherwise)."""
    require_write(request)
    item = get_object_or_404(_items(request.user), pk=item_id)
    briefs.set_item_done(item, request.user, payload.done)
    return action_item_out(item, request.user)


# --- A scholar's history and reading -----------------------------------------------------------


@router.get(
    "/scholars/{id:user_id}/history",
    response={200: HistoryPage, **PAGED, 404: Problem},
    url_name="history",
    summary="Get a scholar's history",
    tags=["history"],
)
def history(
    request: HttpRequest,
    response: HttpResponse,
    user_id: int = Id,
    cursor: str | None = Cursor,
    limit: int = Limit,
):
    """Every meeting of a scholar, newest first: dates and statuses of all, the content of
    those you may open. For the scholar and their mentors."""
    user = request.user
    pair = Mentorship.objects.of_user(user).filter(scholar_id=user_id).select_related("scholar")
    pair = pair.first()
    if pair is None:
        raise Http404("No such scholar.")
    rows, next_url = page(
        request,
        # The history page's own query (every meeting of the scholar, the content only where the
        # viewer may open it): the API lists exactly what the page does.
        history_meetings(user, user_id),
        field="scheduled_at",
        cursor=cursor,
        limit=limit,
        scope=f"history:{user_id}",
        response=response,
    )
    return {
        "scholar": person(pair.scholar),
        "items": [history_entry_out(m, user) for m in rows],
        "next": next_url,
    }


@router.get(
    "/scholars/{id:user_id}/reading",
    response={200: ReadingOut, **READ, 422: Problem},
    url_name="reading",
    summary="Get a scholar's reading and progress log",
    tags=["reading"],
)
def reading(request: HttpRequest, user_id: int = Id):
    """A scholar's reading list, the readings recommended to them, and their progress log: the
    scholar and their mentors."""
    user = request.user
    if not access.may_see_reading(user, user_id):
        raise Http404("No such scholar.")
    scholar = get_object_or_404(User, pk=user_id)
    read = ReadingEntry.objects.filter(scholar_id=user_id, recommendation=OuterRef("pk"))
    recommended = (
        ReadingRecommendation.objects.for_scholar(user_id)
        .annotate(is_read=Exists(read))
        .filter(is_read=False)
        .select_related("mentor")
    )
    return reading_out(user, scholar, recommended)


# --- Program staff -----------------------------------------------------------------------------


@router.get(
    "/programs/{slug}/cadence",
    response={200: CadenceOut, **READ, 422: Problem},
    url_name="cadence",
    summary="Get a program's cadence figures",
    tags=["program staff"],
)
def cadence(
    request: HttpRequest,
    slug: str = Path(..., max_length=50, pattern=r"^[-a-zA-Z0-9_]+$"),
    flag: Literal["overdue", "unprepared", "unread", "stuck"] | None = None,
    sort: str = Query("attention", pattern="^-?(" + "|".join(SORTS) + ")$"),
    mentor: int | None = Query(None, ge=1, le=MAX_ID, description="Only this mentor's pairs."),
):
    """The cadence figures of a program's active pairs, as in its CSV download: the program's
    staff only. Figures, never any text of a meeting."""
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    rows = streamed_rows(
        program.mentorships.active(),
        sort=sort,
        flag=flag if flag in FLAGS else None,
        mentor_id=mentor,
    )
    return {
        "program": program.slug,
        "program_name": program.name,
        "rows": [cadence_row_out(r) for r in rows],
    }
