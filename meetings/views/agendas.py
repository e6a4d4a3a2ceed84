"""The scholar's agenda: drafting, autosave, ranked questions and carry-forward (issue 3).

Only the scholar of a meeting reaches these views; everyone else gets 404 (PRIVACY.md). The htmx
endpoints answer 401 instead of a redirect to the login page when the session has expired, so
the page can keep the scholar's text and say plainly that it was not saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..forms import AgendaForm, QuestionForm, submission_errors
from ..models import ONE_PAGE_WORDS, ActionItem, Agenda, BriefRead, Meeting, Question

AGENDA_TEMPLATE = "meetings/agenda_edit.html"


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def login_required_or_401(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required, except that an htmx request of a logged-out user gets 401, not a redirect.

    Following a redirect would hand the login page to htmx as if it were the answer; a 401 lets
    the page keep the text and tell the scholar it was not saved.
    """
    protected = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated and _htmx(request):
            return HttpResponse(
                "You are logged out: nothing was saved.", status=401, content_type="text/plain"
            )
        return protected(request, *args, **kwargs)

    return wrapped


# --- Lookups, all scoped to the scholar ------------------------------------------------------


def _scholar_meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(mentorship__scholar=request.user).select_related(
            "mentorship__mentor", "mentorship__scholar"
        ),
        pk=pk,
    )


def _editable_agenda(request: HttpRequest, pk: int) -> Agenda:
    return get_object_or_404(
        Agenda.objects.editable_by(request.user).select_related("meeting__mentorship"),
        meeting_id=pk,
    )


def _editable_question(request: HttpRequest, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.filter(agenda__in=Agenda.objects.editable_by(request.user)).select_related(
            "agenda__meeting"
        ),
        pk=pk,
    )


def _carried_items(meeting: Meeting) -> list[ActionItem]:
    """The mentorship's open action items, and those done in the last two weeks."""
    items = list(
        ActionItem.objects.filter(mentorship_id=meeting.mentorship_id)
        .filter(Q(done=False) | Q(done_at__gte=timezone.now() - timedelta(days=14)))
        .exclude(meeting=meeting)
        .select_related("mentorship__scholar", "mentorship__mentor")
        .order_by("done", "due_on", "pk")
    )
    for item in items:
        item.can_toggle = item.owner == ActionItem.Owner.SCHOLAR
    return items


# --- Context ---------------------------------------------------------------------------------


def _questions_context(agenda: Agenda, form: QuestionForm | None = None, **extra) -> dict:
    everything = list(agenda.questions.all())
    ranked = [q for q in everything if not q.is_set_aside]
    set_aside = [q for q in everything if q.is_set_aside]
    return {
        "agenda": agenda,
        "meeting": agenda.meeting,
        "questions": ranked,
        "set_aside": set_aside,
        "question_words": sum(
            len(q.text.split()) for q in everything if q.status != Question.Status.DROPPED
        ),
        "question_form": form or QuestionForm(),
        **extra,
    }


def _agenda_context(agenda: Agenda, form: AgendaForm, **extra) -> dict:
    meeting = agenda.meeting
    items = _carried_items(meeting)
    ctx = _questions_context(agenda, **{k: v for k, v in extra.items() if k == "question_error"})
    carried_questions = [q for q in ctx["questions"] if q.carried_from_id]
    previous = meeting.previous()
    previous_agenda = Agenda.objects.filter(meeting=previous).first() if previous else None
    return {
        # The mentor's read receipt (issue 4), shown to the scholar beside the status.
        "read": BriefRead.objects.filter(agenda=agenda, reader_id=meeting.mentorship.mentor_id)
        .only("last_read_at")
        .first()
        if agenda.is_submitted
        else None,
        "last_bottleneck": previous_agenda.bottleneck.strip() if previous_agenda else "",
        **ctx,
        "form": form,
        "carried_items": items,
        "carried_questions": carried_questions,
        "one_page_words": ONE_PAGE_WORDS,
        "meter_low": ONE_PAGE_WORDS * 8 // 10,
        "meter_high": ONE_PAGE_WORDS * 95 // 100,
        # Agenda.word_count(), without querying the questions again.
        "word_count": sum(len(getattr(agenda, name).split()) for name in Agenda.SECTION_NAMES)
        + ctx["question_words"],
        **extra,
    }


# --- The agenda page -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _scholar_meeting(request, pk)
    if not meeting.is_open:
        messages.info(request, "This meeting is no longer planned: its agenda is read-only.")
        return redirect("brief", pk=meeting.pk)
    agenda = Agenda.start_for(meeting)
    if request.method == "GET":
        return render(
            request, AGENDA_TEMPLATE, _agenda_context(agenda, AgendaForm(instance=agenda))
        )

    form = AgendaForm(request.POST, instance=Agenda.objects.get(pk=agenda.pk))
    submitting = request.POST.get("action") == "submit"
    if not form.is_valid():
        form.describe_errors()
        return render(request, AGENDA_TEMPLATE, _agenda_context(agenda, form, unsaved=True))
    data = form.field_data()
    if agenda.is_submitted:
        # A submitted agenda stays submittable: check the rules before changing what the mentor sees.
        errors = submission_errors(agenda, data)
        if errors:
            return _render_with_errors(request, agenda, errors, unsaved=True)
    changed = _changed_fields(agenda, data)
    expected = form.cleaned_data["version"]
    if changed and not agenda.save_fields(changed, expected):
        agenda.refresh_from_db()
        messages.error(
            request,
            "This agenda was changed elsewhere (another tab or device) after you opened it. "
            "Nothing was overwritten: your text is below, next to the saved version.",
        )
        # The scholar's text stays in the form; saving it again (after seeing both versions)
        # replaces the newer version on purpose, so the form now carries that version number.
        posted = request.POST.copy()
        posted["version"] = str(agenda.version)
        form = AgendaForm(posted, instance=Agenda.objects.get(pk=agenda.pk))
        form.is_valid()
        ctx = _agenda_context(
            agenda, form, newer=agenda, differences=_differences(agenda, data), unsaved=True
        )
        return render(request, AGENDA_TEMPLATE, ctx, status=409)
    if submitting and not agenda.is_submitted:
        errors = submission_errors(agenda)
        if errors:
            messages.warning(request, "Your draft is saved, but it cannot be submitted yet.")
            return _render_with_errors(request, agenda, errors)
        agenda.submit()
        messages.success(request, "Agenda submitted: your mentor can now read the brief.")
        return redirect("brief", pk=meeting.pk)
    if agenda.is_submitted:
        messages.success(request, "Changes saved. Your mentor sees the brief as updated.")
        return redirect("brief", pk=meeting.pk)
    messages.success(request, "Draft saved.")
    return redirect("agenda", pk=meeting.pk)


def _changed_fields(agenda: Agenda, data: dict) -> dict:
    return {name: value for name, value in data.items() if getattr(agenda, name) != value}


def _differences(agenda: Agenda, data: dict) -> list[dict]:
    """Each field where the posted text differs from the saved one, both versions side by side."""
    form = AgendaForm(instance=agenda)
    rows = []
    for name, value in data.items():
        saved = getattr(agenda, name)
        if saved == value:
            continue
        field = form.fields[name]
        if name == "wellbeing_energy":
            saved, value = saved or "skipped", value or "skipped"
        elif name == "wellbeing_visibility":
            labels = dict(Agenda.Visibility.choices)
            saved, value = labels.get(saved, saved), labels.get(value, value)
        rows.append({"name": name, "label": field.label, "saved": saved, "mine": value})
    return rows


def _render_with_errors(
    request: HttpRequest, agenda: Agenda, errors: dict[str, str], unsaved: bool = False
) -> HttpResponse:
    data = request.POST.copy()
    data["version"] = str(agenda.version)
    form = AgendaForm(data, instance=agenda)
    form.is_valid()
    question_error = errors.pop("questions", None)
    for field, message in errors.items():
        form.add_error(field, message)
    form.describe_errors()
    ctx = _agenda_context(agenda, form, question_error=question_error, unsaved=unsaved)
    return render(request, AGENDA_TEMPLATE, ctx)


# --- Autosave --------------------------------------------------------------------------------


def _autosave_answer(
    request: HttpRequest, agenda: Agenda, message: str = "", status: int = 200, **extra
) -> HttpResponse:
    ctx = {"agenda": agenda, "meeting": agenda.meeting, "message": message, **extra}
    response = render(request, "meetings/_autosave.html", ctx, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required_or_401
@require_POST
def agenda_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the agenda's fields as the scholar types; never over a version saved meanwhile.

    200: saved (or nothing changed), with the new version number for the page.
    409: another tab or device saved first; nothing written; both versions in the answer.
    422: the text breaks a rule (too long, or a submitted brief would lose its bottleneck).
    423: the meeting is no longer planned, so the agenda is read-only.
    """
    meeting = _scholar_meeting(request, pk)
    agenda = get_object_or_404(Agenda, meeting=meeting)
    if not meeting.is_open:
        return _autosave_answer(
            request,
            agenda,
            "Not saved: this meeting is no longer planned, so its agenda is read-only.",
            status=423,
        )
    form = AgendaForm(request.POST, instance=Agenda.objects.get(pk=agenda.pk))
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errs)}"
            for name, errs in form.errors.items()
        )
        return _autosave_answer(request, agenda, f"Not saved. {problems}", status=422)
    data = form.field_data()
    changed = _changed_fields(agenda, data)
    if not changed:
        # Already stored (perhaps from another tab): the page is up to date with this version.
        return _autosave_answer(request, agenda)
    if agenda.is_submitted:
        errors = submission_errors(agenda, data)
        errors.pop("questions", None)
        if errors:
            return _autosave_answer(
                request,
                agenda,
                "Not saved: your mentor already has this brief. " + " ".join(errors.values()),
                status=422,
            )
    if not agenda.save_fields(changed, form.cleaned_data["version"]):
        agenda.refresh_from_db()
        response = _autosave_answer(
            request,
            agenda,
            "Not saved: this agenda was changed in another tab or on another device.",
            status=409,
            conflict=True,
            differences=_differences(agenda, data),
        )
        return response
    return _autosave_answer(request, agenda)


# --- Questions -------------------------------------------------------------------------------


def _questions_response(
    request: HttpRequest, agenda: Agenda, form: QuestionForm | None = None, announce: str = ""
) -> HttpResponse:
    if _htmx(request):
        ctx = _questions_context(agenda, form, announce=announce)
        return render(request, f"{AGENDA_TEMPLATE}#questions", ctx)
    if form is not None and form.errors:
        for error in form.errors.get("text", []):
            messages.error(request, error)
    elif announce:
        messages.success(request, announce)
    return redirect(reverse("agenda", args=[agenda.meeting_id]) + "#questions")


@login_required_or_401
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    agenda = _editable_agenda(request, pk)
    form = QuestionForm(request.POST)
    announce = ""
    if form.is_valid():
        question = form.save(commit=False)
        question.agenda = agenda
        question.rank = Question.next_rank(agenda)
        question.save()
        Question.set_aside_last(agenda)
        services.touch_agenda(agenda)
        form = None
        announce = "Question added at the end of your list."
    return _questions_response(request, agenda, form, announce)


@login_required_or_401
@require_POST
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    form = QuestionForm(request.POST, instance=question)
    announce = ""
    if form.is_valid():
        form.save()
        services.touch_agenda(question.agenda)
        form = None
        announce = "Question saved."
    return _questions_response(request, question.agenda, form, announce)


@login_required_or_401
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    agenda = question.agenda
    if question.carried_from_id:
        # A question from last time is never deleted silently: it is dropped, and stays on record.
        question.set_state(Question.Status.DROPPED)
        announce = "Question dropped. It stays in your history."
    else:
        question.delete()
        announce = "Question deleted."
    services.touch_agenda(agenda)
    return _questions_response(request, agenda, announce=announce)


def _position_message(question: Question) -> str:
    ranked = [q.pk for q in question.agenda.questions.all() if not q.is_set_aside]
    if question.pk not in ranked:
        return ""
    return f"Moved to position {ranked.index(question.pk) + 1} of {len(ranked)}."


@login_required_or_401
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    question.move(-1 if request.POST.get("direction") == "up" else 1)
    services.touch_agenda(question.agenda)
    return _questions_response(request, question.agenda, announce=_position_message(question))


@login_required_or_401
@require_POST
def question_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the order the scholar dragged the questions into (ids in `order`, top first)."""
    agenda = _editable_agenda(request, pk)
    ids = [int(value) for value in request.POST.getlist("order") if value.isdigit()]
    Question.reorder(agenda, ids, record=True)
    services.touch_agenda(agenda)
    return _questions_response(request, agenda, announce="New order saved.")


STATE_MESSAGES = {
    Question.Status.OPEN: "Question kept: it is back in your list, at the end.",
    Question.Status.RESOLVED: "Question marked done. Your mentor sees it as resolved.",
    Question.Status.DROPPED: "Question dropped. It stays in your history.",
}


@login_required_or_401
@require_POST
def question_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The scholar keeps (reopens), marks done or drops a question, e.g. one carried forward."""
    question = _editable_question(request, pk)
    state = request.POST.get("state", "")
    if state not in STATE_MESSAGES:
        return HttpResponse("Unknown state.", status=400, content_type="text/plain")
    question.set_state(state)
    services.touch_agenda(question.agenda)
    return _questions_response(request, question.agenda, announce=STATE_MESSAGES[state])


# --- Action items carried forward ------------------------------------------------------------


@login_required_or_401
@require_POST
def agenda_item_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The scholar marks one of their own action items done (or not done) from the agenda."""
    meeting = _scholar_meeting(request, pk)
    item = get_object_or_404(
        ActionItem.objects.filter(
            mentorship_id=meeting.mentorship_id, owner=ActionItem.Owner.SCHOLAR
        ),
        pk=item_pk,
    )
    if not meeting.is_open:
        messages.error(request, "This meeting is no longer planned.")
        return redirect("brief", pk=meeting.pk)
    done = request.POST.get("done") == "1"
    item.set_done(done)
    if _htmx(request):
        ctx = {
            "meeting": meeting,
            "carried_items": _carried_items(meeting),
            "announce": f"“{item.text}” marked {'done' if done else 'not done'}.",
        }
        return render(request, f"{AGENDA_TEMPLATE}#carried", ctx)
    return redirect(reverse("agenda", args=[meeting.pk]) + "#carried")
