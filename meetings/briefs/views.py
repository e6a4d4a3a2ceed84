"""The mentor's side: the brief, read receipts, inline annotation and question triage, action
items and notes, the mentor's private note, and the brief as a PDF.

Every lookup goes through a queryset scoped to the user (README, "Who sees what") and answers 404 otherwise.
Every write refuses a meeting that is no longer planned: a held meeting's record is read-only;
later changes are notes. Each htmx request gets the same checks as the full page, and every form
also works without JavaScript (a redirect back to the brief).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from accounts.models import Mentorship, User
from config.ids import parse_id
from meetings.briefs import domain as briefs
from meetings.briefs.forms import ActionItemForm, AnnotationForm, AnswerForm, MeetingNoteForm
from meetings.forms import form_problem
from meetings.models import ActionItem, Agenda, Annotation, Meeting, MentorPrivateNote, Question
from meetings.redirects import redirect_to_next
from meetings.scheduling import lifecycle as scheduling
from meetings.scheduling import proposals

BRIEF_TEMPLATE = "meetings/briefs/brief.html"
READ_ONLY_MESSAGE = (
    "This meeting is no longer planned: its record is read-only. Add a note instead."
)


def _back(meeting_id: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("brief", args=[meeting_id]) + (f"#{anchor}" if anchor else ""))


def _read_only(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Refuse a write on a meeting that is no longer planned; htmx reloads the (read-only) page."""
    messages.error(request, READ_ONLY_MESSAGE)
    if request.htmx:
        response = HttpResponseClientRefresh()
        response.status_code = 409  # a refusal, even though the page reloads
        return response
    return _back(meeting_id)


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
        Question.objects.filter(agenda__in=Agenda.objects.visible_to(user))
        .exclude(status=Question.Status.DROPPED)
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
    if meeting.is_held and meeting.is_mentor(user) and meeting.mentorship.active:
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


def _annotations_response(
    request: HttpRequest, agenda: Agenda, section: str, question: Question | None, **extra
) -> HttpResponse:
    meeting = agenda.meeting
    if not request.htmx:
        if extra.get("error"):
            messages.error(request, extra["error"])
        return _back(meeting.pk, f"q{question.pk}" if question else section)
    notes = Annotation.objects.filter(agenda=agenda).select_related("author")
    if question:
        notes = notes.filter(question=question)
    else:
        notes = notes.filter(section=section, question__isnull=True)
    ctx = {
        "meeting": meeting,
        "notes": notes,
        "section": section,
        "question": question,
        "can_annotate": meeting.is_open and meeting.is_mentor(request.user),
        **extra,
    }
    return render(request, f"{BRIEF_TEMPLATE}#annotations", ctx)


@require_POST
@vary_on_headers("HX-Request")
def annotation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request.user, pk)
    agenda = get_object_or_404(Agenda.objects.visible_to(request.user), meeting=meeting)
    agenda.meeting = meeting
    if not meeting.is_open:
        return _read_only(request, meeting.pk)
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
        return _annotations_response(request, agenda, section, question, error=error, draft=draft)
    note = briefs.annotate(agenda, request.user, form.cleaned_data["body"], section, question)
    return _annotations_response(request, agenda, note.section, question)


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
    if not note.agenda.meeting.is_open:
        return _read_only(request, note.agenda.meeting_id)
    form = AnnotationForm(request.POST)
    extra = {}
    if form.is_valid():
        briefs.edit_annotation(note, form.cleaned_data["body"])
    else:
        extra["error"] = "A comment needs some text: delete it instead if it is no longer needed."
    return _annotations_response(request, note.agenda, note.section, note.question, **extra)


@require_POST
@vary_on_headers("HX-Request")
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_annotation(request, pk)
    if not note.agenda.meeting.is_open:
        return _read_only(request, note.agenda.meeting_id)
    note.delete()
    if not request.htmx:
        messages.success(request, "Comment deleted.")
    return _annotations_response(request, note.agenda, note.section, note.question)


# --- Questions: answers in writing and triage ------------------------------------------------


def _question_response(request: HttpRequest, question: Question, **extra) -> HttpResponse:
    meeting = question.agenda.meeting
    if not request.htmx:
        if extra.get("error"):
            messages.error(request, extra["error"])
        return _back(meeting.pk, f"q{question.pk}")
    question.notes = list(question.annotations.select_related("author"))
    ctx = {
        "meeting": meeting,
        "q": question,
        "can_annotate": meeting.is_open and meeting.is_mentor(request.user),
        **extra,
    }
    return render(request, f"{BRIEF_TEMPLATE}#question", ctx)


@require_POST
@vary_on_headers("HX-Request")
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _mentor_question(request.user, pk)
    if not question.agenda.meeting.is_open:
        return _read_only(request, question.agenda.meeting_id)
    form = AnswerForm({"status": question.status, **request.POST.dict()})
    if not form.is_valid():
        error = "The answer could not be saved: " + form.errors.as_text()
        return _question_response(request, question, error=error, draft=request.POST.get("answer"))
    briefs.answer(
        question, request.user, form.cleaned_data["status"], text=form.cleaned_data["answer"]
    )
    if not request.htmx:
        messages.success(request, "Answer saved.")
    return _question_response(request, question)


@require_POST
@vary_on_headers("HX-Request")
def question_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage in the meeting: discussed, resolved, or open again."""
    question = _mentor_question(request.user, pk)
    if not question.agenda.meeting.is_open:
        return _read_only(request, question.agenda.meeting_id)
    try:
        briefs.triage(question, request.user, request.POST.get("status", ""))
    except ValidationError as refused:
        return _question_response(request, question, error=" ".join(refused.messages))
    return _question_response(request, question)


# --- Action items and notes ------------------------------------------------------------------


def _brief_part(request: HttpRequest, meeting: Meeting, part: str, **extra) -> HttpResponse:
    if request.htmx:
        ctx = briefs.brief_context(request.user, meeting) | extra
        return render(request, f"{BRIEF_TEMPLATE}#{part}", ctx)
    if extra.get("error"):
        messages.error(request, extra["error"])
    return _back(meeting.pk, part)


@require_POST
@vary_on_headers("HX-Request")
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request.user, pk)
    if not meeting.is_open:
        return _brief_part(request, meeting, "actions", error=READ_ONLY_MESSAGE)
    form = ActionItemForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return _brief_part(request, meeting, "actions", error=errors, action_form=form)
    item = form.save(commit=False)
    item.mentorship, item.meeting, item.created_by = meeting.mentorship, meeting, request.user
    item.save()
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
    if not item.can_update(request.user):
        messages.error(request, "Only your mentor can update this item.")
    else:
        item.set_done(request.POST.get("done") == "1")
    return redirect_to_next(request, "home")


# --- The mentor's private note ---------------------------------------------------------------


@require_POST
@vary_on_headers("HX-Request")
def private_note_save(request: HttpRequest, user_id: int) -> HttpResponse:
    """Only a mentor of this scholar may keep a note, and only they ever see it."""
    if not Mentorship.objects.filter(mentor=request.user, scholar_id=user_id).exists():
        raise Http404("No such scholar.")
    text = request.POST.get("text", "").strip()[:4000]
    note, _ = MentorPrivateNote.objects.update_or_create(
        mentor=request.user,
        scholar_id=user_id,
        defaults={"text": text, "updated_at": timezone.now()},
    )
    if request.htmx:
        back = request.POST.get("next", "")  # only handed on to the form, never followed here
        ctx = {"private_note": note, "scholar_id": user_id, "next": back, "saved": True}
        return render(request, "meetings/briefs/_private_note.html#note", ctx)
    messages.success(request, "Private note saved.")
    return redirect_to_next(request, "history", user_id=user_id)


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
        return _back(meeting.pk)
    name = f"brief-{meeting.mentorship.scholar.username}-{meeting.scheduled_at:%Y-%m-%d}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
