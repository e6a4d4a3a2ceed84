"""The agenda's time budget: each question's minutes, and moving questions out of the meeting to
be answered in writing (one at a time, or the budget's suggestion in one click).

Only the scholar of a planned meeting reaches these (the same scoped lookups as the agenda's
other question endpoints); each answers with the question list, budget included.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from config.ids import parse_id

from .. import agendas
from ..budget import MAX_MINUTES, MIN_MINUTES
from .agendas import (
    _editable_agenda,
    _editable_question,
    _questions_response,
    login_required_or_401,
)


def _minutes(value: str) -> int | None:
    """The posted minutes: None when empty (the default), ValueError when not 1 to 60."""
    value = (value or "").strip()
    if not value:
        return None
    minutes = int(value)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(value)
    return minutes


@login_required_or_401
@require_POST
def question_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    try:
        minutes = _minutes(request.POST.get("minutes", ""))
    except ValueError:
        error = f"Minutes are a whole number from {MIN_MINUTES} to {MAX_MINUTES}: not saved."
        if not request.htmx:
            messages.error(request, error)
            return _questions_response(request, question.agenda)
        return _questions_response(request, question.agenda, announce=error)
    agendas.set_estimate(question, minutes)
    announce = f"{minutes or 'Default'} minutes for “{question.text[:40]}”."
    return _questions_response(request, question.agenda, announce=announce)


@login_required_or_401
@require_POST
def question_in_writing(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one question to "answer in writing", or back into the meeting (in_writing=0)."""
    question = _editable_question(request, pk)
    in_writing = request.POST.get("in_writing", "1") != "0"
    agendas.set_in_writing(question.agenda, [question], in_writing)
    if in_writing:
        announce = "Moved to “answer in writing”: your mentor answers it on the brief."
    else:
        announce = "Back in the meeting."
    return _questions_response(request, question.agenda, announce=announce)


@login_required_or_401
@require_POST
def questions_in_writing(request: HttpRequest, pk: int) -> HttpResponse:
    """The budget's suggestion in one click: these questions (ids in `question`) to writing."""
    agenda = _editable_agenda(request, pk)
    ids = [parse_id(value) for value in request.POST.getlist("question")]
    if None in ids:
        return HttpResponse(
            "The list names something that is not a question.",
            status=400,
            content_type="text/plain",
        )
    moved = agendas.set_in_writing(agenda, list(agenda.questions.filter(pk__in=ids)), True)
    announce = f"{moved} question{'s' if moved != 1 else ''} moved to “answer in writing”."
    return _questions_response(request, agenda, announce=announce)
