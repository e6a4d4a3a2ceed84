"""The mentor's side: the brief, read receipts, inline annotation and question triage, action
items and notes, the mentor's private note, and the brief as a PDF.

Every lookup goes through a queryset scoped to the user (README, "Who sees what") and answers 404 otherwise.
Every write refuses a meeting that is no longer planned (the rule is in meetings/briefs/domain.py,
the view turns the refusal into its answer): a held meeting's record is read-only; later changes
are notes. Each htmx request gets the same checks as the full page, and every form
also works without JavaScript (a redirect back to the brief).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Mentorship, User
from config.ids import parse_id
from meetings import access
from meetings.briefs import domain as briefs
from meetings.briefs.forms import ActionItemForm, AnnotationForm, AnswerForm, MeetingNoteForm
from meetings.forms import form_problem
from meetings.htmx import part_or_redirect, refresh_or_redirect
from meetings.models import ActionItem, Agenda, Annotation, Meeting, MentorPrivateNote, Question
from meetings.redirects import redirect_to_next, safe_next
from meetings.scheduling import lifecycle as scheduling
from meetings.scheduling import proposals

BRIEF_TEMPLATE = "meetings/briefs/brief.html"


def _brief_url(meeting_id: int) -> str:
    return reverse("brief", args=[meeting_id])


def _read_only(
    request: HttpRequest, meeting_id: int, refused: scheduling.NotPlanned
) -> HttpResponse:
    """A write refused because the meeting is no longer planned: htmx reloads the (read-only)
    page, with a 409 as the refusal it is."""
    return refresh_or_redirect(request, url=_brief_url(meeting_id), error=str(refused))


# --- Lookups ---------------------------------------------------------------------------------


def _meeting_for(user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related(
            "mentorship__scholar", "mentorship__mentor", "mentorship__program"
        ),
        pk=pk,
    )


def _mentor_meeting(user: User, pk: int) -> Meeting:
    meeting = _meeting_for(user, pk)
    if not meeting.is_mentor(user):
        raise Http404("Only the mentor writes here.")
    return meeting


def _mentor_question(user: User, pk: int) -> Question:
    """A question on a brief the user mentors (not one the scholar dropped)."""
    question = get_object_or_404(
        Question.objects.for_mentor()
        .filter(agenda__in=Agenda.objects.visible_to(user))
        .select_related("agenda__meeting__mentorship"),
        pk=pk,
    )
    if not question.agenda.meeting.is_mentor(user):
        raise Http404("Only the mentor answers.")
    return question


# --- The brief -------------------------------------------------------------------------------


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def brief(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    part = request.GET.get("part")
    if request.htmx and part in {"actions", "notes"}:
        ctx = briefs.brief_context(request.user, meeting)
        return render(request, f"{BRIEF_TEMPLATE}#{part}", ctx)
    ctx = briefs.brief_context(
        request.user, meeting, record_read_receipt=meeting.is_mentor(request.user)
    )
    ctx.update(_lifecycle(request.user, meeting))
    return render(request, BRIEF_TEMPLATE, ctx)


def _lifecycle(user: User, meeting: Meeting) -> dict:
    """The meeting's status changes and their undo, and, for the mentor of a held meeting that
    is the pair's latest, the proposed next meeting."""
    changes = list(meeting.status_changes.select_related("by"))
    proposal = None
    # Only the pair's latest held meeting proposes the next one: its time is stored with the
    # pair, so an earlier meeting's brief needs no query for it.
    if (
        meeting.is_held
        and meeting.is_mentor(user)
        and meeting.mentorship.active
        and meeting.mentorship.last_held_meeting_at == meeting.scheduled_at
    ):
        proposal = proposals.current(meeting.mentorship, user)
        if proposal and proposal.after != meeting.scheduled_at:
            proposal = None
    return {
        "status_changes": changes,
        "changes": changes,
        "undo": scheduling.undoable(meeting, changes),
        "proposal": proposal,
    }


# --- Annotations -----------------------------------------------------------------------------


def _annotations_part(
    request: HttpRequest,
    agenda: Agenda,
    section: str,
    question: Question | None,
    *,
    error: str = "",
    message: str = "",
    **extra,
) -> HttpResponse:
    """The comments under a section or a question for htmx; a plain post gets `error` (or
    `message`) and goes back to them."""
    meeting = agenda.meeting

    def context() -> dict:
        notes = Annotation.objects.filter(agenda=agenda).select_related("author")
        if question:
            notes = notes.filter(question=question)
        else:
            notes = notes.filter(section=section, question__isnull=True)
        return {
            "meeting": meeting,
            "notes": notes,
            "section": section,
            "question": question,
            "can_annotate": meeting.is_open and meeting.is_mentor(request.user),
            "error": error,
            **extra,
        }

    return part_or_redirect(
        request,
        BRIEF_TEMPLATE,
        "annotations",
        context,
        url=_brief_url(meeting.pk),
        anchor=f"q{question.pk}" if question else section,
        message=message,
        error=error,
    )


@require_POST
@vary_on_headers("HX-Request")
def annotation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request.user, pk)
    agenda = get_object_or_404(Agenda.objects.visible_to(request.user), meeting=meeting)
    agenda.meeting = meeting
    question = None
    if request.POST.get("question"):
        question_id = parse_id(request.POST["question"])
        if question_id is None:
            return HttpResponse("That is not a question.", status=400, content_type="text/plain")
        question = get_object_or_404(agenda.questions, pk=question_id)
    section = "question" if question else request.POST.get("section", "general")
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        error = form_problem(form, "A comment needs some text.")
        draft = request.POST.get("body", "")
        return _annotations_part(request, agenda, section, question, error=error, draft=draft)
    try:
        note = briefs.add_comment(
            agenda, request.user, form.cleaned_data["body"], section, question
        )
    except scheduling.NotPlanned as refused:
        return _read_only(request, meeting.pk, refused)
    return _annotations_part(request, agenda, note.section, question)


def _own_annotation(request: HttpRequest, pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.filter(
            author=request.user, agenda__in=Agenda.objects.visible_to(request.user)
        ).select_related("agenda__meeting__mentorship", "question"),
        pk=pk,
    )


@require_POST
@vary_on_headers("HX-Request")
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_annotation(request, pk)
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        error = "A comment needs some text: delete it instead if it is no longer needed."
        return _annotations_part(request, note.agenda, note.section, note.question, error=error)
    try:
        briefs.edit_annotation(note, form.cleaned_data["body"])
    except scheduling.NotPlanned as refused:
        return _read_only(request, note.agenda.meeting_id, refused)
    return _annotations_part(request, note.agenda, note.section, note.question)


@require_POST
@vary_on_headers("HX-Request")
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_annotation(request, pk)
    try:
        briefs.delete_annotation(note)
    except scheduling.NotPlanned as refused:
        return _read_only(request, note.agenda.meeting_id, refused)
    return _annotations_part(
        request, note.agenda, note.section, note.question, message="Comment deleted."
    )


# --- Questions: answers in writing and triage ------------------------------------------------


def _question_part(
    request: HttpRequest, question: Question, *, error: str = "", message: str = "", **extra
) -> HttpResponse:
    """One question of the brief, its comments included, for htmx; a plain post gets `error`
    (or `message`) and goes back to it."""
    meeting = question.agenda.meeting

    def context() -> dict:
        question.notes = list(question.annotations.select_related("author"))
        return {
            "meeting": meeting,
            "q": question,
            "can_annotate": meeting.is_open and meeting.is_mentor(request.user),
            "error": error,
            **extra,
        }

    return part_or_redirect(
        request,
        BRIEF_TEMPLATE,
        "question",
        context,
        url=_brief_url(meeting.pk),
        anchor=f"q{question.pk}",
        message=message,
        error=error,
    )


@require_POST
@vary_on_headers("HX-Request")
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _mentor_question(request.user, pk)
    form = AnswerForm({"status": question.status, **request.POST.dict()})
    if not form.is_valid():
        error = "The answer could not be saved: " + form.errors.as_text()
        return _question_part(request, question, error=error, draft=request.POST.get("answer"))
    try:
        briefs.answer_in_writing(
            question, request.user, form.cleaned_data["status"], form.cleaned_data["answer"]
        )
    except scheduling.NotPlanned as refused:
        return _read_only(request, question.agenda.meeting_id, refused)
    return _question_part(request, question, message="Answer saved.")


@require_POST
@vary_on_headers("HX-Request")
def question_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage in the meeting: discussed, resolved, or open again."""
    question = _mentor_question(request.user, pk)
    try:
        briefs.triage(question, request.user, request.POST.get("status", ""))
    except scheduling.NotPlanned as refused:
        return _read_only(request, question.agenda.meeting_id, refused)
    except ValidationError as refused:
        return _question_part(request, question, error=" ".join(refused.messages))
    return _question_part(request, question)


# --- Action items and notes ------------------------------------------------------------------


def _brief_part(request: HttpRequest, meeting: Meeting, part: str, **extra) -> HttpResponse:
    """A part of the brief ("actions", "notes") for htmx; a plain post gets `error` (when given)
    and goes back to it."""
    return part_or_redirect(
        request,
        BRIEF_TEMPLATE,
        part,
        lambda: briefs.brief_context(request.user, meeting) | extra,
        url=_brief_url(meeting.pk),
        anchor=part,
        error=extra.get("error", ""),
    )


@require_POST
@vary_on_headers("HX-Request")
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request.user, pk)
    form = ActionItemForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return _brief_part(request, meeting, "actions", error=errors, action_form=form)
    try:
        briefs.add_action_item(meeting, request.user, form.cleaned_data)
    except scheduling.NotPlanned as refused:
        return _brief_part(request, meeting, "actions", error=str(refused))
    return _brief_part(request, meeting, "actions")


@require_POST
@vary_on_headers("HX-Request")
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Notes and decisions: during the meeting and after it (a held meeting's later changes)."""
    meeting = _mentor_meeting(request.user, pk)
    form = MeetingNoteForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["body"].strip():
        error = form_problem(form, "A note needs some text.")
        return _brief_part(request, meeting, "notes", error=error, note_form=form)
    note = form.save(commit=False)
    note.meeting, note.author = meeting, request.user
    note.save()
    return _brief_part(request, meeting, "notes")


@require_POST
def action_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("mentorship"), pk=pk
    )
    try:
        briefs.set_item_done(item, request.user, request.POST.get("done") == "1")
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    return redirect_to_next(request, "home")


# --- The mentor's private note ---------------------------------------------------------------


@require_POST
@vary_on_headers("HX-Request")
def private_note_save(request: HttpRequest, user_id: int) -> HttpResponse:
    """Only a mentor of this scholar may keep a note, and only they ever see it."""
    if not Mentorship.objects.filter(mentor=request.user, scholar_id=user_id).exists():
        raise Http404("No such scholar.")
    text = request.POST.get("text", "")
    back = request.POST.get("next", "")  # only handed on to the form, never followed here
    try:
        note = briefs.keep_private_note(request.user, user_id, text)
    except ValidationError as refused:
        # The note as it was, the text typed kept in the box, and why it was not saved.
        error = " ".join(refused.messages)
        note = MentorPrivateNote.objects.filter(
            access.private_note(request.user), scholar_id=user_id
        ).first()
        ctx = {"private_note": note, "scholar_id": user_id, "next": back, "draft": text}
        ctx["error"] = error
        return part_or_redirect(
            request,
            "meetings/briefs/_private_note.html",
            "note",
            ctx,
            url=safe_next(request) or reverse("history", kwargs={"user_id": user_id}),
            error=f"Private note not saved: {error}",
        )
    return part_or_redirect(
        request,
        "meetings/briefs/_private_note.html",
        "note",
        {"private_note": note, "scholar_id": user_id, "next": back, "saved": True},
        url=safe_next(request) or reverse("history", kwargs={"user_id": user_id}),
        message="Private note saved.",
    )


# --- The brief as a PDF ----------------------------------------------------------------------


@require_http_methods(["GET"])
def brief_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from meetings import pdf

    meeting = _meeting_for(request.user, pk)
    ctx = briefs.brief_context(
        request.user, meeting, record_read_receipt=meeting.is_mentor(request.user)
    )
    try:
        data = pdf.render_brief_pdf(ctx)
    except pdf.PdfUnavailable as exc:
        messages.error(request, f"The PDF could not be made ({exc}). Use your browser's print.")
        return redirect(_brief_url(meeting.pk))
    name = f"brief-{meeting.mentorship.scholar.username}-{meeting.scheduled_at:%Y-%m-%d}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
