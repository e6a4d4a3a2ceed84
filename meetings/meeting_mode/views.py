"""Meeting mode: one page for the meeting itself, open on the scholar's and the mentor's screens
at once (meetings/meeting_mode/live.py has the rules).

The page polls a small partial (`live_poll`, htmx attributes in the template) for what is new
since the number it last saw: new captures are appended, the question panel is replaced only
when the meeting moved on, and the capture box is never part of a poll answer, so nothing being
typed is wiped. A capture or a move made with htmx answers the same way, with what is new since
the page's number (its own capture included). Once the meeting is no longer planned the poll
answers 286 (htmx's "stop polling") with HX-Redirect, which sends the page to the meeting's
record. Every endpoint looks the meeting up through access.live_meeting (the pair; 404 for everyone else,
staff too), and every form also works without JavaScript (a redirect back to the page).

The agenda's time budget: each question's minutes, and moving questions out of the meeting to
be answered in writing (one at a time, or the budget's suggestion in one click).

Only the scholar of a planned meeting reaches these (the same scoped lookups as the agenda's
other question endpoints); each answers with the question list, budget included.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from accounts.models import User
from config.ids import parse_id
from meetings import access
from meetings.agendas import domain as agendas
from meetings.agendas.views import editable_agenda, editable_question, questions_part
from meetings.meeting_mode import budget, live
from meetings.meeting_mode.budget import MAX_MINUTES, MIN_MINUTES
from meetings.models import Agenda, LiveMeeting, Meeting
from meetings.scheduling import lifecycle as scheduling

TEMPLATE = "meetings/meeting_mode/live.html"


def _meeting(user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(access.live_meeting(user)).select_related(
            "mentorship__scholar", "mentorship__mentor"
        ),
        pk=pk,
    )


def _agenda(user: User, meeting: Meeting) -> Agenda | None:
    """The agenda as this user may see it (the mentor: only once submitted)."""
    agenda = Agenda.objects.visible_to(user).filter(meeting=meeting).first()
    if agenda is not None:
        agenda.meeting = meeting
    return agenda


def _state(user: User, live_state: LiveMeeting, agenda: Agenda | None) -> dict:
    """What the question panel shows: the phase, the questions with their budget, the current
    one and the timers' starting points."""
    meeting = live_state.meeting
    questions, skipped = live.outline(agenda)
    current = next((q for q in questions if q.pk == live_state.current_question_id), None)
    for number, q in enumerate(questions, start=1):
        q.number = number
        q.minutes = q.estimate_minutes or budget.DEFAULT_MINUTES
    return {
        "meeting": meeting,
        "agenda": agenda,
        "live": live_state,
        "phase": live.phase(live_state),
        "questions": questions,
        "skipped": skipped,
        "current": current,
        "budget": budget.for_questions(questions, meeting.duration_minutes),
        "is_mentor": meeting.is_mentor(user),
        # Milliseconds: the page sets its clock by it, and a silent read lasts seconds.
        "server_ms": int(timezone.now().timestamp() * 1000),
        "reading_minutes": max(1, round(live.reading_seconds() / 60)),
    }


@require_GET
def live_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request.user, pk)
    if not meeting.is_open:
        messages.info(request, "This meeting is no longer planned: here is its record.")
        return redirect("brief", pk=meeting.pk)
    live_state = live.session(meeting)
    live.opened(live_state, request.user)
    agenda = _agenda(request.user, meeting)
    ctx = _state(request.user, live_state, agenda)
    ctx |= {
        "captures": live_state.captures.select_related("author", "question"),
        "poll_ms": getattr(settings, "MEETING_POLL_MS", 1500),
    }
    return render(request, TEMPLATE, ctx)


@require_GET
def live_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """What is new since capture/move number `since`; the question panel too when the page shows
    an older version `v`. A poll with nothing new answers in one query."""
    live_state = (
        LiveMeeting.objects.filter(access.live_meeting(request.user, "meeting__"))
        .select_related("meeting__mentorship")
        .filter(meeting_id=pk)
        .first()
    )
    if live_state is None:
        # Nobody opened the meeting page yet: nothing has happened (404 for everyone else).
        live_state = LiveMeeting(meeting=_meeting(request.user, pk))
    if not live_state.meeting.is_open:
        # Held or cancelled: nothing more to poll for; the page goes to the record.
        response = HttpResponseStopPolling()
        response["HX-Redirect"] = reverse("brief", args=[pk])
        return response
    response = _news(request, live_state, request.GET)
    response["Cache-Control"] = "no-store"
    return response


def _news(
    request: HttpRequest,
    live_state: LiveMeeting,
    asked: QueryDict,
    agenda: Agenda | None = None,
    status: int = 200,
) -> HttpResponse:
    """The poll's answer: the captures after the page's number `since`, the question panel when
    the page shows an older version `v` (`agenda` when the caller has it already), and the two
    numbers the page asks from next time."""
    since = parse_id(asked.get("since", "")) or 0
    version = parse_id(asked.get("v", "")) or 0
    ctx: dict = {"live": live_state, "meeting": live_state.meeting, "captures": []}
    moved = version != live_state.version
    if moved:
        if agenda is None:
            agenda = _agenda(request.user, live_state.meeting)
        ctx |= _state(request.user, live_state, agenda)
    if live_state.seq > since:
        ctx["captures"] = live_state.captures.filter(seq__gt=since).select_related(
            "author", "question"
        )
    ctx["moved"] = moved
    return render(request, f"{TEMPLATE}#poll", ctx, status=status)


@require_POST
def live_capture(request: HttpRequest, pk: int) -> HttpResponse:
    """Append an answer, decision or action item, against a question of this meeting (or none)."""
    meeting = _meeting(request.user, pk)
    live_state = live.session(meeting)
    question = None
    if request.POST.get("question"):
        agenda = _agenda(request.user, meeting)
        question_id = parse_id(request.POST["question"])
        question = next((q for q in live.questions(agenda) if q.pk == question_id), None)
        if question is None:
            return _refuse(request, meeting, "That question is not on this meeting's agenda.")
    try:
        item = live.capture(
            live_state,
            request.user,
            request.POST.get("kind", ""),
            request.POST.get("text", ""),
            question,
        )
    except ValidationError as refused:
        return _refuse(request, meeting, " ".join(refused.messages))
    if not request.htmx:
        messages.success(request, f"{item.get_kind_display()} added.")
        return redirect("live", pk=meeting.pk)
    return _news(request, live_state, request.POST, status=201)


def _refuse(request: HttpRequest, meeting: Meeting, message: str) -> HttpResponse:
    if request.htmx:
        return HttpResponse(message, status=422, content_type="text/plain")
    messages.error(request, f"Not added: {message}")
    return redirect("live", pk=meeting.pk)


@require_POST
def live_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the silent read, start the questions, next or previous question."""
    meeting = _meeting(request.user, pk)
    live_state = live.session(meeting)
    agenda = _agenda(request.user, meeting)
    status = 200
    try:
        live.move(
            live_state,
            request.POST.get("action", ""),
            parse_id(request.POST.get("version", "")) or 0,
            agenda,
        )
    except live.Stale:
        live_state.refresh_from_db()
        status = 409
        message = "The meeting had moved on already: this is where it is now."
        if not request.htmx:
            messages.warning(request, message)
    except ValidationError as refused:
        return _refuse(request, meeting, " ".join(refused.messages))
    if not request.htmx:
        return redirect("live", pk=meeting.pk)
    return _news(request, live_state, request.POST, agenda, status=status)


@require_POST
def live_held(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor ends the meeting: held, with everything captured filed into its record."""
    meeting = _meeting(request.user, pk)
    if not meeting.is_mentor(request.user):
        raise Http404("Only the mentor marks a meeting held.")
    try:
        filed = scheduling.mark_held(meeting, request.user)
    except (scheduling.NotPlanned, scheduling.NotStarted, ValidationError) as problem:
        text = " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)
        if request.htmx and meeting.is_open:
            return HttpResponse(text, status=422, content_type="text/plain")
        messages.error(request, f"Not marked held: {text}")
        return _go(request, "live" if meeting.is_open else "brief", meeting.pk)
    messages.success(
        request,
        f"Meeting marked held. {filed} capture{'s' if filed != 1 else ''} filed into its record.",
    )
    return _go(request, "brief", meeting.pk)


def _go(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    """To another page: htmx is told where (HX-Redirect), a plain post is redirected."""
    url = reverse(name, args=[pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _minutes(value: str) -> int | None:
    """The posted minutes: None when empty (the default), ValueError when not 1 to 60."""
    value = (value or "").strip()
    if not value:
        return None
    minutes = int(value)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(value)
    return minutes


@require_POST
@vary_on_headers("HX-Request")
def question_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    question = editable_question(request.user, pk)
    typed = request.POST.get("minutes", "")
    try:
        minutes = _minutes(typed)
    except ValueError:
        error = (
            f"Not saved: minutes are a whole number from {MIN_MINUTES} to {MAX_MINUTES}"
            f" (you typed “{typed.strip()}”). Until then this question counts as before."
        )
        refused = {"pk": question.pk, "value": typed.strip(), "message": error}
        return questions_part(
            request, question.agenda, announce=error, error=error, estimate_error=refused
        )
    agendas.set_estimate(question, minutes)
    announce = f"{minutes or 'Default'} minutes for “{question.text[:40]}”."
    return questions_part(request, question.agenda, announce=announce)


@require_POST
@vary_on_headers("HX-Request")
def question_in_writing(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one question to "answer in writing", or back into the meeting (in_writing=0)."""
    question = editable_question(request.user, pk)
    in_writing = request.POST.get("in_writing", "1") != "0"
    agendas.set_in_writing(question.agenda, [question], in_writing)
    if in_writing:
        announce = "Moved to “answer in writing”: your mentor answers it on the brief."
    else:
        announce = "Back in the meeting."
    return questions_part(request, question.agenda, announce=announce)


@require_POST
@vary_on_headers("HX-Request")
def questions_in_writing(request: HttpRequest, pk: int) -> HttpResponse:
    """The budget's suggestion in one click: these questions (ids in `question`) to writing."""
    agenda = editable_agenda(request.user, pk)
    ids = [parse_id(value) for value in request.POST.getlist("question")]
    if None in ids:
        return HttpResponse(
            "The list names something that is not a question.",
            status=400,
            content_type="text/plain",
        )
    moved = agendas.set_in_writing(agenda, list(agenda.questions.filter(pk__in=ids)), True)
    announce = f"{moved} question{'s' if moved != 1 else ''} moved to “answer in writing”."
    return questions_part(request, agenda, announce=announce)
