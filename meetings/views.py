from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import Mentorship, Program, User

from . import services
from .cadence import HELP_TEXT, cadence_rows
from .forms import (
    ActionItemForm,
    AgendaForm,
    AnnotationForm,
    AnswerForm,
    MeetingNoteForm,
    QuestionForm,
    ScheduleMeetingForm,
    submission_errors,
)
from .models import ActionItem, Agenda, Annotation, Meeting, MeetingNote, Question


def _form_problem(form, fallback: str) -> str:
    """The form's own messages (e.g. "at most 4000 characters"), or the fallback."""
    problems = [
        " ".join(e.messages)
        for errors in form.errors.as_data().values()
        for e in errors
        if e.code != "required"
    ]
    return " ".join(problems) if problems else fallback


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Home -------------------------------------------------------------------------------------


def _brief_status(agenda: Agenda | None) -> str:
    if agenda is None:
        return "not started"
    if agenda.status == Agenda.Status.DRAFT:
        return "draft"
    return "updated" if agenda.is_updated else "submitted"


def _next_meetings(mentorships: list[Mentorship]) -> dict[int, Meeting]:
    """The next planned meeting of each mentorship, with its agenda, in one query."""
    since = timezone.now() - timedelta(hours=12)
    upcoming = (
        Meeting.objects.filter(
            mentorship__in=mentorships, status=Meeting.Status.PLANNED, scheduled_at__gte=since
        )
        .select_related("agenda")
        .order_by("scheduled_at")
    )
    nearest: dict[int, Meeting] = {}
    for meeting in upcoming:
        nearest.setdefault(meeting.mentorship_id, meeting)
    return nearest


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    now = timezone.now()
    mentorships = list(
        Mentorship.objects.of_user(user)
        .active()
        .select_related("scholar", "mentor", "program")
        .annotate(
            open_items=Count("action_items", filter=Q(action_items__done=False), distinct=True),
            last_held_at=Max("meetings__scheduled_at", filter=Q(meetings__status="held")),
        )
    )
    nearest = _next_meetings(mentorships)
    rows = []
    for m in mentorships:
        meeting = nearest.get(m.pk)
        agenda = getattr(meeting, "agenda", None) if meeting else None
        rows.append(
            {
                "mentorship": m,
                "next": meeting,
                "status": _brief_status(agenda) if meeting else "no meeting planned",
                "days_since": (now - m.last_held_at).days if m.last_held_at else None,
            }
        )
    as_scholar = [r for r in rows if r["mentorship"].scholar_id == user.pk]
    as_mentor = sorted(
        (r for r in rows if r["mentorship"].mentor_id == user.pk),
        key=lambda r: r["next"].scheduled_at if r["next"] else now + timedelta(days=3650),
    )
    my_items = (
        ActionItem.objects.filter(mentorship__scholar=user, done=False)
        .select_related("mentorship__mentor")
        .order_by("due_on", "created_at")[:20]
    )
    programs = Program.objects.staffed_by(user)
    return render(
        request,
        "meetings/home.html",
        {
            "as_scholar": as_scholar,
            "as_mentor": as_mentor,
            "my_items": my_items,
            "programs": programs,
        },
    )


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
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if meeting.status != Meeting.Status.PLANNED:
        messages.error(request, "Only a planned meeting can be cancelled.")
    else:
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        messages.success(request, "Meeting cancelled.")
    return redirect("home")


# --- The scholar's agenda --------------------------------------------------------------------


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


def _carried_items(meeting: Meeting):
    return (
        ActionItem.objects.filter(mentorship_id=meeting.mentorship_id)
        .filter(Q(done=False) | Q(done_at__gte=timezone.now() - timedelta(days=14)))
        .exclude(meeting=meeting)
        .order_by("done", "due_on", "pk")
    )


def _agenda_context(agenda: Agenda, form: AgendaForm, **extra) -> dict:
    meeting = agenda.meeting
    return {
        "meeting": meeting,
        "agenda": agenda,
        "form": form,
        "questions": agenda.questions.exclude(status=Question.Status.DROPPED),
        "question_form": QuestionForm(),
        "carried_items": _carried_items(meeting),
        **extra,
    }


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
            request,
            "meetings/agenda_edit.html",
            _agenda_context(agenda, AgendaForm(instance=agenda)),
        )

    form = AgendaForm(request.POST, instance=Agenda.objects.get(pk=agenda.pk))
    submitting = request.POST.get("action") == "submit"
    if not form.is_valid():
        return render(request, "meetings/agenda_edit.html", _agenda_context(agenda, form))
    data = form.field_data()
    if agenda.is_submitted:
        # A submitted agenda stays submittable: check the rules before changing what the mentor sees.
        errors = submission_errors(agenda, data)
        if errors:
            return _render_with_errors(request, agenda, errors)
    if not agenda.save_fields(data, form.cleaned_data["version"]):
        agenda.refresh_from_db()
        messages.error(
            request,
            "This agenda was changed elsewhere (another tab or device) after you opened it. "
            "Nothing was overwritten: your text is below, next to the saved version.",
        )
        ctx = _agenda_context(agenda, form, newer=agenda)
        return render(request, "meetings/agenda_edit.html", ctx, status=409)
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


def _render_with_errors(
    request: HttpRequest, agenda: Agenda, errors: dict[str, str]
) -> HttpResponse:
    data = request.POST.copy()
    data["version"] = str(agenda.version)
    form = AgendaForm(data, instance=agenda)
    form.is_valid()
    question_error = errors.pop("questions", None)
    for field, message in errors.items():
        form.add_error(field, message)
    ctx = _agenda_context(agenda, form, question_error=question_error)
    return render(request, "meetings/agenda_edit.html", ctx)


def _questions_response(request: HttpRequest, agenda: Agenda, form: QuestionForm | None = None):
    if _htmx(request):
        ctx = {
            "agenda": agenda,
            "meeting": agenda.meeting,
            "questions": agenda.questions.exclude(status=Question.Status.DROPPED),
            "question_form": form or QuestionForm(),
        }
        return render(request, "meetings/agenda_edit.html#questions", ctx)
    if form is not None and form.errors:
        for error in form.errors.get("text", []):
            messages.error(request, error)
    return redirect(reverse("agenda", args=[agenda.meeting_id]) + "#questions")


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    agenda = _editable_agenda(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        question = form.save(commit=False)
        question.agenda = agenda
        question.rank = Question.next_rank(agenda)
        question.save()
        services.touch_agenda(agenda)
        form = None
    return _questions_response(request, agenda, form)


def _editable_question(request: HttpRequest, pk: int) -> Question:
    return get_object_or_404(
        Question.objects.filter(agenda__in=Agenda.objects.editable_by(request.user)).select_related(
            "agenda__meeting"
        ),
        pk=pk,
    )


@login_required
@require_POST
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    form = QuestionForm(request.POST, instance=question)
    if form.is_valid():
        form.save()
        services.touch_agenda(question.agenda)
        form = None
    return _questions_response(request, question.agenda, form)


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    agenda = question.agenda
    question.delete()
    services.touch_agenda(agenda)
    return _questions_response(request, agenda)


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = _editable_question(request, pk)
    question.move(-1 if request.POST.get("direction") == "up" else 1)
    services.touch_agenda(question.agenda)
    return _questions_response(request, question.agenda)


# --- The brief -------------------------------------------------------------------------------


def _with_permissions(items, user: User) -> list[ActionItem]:
    items = list(items)
    for item in items:
        item.can_toggle = item.can_update(user)
    return items


def _brief_context(request: HttpRequest, meeting: Meeting) -> dict:
    user = request.user
    agenda = (
        Agenda.objects.visible_to(user)
        .filter(meeting=meeting)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.exclude(status=Question.Status.DROPPED).prefetch_related(
                    Prefetch("annotations", queryset=Annotation.objects.select_related("author"))
                ),
            ),
            Prefetch(
                "annotations",
                queryset=Annotation.objects.filter(question__isnull=True).select_related("author"),
                to_attr="section_annotations",
            ),
        )
        .first()
    )
    by_section: dict[str, list[Annotation]] = defaultdict(list)
    if agenda is not None:
        for note in agenda.section_annotations:
            by_section[note.section].append(note)
    is_mentor = meeting.is_mentor(user)
    show_wellbeing = agenda is not None and (
        meeting.is_scholar(user) or (is_mentor and agenda.wellbeing_visible_to_mentor())
    )
    sections = []
    if agenda is not None:
        for name, heading, _hint in Agenda.SECTIONS:
            if name == "bottleneck":
                continue
            sections.append(
                {
                    "name": name,
                    "heading": heading,
                    "text": getattr(agenda, name),
                    "annotations": by_section.get(name, []),
                }
            )
    return {
        "meeting": meeting,
        "agenda": agenda,
        "is_mentor": is_mentor,
        "can_annotate": is_mentor and agenda is not None and meeting.is_open,
        "show_wellbeing": show_wellbeing,
        "bottleneck_annotations": by_section.get("bottleneck", []),
        "general_annotations": by_section.get("general", []),
        "sections": sections,
        "action_items": _with_permissions(
            ActionItem.objects.filter(mentorship_id=meeting.mentorship_id)
            .filter(Q(done=False) | Q(meeting=meeting))
            .select_related("mentorship__scholar", "mentorship__mentor"),
            user,
        ),
        "notes": MeetingNote.objects.filter(meeting=meeting).select_related("author"),
        "annotation_form": AnnotationForm(),
        "action_form": ActionItemForm(),
        "note_form": MeetingNoteForm(),
        "user_is_scholar": meeting.is_scholar(user),
    }


@login_required
@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def brief(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "mentorship__scholar", "mentorship__mentor", "mentorship__program"
        ),
        pk=pk,
    )
    ctx = _brief_context(request, meeting)
    template = "meetings/brief.html"
    part = request.GET.get("part")
    if _htmx(request) and part in {"actions", "notes"}:
        template += f"#{part}"
    return render(request, template, ctx)


def _mentor_meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(mentorship__mentor=request.user).select_related(
            "mentorship__scholar", "mentorship__mentor"
        ),
        pk=pk,
    )


def _brief_part(request: HttpRequest, meeting: Meeting, part: str) -> HttpResponse:
    if _htmx(request):
        return render(request, f"meetings/brief.html#{part}", _brief_context(request, meeting))
    return redirect(reverse("brief", args=[meeting.pk]) + f"#{part}")


@login_required
@require_POST
def annotation_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request, pk)
    agenda = get_object_or_404(Agenda.objects.visible_to(request.user), meeting=meeting)
    if not meeting.is_open:
        messages.error(request, "This meeting was held: add a note instead of a comment.")
        return redirect("brief", pk=meeting.pk)
    form = AnnotationForm(request.POST)
    question = None
    if request.POST.get("question"):
        question = get_object_or_404(agenda.questions, pk=request.POST["question"])
    section = "question" if question else request.POST.get("section", "general")
    if section not in dict(Annotation.SECTION_CHOICES):
        section = "general"
    if form.is_valid():
        note = form.save(commit=False)
        note.agenda, note.author, note.section, note.question = (
            agenda,
            request.user,
            section,
            question,
        )
        note.save()
    else:
        messages.error(request, _form_problem(form, "A comment needs some text."))
    return redirect(reverse("brief", args=[meeting.pk]) + f"#{section}")


@login_required
@require_POST
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(
        Annotation.objects.filter(author=request.user, agenda__meeting__status="planned"),
        pk=pk,
    )
    meeting_id = note.agenda.meeting_id
    note.delete()
    messages.success(request, "Comment deleted.")
    return redirect("brief", pk=meeting_id)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.filter(
            agenda__in=Agenda.objects.visible_to(request.user).filter(
                meeting__mentorship__mentor=request.user
            )
        ).select_related("agenda__meeting"),
        pk=pk,
    )
    meeting = question.agenda.meeting
    if meeting.is_held:
        messages.error(request, "This meeting was held: its questions are read-only.")
        return redirect("brief", pk=meeting.pk)
    form = AnswerForm(request.POST, instance=question)
    if form.is_valid():
        services.answer_question(
            question, form.cleaned_data["answer"], form.cleaned_data["status"], request.user
        )
        messages.success(request, "Answer saved.")
    else:
        messages.error(request, "The answer could not be saved: " + form.errors.as_text())
    return redirect(reverse("brief", args=[meeting.pk]) + f"#q{question.pk}")


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request, pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.mentorship, item.meeting, item.created_by = meeting.mentorship, meeting, request.user
        item.save()
    else:
        messages.error(request, _form_problem(form, "An action item needs some text."))
    return _brief_part(request, meeting, "actions")


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


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _mentor_meeting(request, pk)
    form = MeetingNoteForm(request.POST)
    if form.is_valid():
        note = form.save(commit=False)
        note.meeting, note.author = meeting, request.user
        note.save()
    else:
        messages.error(request, _form_problem(form, "A note needs some text."))
    return _brief_part(request, meeting, "notes")


# --- History ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def history(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    mentorships = Mentorship.objects.filter(scholar_id=user_id).filter(
        Q(scholar=user) | Q(mentor=user)
    )
    if not mentorships.exists():
        raise Http404("No such scholar.")
    scholar = get_object_or_404(User, pk=user_id)
    # Everyone allowed here sees the dates and statuses of all the scholar's meetings; the
    # content only of the meetings in their own mentorship (see PRIVACY.md).
    all_meetings = list(
        Meeting.objects.filter(mentorship__scholar_id=user_id)
        .select_related("mentorship__mentor")
        .order_by("-scheduled_at")
    )
    own_ids = [m.pk for m in all_meetings if m.is_scholar(user) or m.is_mentor(user)]
    agendas = {
        a.meeting_id: a
        for a in Agenda.objects.visible_to(user)
        .filter(meeting_id__in=own_ids)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.exclude(status=Question.Status.DROPPED).prefetch_related(
                    Prefetch("annotations", queryset=Annotation.objects.select_related("author"))
                ),
            ),
            Prefetch(
                "annotations",
                queryset=Annotation.objects.filter(question__isnull=True).select_related("author"),
                to_attr="section_annotations",
            ),
        )
    }
    items: dict[int, list[ActionItem]] = defaultdict(list)
    for item in ActionItem.objects.filter(meeting_id__in=own_ids):
        items[item.meeting_id].append(item)
    notes: dict[int, list[MeetingNote]] = defaultdict(list)
    for note in MeetingNote.objects.filter(meeting_id__in=own_ids).select_related("author"):
        notes[note.meeting_id].append(note)
    own = set(own_ids)
    entries = [
        {
            "meeting": m,
            "full": m.pk in own,
            "agenda": agendas.get(m.pk),
            "items": items.get(m.pk, []),
            "notes": notes.get(m.pk, []),
            "wellbeing": (
                agendas[m.pk]
                if m.pk in agendas
                and (user.pk == scholar.pk or agendas[m.pk].wellbeing_visible_to_mentor())
                else None
            ),
        }
        for m in all_meetings
    ]
    reading = [e for e in entries if e["agenda"] and e["agenda"].reading.strip()]
    return render(
        request,
        "meetings/history.html",
        {
            "scholar": scholar,
            "entries": entries,
            "reading": reading,
            "open_items": ActionItem.objects.visible_to(user)
            .filter(mentorship__scholar_id=user_id, done=False)
            .select_related("mentorship__mentor", "mentorship__scholar"),
        },
    )


# --- Staff cadence ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def cadence(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    rows = cadence_rows(program.mentorships.active())
    if request.GET.get("flag") == "overdue":
        rows = [r for r in rows if r.overdue]
    rows.sort(key=lambda r: (not r.overdue, -(r.days_since_last or 10_000)))
    return render(
        request,
        "meetings/cadence.html",
        {
            "program": program,
            "rows": rows,
            "help_text": HELP_TEXT,
            "overdue_count": sum(r.overdue for r in rows),
        },
    )
