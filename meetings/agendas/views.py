"""The scholar's agenda: drafting, autosave, ranked questions and carry-forward.

Only the scholar of a meeting reaches these views; everyone else gets 404 (README, "Who sees what"). The htmx
endpoints answer 401 instead of a redirect to the login page when the session has expired, so
the page can keep the scholar's text and say plainly that it was not saved.

The agenda's revision history page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from config.ids import parse_id
from meetings import access
from meetings.agendas import domain as agendas
from meetings.agendas.forms import CHECKBOXES, AgendaForm, QuestionForm
from meetings.agendas.revisions import rows_for, same
from meetings.htmx import part_or_redirect, refresh_or_redirect
from meetings.meeting_mode import budget
from meetings.models import (
    ONE_PAGE_WORDS,
    ActionItem,
    Agenda,
    AgendaRevision,
    HelpAsked,
    Meeting,
    Question,
)
from meetings.plans import domain as plans
from meetings.reading.forms import ReadingEntryForm
from meetings.recaps import domain as recaps
from meetings.scheduling.lifecycle import NotPlanned
from meetings.unstuck import peers
from meetings.unstuck import streaks as stuck
from meetings.unstuck.forms import HelpAskedForm

AGENDA_TEMPLATE = "meetings/agendas/agenda_edit.html"


# --- Lookups, all scoped to the scholar ------------------------------------------------------


def _scholar_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user)
        .select_related("mentorship__mentor", "mentorship__scholar")
        .annotate(has_manager=access.scholar_has_manager()),
        pk=pk,
    )
    if not meeting.is_scholar(request.user):
        raise Http404("Only the scholar writes the agenda.")
    return meeting


def _scholar_agenda(request: HttpRequest, pk: int) -> Agenda:
    """The meeting's agenda with its meeting and pair, in one query."""
    agenda = get_object_or_404(
        Agenda.objects.visible_to(request.user)
        .select_related("meeting__mentorship__scholar")
        .annotate(has_manager=access.scholar_has_manager("meeting__")),
        meeting_id=pk,
    )
    if not agenda.meeting.is_scholar(request.user):
        raise Http404("Only the scholar writes the agenda.")
    return agenda


def editable_agenda(user: User, pk: int) -> Agenda:
    """The agenda of meeting `pk` when this user may edit it (its scholar, while the meeting is
    planned), else 404. The time budget's endpoints look it up here too."""
    return get_object_or_404(
        Agenda.objects.editable_by(user).select_related("meeting__mentorship__scholar"),
        meeting_id=pk,
    )


def editable_question(user: User, pk: int) -> Question:
    """A question of an agenda this user may edit (as editable_agenda), else 404."""
    return get_object_or_404(
        Question.objects.filter(agenda__in=Agenda.objects.editable_by(user)).select_related(
            "agenda__meeting"
        ),
        pk=pk,
    )


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
        "question_words": sum(q.words for q in everything if q.status != Question.Status.DROPPED),
        "question_form": form or QuestionForm(),
        "budget": budget.for_questions(ranked, agenda.meeting.duration_minutes),
        "default_minutes": budget.DEFAULT_MINUTES,
        **extra,
    }


def _agenda_context(agenda: Agenda, form: AgendaForm, **extra) -> dict:
    meeting = agenda.meeting
    ctx = _questions_context(agenda, **{k: v for k, v in extra.items() if k == "question_error"})
    return {
        # The mentor's read receipt, shown to the scholar beside the status.
        "read": agenda.reads.filter(reader_id=meeting.mentorship.mentor_id)
        .only("last_read_at")
        .first()
        if agenda.is_submitted
        else None,
        "last_bottleneck": agenda.last_bottleneck(),
        **ctx,
        **_stuck_context(agenda),
        "form": form,
        "carried_items": agendas.carried_items(meeting),
        "last_recap": recaps.last_recap(meeting),
        "plan_milestones": plans.milestones_for_agenda(agenda),
        "reading_entries": list(agenda.reading_entries.select_related("recommendation__mentor")),
        "reading_form": ReadingEntryForm(),
        "carried_questions": [q for q in ctx["questions"] if q.carried_from_id],
        "one_page_words": ONE_PAGE_WORDS,
        "meter_low": ONE_PAGE_WORDS * 8 // 10,
        "meter_high": ONE_PAGE_WORDS * 95 // 100,
        # Agenda.word_count(), without querying the questions again.
        "word_count": agenda.section_words + ctx["question_words"],
        **extra,
    }


# --- The agenda page -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _scholar_meeting(request, pk)
    if not meeting.is_open:
        # A held or cancelled meeting's agenda is its (read-only) brief; no agenda is started.
        messages.info(request, agendas.READ_ONLY)
        return redirect("brief", pk=meeting.pk)
    agenda = agendas.start(meeting)
    if request.method == "GET":
        form = AgendaForm(instance=agenda, has_manager=meeting.has_manager)
        return render(request, AGENDA_TEMPLATE, _agenda_context(agenda, form))
    form = AgendaForm(request.POST, has_manager=meeting.has_manager)
    if not form.is_valid():
        form.describe_errors()
        ctx = _agenda_context(
            agenda, form, unsaved=True, problems=_problems(form), problems_title=NOT_SAVED
        )
        return render(request, AGENDA_TEMPLATE, ctx)
    data = form.field_data()
    changed = agendas.changed_fields(agenda, data)
    try:
        saved = agendas.save_fields(agenda, changed, form.cleaned_data["version"], request.user)
    except ValidationError as refused:
        return _render_with_errors(
            request, agenda, refused, meeting.has_manager, title=NOT_SAVED, unsaved=True
        )
    if not saved:
        return _conflict_page(request, agenda, data, meeting.has_manager)
    action = request.POST.get("action")
    if action in ("submit", "submit_anyway") and not agenda.is_submitted:
        # The submit's own rules speak first; the stuck prompt asks once those are met.
        if (
            action == "submit"
            and not agenda.submission_errors()
            and _unanswered_stuck_prompt(agenda)
        ):
            messages.warning(
                request,
                "Your draft is saved. Before you submit: you named a similar bottleneck before. "
                "Say what you tried since and whom you asked, or submit anyway.",
            )
            ctx = _agenda_context(agenda, AgendaForm(instance=agenda), confirm_submit=True)
            return render(request, AGENDA_TEMPLATE, ctx)
        try:
            agendas.submit(agenda, request.user)
        except ValidationError as refused:
            return _render_with_errors(
                request, agenda, refused, meeting.has_manager, title=NOT_SUBMITTED
            )
        messages.success(request, "Agenda submitted: your mentor can now read the brief.")
        for advice in agenda.submission_advice().values():
            messages.info(request, advice)
        return redirect("brief", pk=meeting.pk)
    if agenda.is_submitted:
        if set(changed) - set(Agenda.SCHOLAR_ONLY_FIELDS):
            messages.success(request, "Changes saved. Your mentor sees the brief as updated.")
        elif changed:
            messages.success(request, "Saved. The brief did not change: your mentor is not told.")
        else:
            messages.info(request, "Nothing changed in the brief.")
        return redirect("brief", pk=meeting.pk)
    messages.success(request, "Draft saved.")
    return redirect("agenda", pk=meeting.pk)


def _conflict_page(
    request: HttpRequest, agenda: Agenda, data: dict, has_manager: bool
) -> HttpResponse:
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
    form = AgendaForm(posted, has_manager=has_manager)
    form.is_valid()
    ctx = _agenda_context(
        agenda, form, newer=agenda, differences=_differences(agenda, data), unsaved=True
    )
    return render(request, AGENDA_TEMPLATE, ctx, status=409)


def _differences(agenda: Agenda, data: dict) -> list[dict]:
    """Each field where the posted text differs from the saved one, both versions side by side."""
    form = AgendaForm(instance=agenda)
    rows = []
    for name, value in data.items():
        saved = getattr(agenda, name)
        if same(saved, value):
            continue
        field = form.fields[name]
        if name == "wellbeing_energy":
            saved, value = saved or "skipped", value or "skipped"
        elif name == "wellbeing_visibility":
            labels = dict(Agenda.Visibility.choices)
            saved, value = labels.get(saved, saved), labels.get(value, value)
        elif name in CHECKBOXES:
            saved, value = ("ticked" if v else "not ticked" for v in (saved, value))
        rows.append({"name": name, "label": field.label, "saved": saved, "mine": value})
    return rows


def _render_with_errors(
    request: HttpRequest,
    agenda: Agenda,
    refused: ValidationError,
    has_manager: bool,
    title: str,
    unsaved: bool = False,
) -> HttpResponse:
    data = request.POST.copy()
    data["version"] = str(agenda.version)
    form = AgendaForm(data, instance=agenda, has_manager=has_manager)
    form.is_valid()
    errors = {name: " ".join(texts) for name, texts in refused.message_dict.items()}
    question_error = errors.pop("questions", None)
    for field, message in errors.items():
        form.add_error(field, message)
    form.describe_errors()
    ctx = _agenda_context(
        agenda,
        form,
        question_error=question_error,
        unsaved=unsaved,
        problems=_problems(form, question_error),
        problems_title=title,
    )
    return render(request, AGENDA_TEMPLATE, ctx)


NOT_SUBMITTED = "Your draft is saved, but it cannot be submitted yet:"
NOT_SAVED = "Not saved yet: your text is still below. Fix this and save again:"


def _problems(form: AgendaForm, question_error: str | None = None) -> list[dict]:
    """What stops the save or the submit, in the page's order, each with the id of the field
    to fix (the new-question box for the questions) for the summary's links."""
    problems = []
    for name, field in form.fields.items():
        if name in form.errors:
            problems.append(
                {
                    "target": form[name].id_for_label,
                    "label": field.label,
                    "message": " ".join(form.errors[name]),
                }
            )
        if name == "bottleneck" and question_error:
            problems.append(
                {"target": "id_new_question", "label": "Questions", "message": question_error}
            )
    version_errors = form.errors.get("version")
    if version_errors:
        problems.append({"target": "", "label": "", "message": " ".join(version_errors)})
    return problems


# --- Autosave --------------------------------------------------------------------------------


def _autosave_answer(
    request: HttpRequest, agenda: Agenda, message: str = "", status: int = 200, **extra
) -> HttpResponse:
    ctx = {"agenda": agenda, "meeting": agenda.meeting, "message": message, **extra}
    response = render(request, "meetings/agendas/_autosave.html", ctx, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def agenda_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the agenda's fields as the scholar types; never over a version saved meanwhile.

    Only the fields posted are written: one left out keeps its text.
    200: saved (or nothing changed), with the new version number for the page.
    409: another tab or device saved first; nothing written; both versions in the answer.
    422: the text breaks a rule (too long, or a submitted brief would lose its bottleneck).
    423: the meeting is no longer planned, so the agenda is read-only.
    """
    agenda = _scholar_agenda(request, pk)
    form = AgendaForm(request.POST, partial=True, has_manager=agenda.has_manager)
    if not form.is_valid():
        return _autosave_answer(request, agenda, f"Not saved. {form.problems()}", status=422)
    data = form.field_data()
    changed = agendas.changed_fields(agenda, data)
    try:
        saved = agendas.save_fields(agenda, changed, form.cleaned_data["version"], request.user)
    except NotPlanned:
        message = "Not saved: this meeting is no longer planned, so its agenda is read-only."
        return _autosave_answer(request, agenda, message, status=423)
    except ValidationError as refused:
        message = "Not saved. " + " ".join(refused.messages)
        return _autosave_answer(request, agenda, message, status=422)
    if not saved:
        agenda.refresh_from_db()
        message = "Not saved: this agenda was changed in another tab or on another device."
        differences = _differences(agenda, data)
        return _autosave_answer(
            request, agenda, message, status=409, conflict=True, differences=differences
        )
    if {"bottleneck", "bottleneck_same_as_last"} & set(changed):
        # The stuck prompt follows the bottleneck and the "same as last" box as they are saved
        # (an out-of-band swap): one query for the pair's earlier bottlenecks.
        streak = stuck.stuck_streak(agenda, count_asked=False)
        return _autosave_answer(
            request,
            agenda,
            stuck_refresh=True,
            streak=streak,
            **_suggestions_context(agenda, streak),
        )
    return _autosave_answer(request, agenda)


# --- Questions -------------------------------------------------------------------------------


def questions_part(
    request: HttpRequest,
    agenda: Agenda,
    form: QuestionForm | None = None,
    *,
    announce: str = "",
    error: str = "",
    estimate_error: dict | None = None,
) -> HttpResponse:
    """The question list (budget included) for htmx, announcing `announce`; a plain post gets
    `error` (or `announce`) as a message and goes back to the list. The time budget's endpoints
    answer with it too: `estimate_error` ({"pk", "value", "message"}) shows a refused number of
    minutes beside its field, as typed."""
    return part_or_redirect(
        request,
        AGENDA_TEMPLATE,
        "questions",
        lambda: _questions_context(agenda, form, announce=announce, estimate_error=estimate_error),
        url=reverse("agenda", args=[agenda.meeting_id]),
        anchor="questions",
        message=announce,
        error=error,
    )


def _refused_question(request: HttpRequest, agenda: Agenda, form: QuestionForm) -> HttpResponse:
    """The list again with the form's message beside the new-question box (htmx), or the
    message and back to the list."""
    return questions_part(request, agenda, form, error=" ".join(form.errors.get("text", [])))


@require_POST
@vary_on_headers("HX-Request")
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    agenda = editable_agenda(request.user, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _refused_question(request, agenda, form)
    agendas.add_question(agenda, form.cleaned_data["text"], request.user)
    return questions_part(request, agenda, announce="Question added at the end of your list.")


@require_POST
@vary_on_headers("HX-Request")
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = editable_question(request.user, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return _refused_question(request, question.agenda, form)
    agendas.edit_question(question, form.cleaned_data["text"], request.user)
    return questions_part(request, question.agenda, announce="Question saved.")


@require_POST
@vary_on_headers("HX-Request")
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = editable_question(request.user, pk)
    if agendas.delete_question(question, request.user):
        announce = "Question deleted."
    else:
        announce = "Question dropped: it leaves your brief. Put it back from “Done or dropped”."
    return questions_part(request, question.agenda, announce=announce)


def _position_message(question: Question) -> str:
    ranked = [q.pk for q in question.agenda.questions.all() if not q.is_set_aside]
    if question.pk not in ranked:
        return ""
    return f"Moved to position {ranked.index(question.pk) + 1} of {len(ranked)}."


@require_POST
@vary_on_headers("HX-Request")
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = editable_question(request.user, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    agendas.move_question(question, offset, request.user)
    return questions_part(request, question.agenda, announce=_position_message(question))


@require_POST
@vary_on_headers("HX-Request")
def question_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the order the scholar dragged the questions into (ids in `order`, top first)."""
    agenda = editable_agenda(request.user, pk)
    ids = [parse_id(value) for value in request.POST.getlist("order")]
    if None in ids:
        return HttpResponse(
            "The order lists something that is not a question.",
            status=400,
            content_type="text/plain",
        )
    agendas.reorder_questions(agenda, ids, request.user)
    return questions_part(request, agenda, announce="New order saved.")


STATE_MESSAGES = {
    Question.Status.OPEN: "Question kept: it is back in your list, at the end.",
    Question.Status.RESOLVED: "Question marked done. Your mentor sees it as resolved.",
    Question.Status.DROPPED: "Question dropped: it leaves your brief. Put it back from “Done or dropped”.",
}


@require_POST
@vary_on_headers("HX-Request")
def question_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The scholar keeps (reopens), marks done or drops a question, e.g. one carried forward."""
    question = editable_question(request.user, pk)
    state = request.POST.get("state", "")
    if state not in STATE_MESSAGES:
        return HttpResponse("Unknown state.", status=400, content_type="text/plain")
    agendas.set_question_state(question, state)
    return questions_part(request, question.agenda, announce=STATE_MESSAGES[state])


# --- Action items carried forward ------------------------------------------------------------


@require_POST
@vary_on_headers("HX-Request")
def agenda_item_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The scholar marks one of their own action items done (or not done) from the agenda."""
    meeting = _scholar_meeting(request, pk)
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).filter(
            mentorship_id=meeting.mentorship_id, owner=ActionItem.Owner.SCHOLAR
        ),
        pk=item_pk,
    )
    done = request.POST.get("done") == "1"
    try:
        agendas.tick_carried_item(meeting, item, done)
    except NotPlanned:
        return refresh_or_redirect(
            request,
            url=reverse("brief", args=[meeting.pk]),
            error="This meeting is no longer planned.",
        )
    return part_or_redirect(
        request,
        AGENDA_TEMPLATE,
        "carried",
        lambda: {
            "meeting": meeting,
            "carried_items": agendas.carried_items(meeting),
            "announce": f"“{item.text}” marked {'done' if done else 'not done'}.",
        },
        url=reverse("agenda", args=[meeting.pk]),
        anchor="carried",
    )


# --- Stuck: the same bottleneck again, and whom the scholar asked ---------------------------


def _stuck_context(agenda: Agenda) -> dict:
    """The agenda's stuck streak (earlier similar bottlenecks), its "whom I asked" entries and
    the form to add one (peers: the other scholars of the program)."""
    meeting = agenda.meeting
    entries = list(agenda.help_asked.select_related("peer"))
    streak = stuck.stuck_streak(agenda)
    peers_ = _peers(meeting)
    # Names read as columns, not people: a program has hundreds of peers.
    choices = (
        [(pk, User.name_from(*names)) for pk, *names in peers_.values_list("pk", *User.NAME_FIELDS)]
        if meeting.is_open
        else []
    )
    for entry in entries:
        # Each entry's own form, to change whom or say what came of it: one query for them all.
        entry.form = HelpAskedForm(peers=peers_, peer_choices=choices, entry=entry)
    return {
        "streak": streak,
        "help_entries": entries,
        "help_form": HelpAskedForm(peers=peers_, peer_choices=choices),
        **_suggestions_context(agenda, streak, entries),
    }


def _suggestions_context(
    agenda: Agenda, streak: stuck.Streak, entries: list[HelpAsked] | None = None
) -> dict:
    """The peers who got past something similar, for a stuck scholar only (one query then),
    and which of them the scholar already lists as asked (`entries`, read if not given)."""
    found = peers.suggestions(agenda) if streak.is_stuck else []
    if found and entries is None:
        entries = list(agenda.help_asked.all())
    return {
        "suggestions": found,
        "asked_peer_ids": {e.peer_id for e in entries or [] if e.peer_id},
        "help_editable": agenda.meeting.is_open,
    }


def _peers(meeting: Meeting):
    """The other scholars with an active mentorship in the meeting's program."""
    mentorship = meeting.mentorship
    return (
        User.objects.filter(
            mentorships_as_scholar__program_id=mentorship.program_id,
            mentorships_as_scholar__active=True,
        )
        .exclude(pk=mentorship.scholar_id)
        .distinct()
        .order_by("display_name", "username")
    )


def _unanswered_stuck_prompt(agenda: Agenda) -> bool:
    """Stuck, and the scholar has not yet said what they tried or whom they asked."""
    return bool(stuck.stuck_streak(agenda)) and (
        not agenda.tried.strip() or not agenda.help_asked.exists()
    )


def _help_part(
    request: HttpRequest,
    agenda: Agenda,
    form: HelpAskedForm | None = None,
    announce: str = "",
    editing: int | None = None,
) -> HttpResponse:
    """The "whom I asked" list for htmx (the suggested peers too, saying which of them are now
    listed as asked); a plain post gets the form's messages (or `announce`) and goes back.
    `form`: the add form with its errors, or (`editing`: the entry's id) that entry's form."""

    def context() -> dict:
        ctx = {"agenda": agenda, "meeting": agenda.meeting, **_stuck_context(agenda)}
        if form is not None and editing is None:
            ctx["help_form"] = form
        for entry in ctx["help_entries"]:
            if form is not None and entry.pk == editing:
                entry.form, entry.open = form, True
        return ctx | {"announce": announce, "suggestions_oob": True}

    errors = form.errors.values() if form is not None else []
    return part_or_redirect(
        request,
        AGENDA_TEMPLATE,
        "help_asked",
        context,
        url=reverse("agenda", args=[agenda.meeting_id]),
        anchor="help-asked",
        message=announce,
        error=" ".join(error for field_errors in errors for error in field_errors),
    )


@require_POST
@vary_on_headers("HX-Request")
def help_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a "whom I asked" entry to the agenda (htmx: the list again; otherwise a redirect)."""
    agenda = editable_agenda(request.user, pk)
    form = HelpAskedForm(request.POST, peers=_peers(agenda.meeting))
    if not form.is_valid():
        return _help_part(request, agenda, form)
    entry = agendas.add_help_asked(agenda, form.cleaned_data, request.user)
    return _help_part(request, agenda, announce=f"Added: {entry.label}.")


def _editable_help_entry(user: User, pk: int) -> HelpAsked:
    """A "whom I asked" entry of an agenda this user may edit (as editable_agenda), else 404."""
    return get_object_or_404(
        HelpAsked.objects.filter(agenda__in=Agenda.objects.editable_by(user)).select_related(
            "agenda__meeting__mentorship__scholar", "peer"
        ),
        pk=pk,
    )


@require_POST
@vary_on_headers("HX-Request")
def help_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a "whom I asked" entry: whom, or what came of it (htmx: the list again)."""
    entry = _editable_help_entry(request.user, pk)
    agenda = entry.agenda
    form = HelpAskedForm(request.POST, peers=_peers(agenda.meeting), entry=entry)
    if not form.is_valid():
        return _help_part(request, agenda, form, editing=entry.pk)
    saved = agendas.edit_help_asked(entry, form.cleaned_data, request.user)
    announce = f"Saved: {saved.label}." if saved else "Nothing changed."
    return _help_part(request, agenda, announce=announce)


@require_POST
@vary_on_headers("HX-Request")
def help_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _editable_help_entry(request.user, pk)
    agendas.delete_help_asked(entry, request.user)
    return _help_part(request, entry.agenda, announce=f"Removed: {entry.label}.")


@require_http_methods(["GET"])
def agenda_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """The scholar sees every revision; their mentor those since the agenda was submitted."""
    agenda = get_object_or_404(
        Agenda.objects.visible_to(request.user).select_related(
            "meeting__mentorship__scholar", "meeting__mentorship__mentor"
        ),
        meeting_id=pk,
    )
    revisions = list(
        AgendaRevision.objects.visible_to(request.user)
        .filter(agenda=agenda)
        .select_related("author")
    )
    for revision in revisions:
        revision.agenda = agenda  # rows_for() reads the mentorship: no query per row
        revision.rows = rows_for(revision, request.user)
    return render(
        request,
        "meetings/agendas/revisions.html",
        {
            "agenda": agenda,
            "meeting": agenda.meeting,
            "revisions": [r for r in revisions if r.rows],
            "is_scholar": agenda.meeting.is_scholar(request.user),
        },
    )
