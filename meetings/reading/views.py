"""A scholar's reading page (recommended, read, takeaways) and progress log, and the small
forms that write them from the reading page, the agenda and the home page.

The scholar and their mentors see them (access.reading, access.may_see_reading); only the
scholar writes entries and log lines; only their mentors recommend. Everyone else: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Mentorship, User
from config.ids import parse_id
from meetings import access
from meetings.forms import form_problem
from meetings.htmx import part_or_redirect
from meetings.models import Agenda, ProgressLine, ReadingEntry, ReadingRecommendation
from meetings.reading import domain as reading_log
from meetings.reading.forms import ProgressLineForm, ReadingEntryForm, RecommendationForm

READING_TEMPLATE = "meetings/reading/reading.html"
ENTRIES_TEMPLATE = "meetings/reading/_reading_entries.html"
PROGRESS_TEMPLATE = "meetings/reading/_progress_log.html"
PROGRESS_LINES_SHOWN = 30


def _require_scholar(user: User) -> None:
    if not user.is_scholar():
        raise Http404("Only scholars keep a reading list and a progress log.")


def _recommendations(scholar_id: int):
    read = ReadingEntry.objects.filter(scholar_id=scholar_id, recommendation=OuterRef("pk"))
    return (
        ReadingRecommendation.objects.for_scholar(scholar_id)
        .annotate(is_read=Exists(read))
        .filter(is_read=False)
        .select_related("mentor")
    )


def _page_context(user: User, scholar: User, **extra) -> dict:
    is_scholar = user.pk == scholar.pk
    entries = ReadingEntry.objects.visible_to(user).filter(scholar=scholar)
    lines = ProgressLine.objects.visible_to(user).filter(scholar=scholar)
    return {
        "scholar": scholar,
        "is_scholar": is_scholar,
        "entries": list(entries.select_related("recommendation__mentor")),
        "recommended": list(_recommendations(scholar.pk)),
        "progress_lines": list(lines[:PROGRESS_LINES_SHOWN]),
        "entry_form": ReadingEntryForm() if is_scholar else None,
        "recommend_form": None if is_scholar else RecommendationForm(),
        **extra,
    }


@require_http_methods(["GET"])
def reading_page(request: HttpRequest, user_id: int) -> HttpResponse:
    if not access.may_see_reading(request.user, user_id):
        raise Http404("No such scholar.")
    scholar = get_object_or_404(User, pk=user_id)
    return render(request, READING_TEMPLATE, _page_context(request.user, scholar))


# --- The scholar's entries ---------------------------------------------------------------------


def _agenda_from_post(request: HttpRequest) -> Agenda | None:
    """The agenda an entry is added from (the `meeting` field), scoped to what the scholar may
    still edit; None when the entry comes from the reading page."""
    if "meeting" not in request.POST:
        return None
    meeting_id = parse_id(request.POST["meeting"])
    return get_object_or_404(
        Agenda.objects.editable_by(request.user).select_related("meeting"), meeting_id=meeting_id
    )


def _entries_context(user: User, agenda: Agenda | None, **extra) -> dict:
    """The entries part: the agenda's entries, or all of the scholar's."""
    entries = ReadingEntry.objects.filter(scholar=user)
    entries = entries.filter(agenda=agenda) if agenda else entries
    return {
        "entries": list(entries.select_related("recommendation__mentor")),
        "entry_form": ReadingEntryForm(),
        "meeting": agenda.meeting if agenda else None,
        "can_edit": True,
        **extra,
    }


def _entries_response(request: HttpRequest, agenda: Agenda | None, announce: str) -> HttpResponse:
    """htmx: the list again; without JS: back to the page the form was on (the agenda or the
    reading page)."""
    if agenda is not None:
        page = reverse("agenda", args=[agenda.meeting_id])
    else:
        page = reverse("reading", args=[request.user.pk])
    return part_or_redirect(
        request,
        ENTRIES_TEMPLATE,
        "reading-entries",
        lambda: _entries_context(request.user, agenda, announce=announce),
        url=page,
        anchor="reading-entries",
        message=announce,
    )


def _entry_refused(
    request: HttpRequest, agenda: Agenda | None, form: ReadingEntryForm
) -> HttpResponse:
    """htmx: the list again with the form's errors; without JS: the reading page with the text
    kept."""
    user = request.user
    if request.htmx:
        ctx = _entries_context(user, agenda, entry_form=form)
        return render(request, f"{ENTRIES_TEMPLATE}#reading-entries", ctx)
    messages.error(request, form_problem(form, "A reading needs a title."))
    ctx = _page_context(
        user, user, entry_form=form, from_meeting=agenda.meeting if agenda else None
    )
    return render(request, READING_TEMPLATE, ctx)


@require_POST
def reading_add(request: HttpRequest) -> HttpResponse:
    _require_scholar(request.user)
    agenda = _agenda_from_post(request)
    recommendation = None
    if request.POST.get("recommendation"):
        recommendation = get_object_or_404(
            ReadingRecommendation.objects.for_scholar(request.user.pk),
            pk=parse_id(request.POST["recommendation"]),
        )
    form = ReadingEntryForm(request.POST, scholar=request.user)
    if not form.is_valid():
        return _entry_refused(request, agenda, form)
    reading_log.add_entry(
        request.user, {**form.cleaned_data, "recommendation": recommendation}, agenda
    )
    return _entries_response(request, agenda, "Reading added.")


def _own_entry(request: HttpRequest, pk: int) -> ReadingEntry:
    return get_object_or_404(ReadingEntry.objects.filter(scholar=request.user), pk=pk)


@require_POST
def reading_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    agenda = _agenda_from_post(request)
    form = ReadingEntryForm(request.POST, scholar=request.user)
    if not form.is_valid():
        return _entry_refused(request, agenda, form)
    reading_log.edit_entry(entry, form.cleaned_data)
    return _entries_response(request, agenda, "Reading saved.")


@require_POST
def reading_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    agenda = _agenda_from_post(request)
    entry.delete()
    return _entries_response(request, agenda, "Reading removed.")


# --- A mentor's recommendation -----------------------------------------------------------------


@require_POST
def reading_recommend(request: HttpRequest, user_id: int) -> HttpResponse:
    mentorship = (
        Mentorship.objects.filter(mentor=request.user, scholar_id=user_id)
        .select_related("scholar")
        .order_by("-active", "-started_on")
        .first()
    )
    if mentorship is None:
        raise Http404("Only the scholar's mentors recommend readings to them.")
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_problem(form, "A recommendation needs a title."))
        ctx = _page_context(request.user, mentorship.scholar, recommend_form=form)
        return render(request, READING_TEMPLATE, ctx)
    fields = {name: form.cleaned_data[name] for name in ("title", "link", "note")}
    whole = form.cleaned_data["whole_program"]
    reading_log.recommend(mentorship, fields, whole)
    who = "every scholar of the program" if whole else mentorship.scholar.name
    messages.success(request, f"Recommended to {who}.")
    return redirect(reverse("reading", args=[user_id]) + "#recommended")


# --- The progress log ----------------------------------------------------------------------------


def progress_context(user: User, **extra) -> dict:
    """The home page's progress log: the scholar's latest lines."""
    return {
        "progress_lines": list(ProgressLine.objects.filter(scholar=user)[:PROGRESS_LINES_SHOWN]),
        "progress_form": ProgressLineForm(),
        **extra,
    }


def _progress_response(
    request: HttpRequest, form: ProgressLineForm | None = None, announce: str = ""
) -> HttpResponse:
    """htmx: the log again (with the refused form's errors); without JS: the home page's log."""
    extra = {"announce": announce} | ({"progress_form": form} if form is not None else {})
    return part_or_redirect(
        request,
        PROGRESS_TEMPLATE,
        "progress-log",
        lambda: progress_context(request.user, **extra),
        url=reverse("home"),
        anchor="progress-log",
        message=announce,
        error="" if form is None else form_problem(form, "Write the win or finding in one line."),
    )


@require_POST
def progress_add(request: HttpRequest) -> HttpResponse:
    _require_scholar(request.user)
    form = ProgressLineForm(request.POST)
    if not form.is_valid():
        return _progress_response(request, form)
    reading_log.add_line(request.user, form.cleaned_data["text"])
    return _progress_response(request, announce="Noted. It goes into your next agenda.")


@require_POST
def progress_delete(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(ProgressLine.objects.filter(scholar=request.user), pk=pk)
    line.delete()
    return _progress_response(request, announce="Line deleted.")
