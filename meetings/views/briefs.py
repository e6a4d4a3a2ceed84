"""The mentor's side (issue 4): the brief, read receipts, inline annotation and question triage,
action items and notes, the mentor's private note, and the brief as a PDF.

Every lookup goes through a queryset scoped to the user (PRIVACY.md) and answers 404 otherwise.
Every write refuses a meeting that is no longer planned: a held meeting's record is read-only;
later changes are notes. Each htmx request gets the same checks as the full page, and every form
also works without JavaScript (a redirect back to the brief).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Mentorship, User

from .. import services
from ..forms import ActionItemForm, AnnotationForm, AnswerForm, MeetingNoteForm, form_problem
from ..models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingNote,
    MentorPrivateNote,
    Question,
)
from ..prefetch import attach_annotations, private_note_columns, private_note_from

# The brief's reading order: what blocks the scholar and what they ask first, then the rest.
BRIEF_ORDER = ["progress", "tried", "reading", "asks"]
HEADINGS = {name: heading for name, heading, _ in Agenda.SECTIONS}
TRIAGE_STATES = [Question.Status.DISCUSSED, Question.Status.RESOLVED, Question.Status.OPEN]
READ_ONLY_MESSAGE = (
    "This meeting is no longer planned: its record is read-only. Add a note instead."
)


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _back(meeting_id: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("brief", args=[meeting_id]) + (f"#{anchor}" if anchor else ""))


def _read_only(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Refuse a write on a meeting that is no longer planned; htmx reloads the (read-only) page."""
    messages.error(request, READ_ONLY_MESSAGE)
    if _htmx(request):
        return HttpResponse(status=409, headers={"HX-Refresh": "true"})
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
    return get_object_or_404(
        Meeting.objects.filter(mentorship__mentor=user).select_related(
            "mentorship__scholar", "mentorship__mentor"
        ),
        pk=pk,
    )


def _mentor_question(user: User, pk: int) -> Question:
    """A question of a submitted agenda in one of the user's mentorships (as mentor)."""
    return get_object_or_404(
        Question.objects.filter(
            agenda__in=Agenda.objects.visible_to(user).filter(meeting__mentorship__mentor=user)
        ).select_related("agenda__meeting__mentorship"),
        pk=pk,
    )


def _questions_queryset():
    return Question.objects.exclude(status=Question.Status.DROPPED).prefetch_related(
        Prefetch("annotations", queryset=Annotation.objects.select_related("author"))
    )


# --- The brief -------------------------------------------------------------------------------


def _with_permissions(items, user: User, mentorship: Mentorship | None = None) -> list[ActionItem]:
    """The items with `can_toggle`; given the items' (one) mentorship, already loaded with its
    scholar and mentor, it is set on each instead of being joined in again (issue 5)."""
    items = list(items)
    for item in items:
        if mentorship is not None and item.mentorship_id == mentorship.pk:
            item.mentorship = mentorship
        item.can_toggle = item.can_update(user)
    return items


READ_FIELDS = ("id", "first_read_at", "last_read_at", "version", "digests")


def _mentor_read(agenda: Agenda, mentor_id: int) -> BriefRead | None:
    """The mentor's read receipt from the columns brief_context joined into the agenda."""
    values = {name: getattr(agenda, f"mentor_read_{name}") for name in READ_FIELDS}
    if values["id"] is None:
        return None
    return BriefRead(agenda=agenda, reader_id=mentor_id, **values)


def brief_context(
    user: User,
    meeting: Meeting,
    changed: set[str] | None = None,
    *,
    record_read: bool = False,
) -> dict:
    """Everything the brief shows to this user (the scholar or their mentor).

    With record_read, the mentor opening the brief leaves a read receipt (BriefRead.record) and
    `changed` says what changed since their last read; the receipt shown is the one just written.
    """
    mentor_id = meeting.mentorship.mentor_id
    scholar_id = meeting.mentorship.scholar_id
    is_mentor = meeting.is_mentor(user)
    agendas = (
        Agenda.objects.visible_to(user)
        .filter(meeting=meeting)
        # The mentor's read receipt (one per agenda and reader) joined in, not a query of its own.
        .annotate(
            mentor_read=FilteredRelation("reads", condition=Q(reads__reader_id=mentor_id)),
            **{f"mentor_read_{name}": F(f"mentor_read__{name}") for name in READ_FIELDS},
        )
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.exclude(status=Question.Status.DROPPED))
        )
    )
    if is_mentor:  # issue 5: the mentor's own private note rides along (scoped to this mentor)
        agendas = agendas.annotate(
            **private_note_columns(
                "meeting__mentorship__mentor__private_notes_written", user.pk, scholar_id
            )
        )
    agenda = agendas.first()
    if agenda is not None:
        agenda.meeting = meeting  # loaded with its pair: the check-in rule reads it
    changed = changed or set()
    is_scholar = meeting.is_scholar(user)
    read = None
    if agenda is not None and agenda.is_submitted:
        read = _mentor_read(agenda, mentor_id)
        if record_read and is_mentor:
            now = timezone.now()
            previous = read
            changed = BriefRead.record(agenda, user, previous, now=now)
            read = BriefRead(
                agenda=agenda,
                reader=user,
                first_read_at=previous.first_read_at if previous else now,
                last_read_at=now,
            )
    by_section: dict[str, list[Annotation]] = defaultdict(list)
    questions: list[Question] = []
    if agenda is not None:
        attach_annotations([agenda])
        questions = list(agenda.questions.all())
        for note in agenda.section_annotations:
            by_section[note.section].append(note)
    can_annotate = is_mentor and agenda is not None and meeting.is_open
    for q in questions:
        q.changed = f"q{q.pk}" in changed
    sections = [
        {
            "name": name,
            "heading": HEADINGS[name],
            "text": getattr(agenda, name),
            "annotations": by_section.get(name, []),
            "changed": name in changed,
        }
        for name in BRIEF_ORDER
        if agenda is not None
    ]
    private_note = None
    if is_mentor and agenda is not None:
        private_note = private_note_from(agenda, user.pk, scholar_id)
    elif is_mentor:  # no agenda the mentor may see yet: the note on its own
        private_note = MentorPrivateNote.objects.filter(mentor=user, scholar_id=scholar_id).first()
    return {
        "meeting": meeting,
        "agenda": agenda,
        "questions": questions,
        "is_mentor": is_mentor,
        "user_is_scholar": is_scholar,
        "can_annotate": can_annotate,
        "show_wellbeing": agenda is not None
        and agenda.wellbeing_visible_to(user),
        "bottleneck_annotations": by_section.get("bottleneck", []),
        "bottleneck_changed": "bottleneck" in changed,
        "general_annotations": by_section.get("general", []),
        "sections": sections,
        "changed": changed,
        "changed_labels": _changed_labels(changed, questions),
        "read": read,
        "private_note": private_note,
        "action_items": _with_permissions(
            ActionItem.objects.filter(mentorship_id=meeting.mentorship_id)
            .filter(Q(done=False) | Q(meeting=meeting))
            .select_related("meeting"),
            user,
            mentorship=meeting.mentorship,
        ),
        "notes": MeetingNote.objects.filter(meeting=meeting).select_related("author"),
        "action_form": ActionItemForm(),
        "note_form": MeetingNoteForm(),
        "triage_states": TRIAGE_STATES,
    }


def _changed_labels(changed: set[str], questions: list[Question]) -> list[str]:
    labels = [HEADINGS[name] for name in Agenda.SECTION_NAMES if name in changed]
    changed_questions = sum(1 for q in questions if q.changed)
    if changed_questions:
        labels.append(f"{changed_questions} question{'s' if changed_questions > 1 else ''}")
    elif "questions" in changed:
        labels.append("the question list (removed or reordered)")
    return labels


@login_required
@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def brief(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for(user, pk)
    part = request.GET.get("part")
    if request.htmx and part in {"actions", "notes"}:
        return render(request, f"meetings/brief.html#{part}", brief_context(user, meeting))
    ctx = brief_context(user, meeting, record_read=meeting.is_mentor(user))
    return render(request, "meetings/brief.html", ctx)


# --- Annotations -----------------------------------------------------------------------------


def _annotations_response(
    request: HttpRequest,
    meeting: Meeting,
    agenda: Agenda,
    section: str,
    question: Question | None,
    **extra,
) -> HttpResponse:
    if not _htmx(request):
        if extra.get("error"):
            messages.error(request, extra["error"])
        return _back(meeting.pk, f"q{question.pk}" if question else section)
    notes = Annotation.objects.filter(agenda=agenda).select_related("author")
    notes = (
        notes.filter(question=question)
        if question
        else notes.filter(section=section, question__isnull=True)
    )
    ctx = {
        "meeting": meeting,
        "notes": notes,
        "section": section,
        "question": question,
        "can_annotate": meeting.is_open and meeting.is_mentor(request.user),
        **extra,
    }
    return render(request, "meetings/_annotations.html", ctx)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def annotation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request.user, pk)
    agenda = get_object_or_404(Agenda.objects.visible_to(request.user), meeting=meeting)
    if not meeting.is_open:
        return _read_only(request, meeting.pk)
    question = None
    if request.POST.get("question"):
        if not request.POST["question"].isdigit():
            raise Http404("No such question.")
        question = get_object_or_404(agenda.questions, pk=request.POST["question"])
    section = "question" if question else request.POST.get("section", "general")
    if section not in dict(Annotation.SECTION_CHOICES):
        section = "general"
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return _annotations_response(
            request,
            meeting,
            agenda,
            section,
            question,
            error=form_problem(form, "A comment needs some text."),
            draft=request.POST.get("body", ""),
        )
    note = form.save(commit=False)
    note.agenda, note.author, note.section, note.question = agenda, request.user, section, question
    note.save()
    return _annotations_response(request, meeting, agenda, section, question)


def _own_annotation(request: HttpRequest, pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.filter(
            author=request.user,
            agenda__in=Agenda.objects.visible_to(request.user),
        ).select_related("agenda__meeting__mentorship", "question"),
        pk=pk,
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_annotation(request, pk)
    meeting = note.agenda.meeting
    if not meeting.is_open:
        return _read_only(request, meeting.pk)
    form = AnnotationForm(request.POST, instance=note)
    extra = {}
    if form.is_valid():
        note = form.save(commit=False)
        note.updated_at = timezone.now()
        note.save(update_fields=["body", "updated_at"])
    else:
        note.refresh_from_db()
        extra = {"error": "A comment needs some text: delete it instead if it is no longer needed."}
    return _annotations_response(
        request, meeting, note.agenda, note.section, note.question, **extra
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_annotation(request, pk)
    meeting = note.agenda.meeting
    if not meeting.is_open:
        return _read_only(request, meeting.pk)
    agenda, section, question = note.agenda, note.section, note.question
    note.delete()
    if not _htmx(request):
        messages.success(request, "Comment deleted.")
    return _annotations_response(request, meeting, agenda, section, question)


# --- Questions: answers in writing and triage ------------------------------------------------


def _question_response(request: HttpRequest, question: Question, **extra) -> HttpResponse:
    meeting = question.agenda.meeting
    if not _htmx(request):
        if extra.get("error"):
            messages.error(request, extra["error"])
        return _back(meeting.pk, f"q{question.pk}")
    question = _questions_queryset().get(pk=question.pk)
    ctx = {
        "meeting": meeting,
        "q": question,
        "can_annotate": meeting.is_open and meeting.is_mentor(request.user),
        "triage_states": TRIAGE_STATES,
        **extra,
    }
    return render(request, "meetings/_brief_question.html", ctx)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = _mentor_question(request.user, pk)
    if not question.agenda.meeting.is_open:
        return _read_only(request, question.agenda.meeting_id)
    data = request.POST.copy()
    data.setdefault("status", question.status)
    form = AnswerForm(data, instance=Question.objects.get(pk=question.pk))
    if not form.is_valid():
        return _question_response(
            request,
            question,
            error="The answer could not be saved: " + form.errors.as_text(),
            draft=request.POST.get("answer", ""),
        )
    services.answer_question(
        question, form.cleaned_data["answer"], form.cleaned_data["status"], request.user
    )
    if not _htmx(request):
        messages.success(request, "Answer saved.")
    return _question_response(request, question)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def question_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Triage in the meeting: discussed, resolved, or open again."""
    question = _mentor_question(request.user, pk)
    if not question.agenda.meeting.is_open:
        return _read_only(request, question.agenda.meeting_id)
    status = request.POST.get("status", "")
    if status not in {s.value for s in Question.Status} or status == Question.Status.DROPPED:
        return _question_response(request, question, error="Pick discussed, resolved or open.")
    if status == Question.Status.OPEN and question.answer:
        status = Question.Status.ANSWERED
    question.status = status
    question.save(update_fields=["status"])
    return _question_response(request, question)


# --- Action items and notes ------------------------------------------------------------------


def _brief_part(request: HttpRequest, meeting: Meeting, part: str, **extra) -> HttpResponse:
    if _htmx(request):
        ctx = brief_context(request.user, meeting) | extra
        return render(request, f"meetings/brief.html#{part}", ctx)
    if extra.get("error"):
        messages.error(request, extra["error"])
    return _back(meeting.pk, part)


@login_required
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


@login_required
@require_POST
@vary_on_headers("HX-Request")
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Notes and decisions: during the meeting and after it (a held meeting's later changes)."""
    meeting = _mentor_meeting(request.user, pk)
    form = MeetingNoteForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["body"].strip():
        return _brief_part(
            request,
            meeting,
            "notes",
            error=form_problem(form, "A note needs some text."),
            note_form=form,
        )
    note = form.save(commit=False)
    note.meeting, note.author = meeting, request.user
    note.save()
    return _brief_part(request, meeting, "notes")


# --- The mentor's private note ---------------------------------------------------------------


@login_required
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
    back = request.POST.get("next", "")
    if _htmx(request):
        return render(
            request,
            "meetings/_private_note.html",
            {"private_note": note, "scholar_id": user_id, "next": back, "saved": True},
        )
    messages.success(request, "Private note saved.")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("history", user_id=user_id)


# --- The brief as a PDF ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def brief_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .. import pdf

    meeting = _meeting_for(request.user, pk)
    ctx = brief_context(request.user, meeting, record_read=meeting.is_mentor(request.user))
    try:
        data = pdf.render_brief_pdf(ctx)
    except pdf.PdfUnavailable as exc:
        messages.error(request, f"The PDF could not be made ({exc}). Use your browser's print.")
        return _back(meeting.pk)
    name = f"brief-{meeting.mentorship.scholar.username}-{meeting.scheduled_at:%Y-%m-%d}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
