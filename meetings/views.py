from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User

from . import services
from .forms import (
    AgendaForm,
    QuestionForm,
    ScheduleMeetingForm,
    submission_errors,
)
from .models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingNote,
    MentorPrivateNote,
    Question,
)


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Home -------------------------------------------------------------------------------------


def _brief_status(agenda: Agenda | None, read: BriefRead | None = None) -> str:
    """not started, draft, submitted, updated (since submitted or since last read), or read."""
    if agenda is None:
        return "not started"
    if agenda.status == Agenda.Status.DRAFT:
        return "draft"
    if read is not None:
        return "read" if read.is_current(agenda) else "updated"
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
            # issue 5: correlated subqueries (index lookups) instead of joining every meeting
            # and action item of every mentorship and de-duplicating the product.
            open_items=Coalesce(
                Subquery(
                    ActionItem.objects.filter(mentorship=OuterRef("pk"), done=False)
                    .order_by()
                    .values("mentorship")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            last_held_at=Subquery(
                Meeting.objects.filter(mentorship=OuterRef("pk"), status=Meeting.Status.HELD)
                .order_by("-scheduled_at")
                .values("scheduled_at")[:1]
            ),
        )
    )
    nearest = _next_meetings(mentorships)
    # Issue 4: the mentor's read receipts of those agendas, in one query.
    reads = {
        (r.agenda_id, r.reader_id): r
        for r in BriefRead.objects.filter(
            agenda__meeting__in=list(nearest.values()), agenda__status=Agenda.Status.SUBMITTED
        )
    }
    rows = []
    for m in mentorships:
        meeting = nearest.get(m.pk)
        agenda = getattr(meeting, "agenda", None) if meeting else None
        read = reads.get((agenda.pk, m.mentor_id)) if agenda else None
        rows.append(
            {
                "mentorship": m,
                "next": meeting,
                "read": read,
                "status": _brief_status(agenda, read) if meeting else "no meeting planned",
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
    # issue 5: programs the user staffs, and those where they are a research manager, in one query.
    related = list(
        Program.objects.filter(Q(staff=user) | Q(manager_assignments__manager=user))
        .annotate(
            staffed=Exists(
                Program.staff.through.objects.filter(program_id=OuterRef("pk"), user_id=user.pk)
            ),
            managed=Exists(
                ResearchManagerAssignment.objects.filter(program_id=OuterRef("pk"), manager=user)
            ),
        )
        .distinct()
    )
    return render(
        request,
        "meetings/home.html",
        {
            "as_scholar": as_scholar,
            "as_mentor": as_mentor,
            "my_items": my_items,
            "programs": [p for p in related if p.staffed],
            "managed_programs": [p for p in related if p.managed],
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


# --- The brief: see meetings/mentor_views.py (issue 4) ---------------------------------------


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
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("home")


# --- History ---------------------------------------------------------------------------------


HISTORY_PER_PAGE = 10


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
    # issue 5: paginated, so a scholar with 100 meetings costs the same as one with 10.
    paginator = Paginator(
        Meeting.objects.filter(mentorship__scholar_id=user_id)
        .select_related("mentorship__mentor")
        .order_by("-scheduled_at", "-pk"),
        HISTORY_PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))
    all_meetings = list(page.object_list)
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
    # Issue 4: the mentor's own private note on this scholar (never anyone else's).
    is_their_mentor = any(m.mentor_id == user.pk for m in mentorships)
    private_note = (
        MentorPrivateNote.objects.filter(mentor=user, scholar_id=user_id).first()
        if is_their_mentor
        else None
    )
    return render(
        request,
        "meetings/history.html",
        {
            "scholar": scholar,
            "is_their_mentor": is_their_mentor,
            "private_note": private_note,
            "entries": entries,
            "page": page,
            "reading": reading,
            "open_items": ActionItem.objects.visible_to(user)
            .filter(mentorship__scholar_id=user_id, done=False)
            .select_related("mentorship__mentor", "mentorship__scholar"),
        },
    )
