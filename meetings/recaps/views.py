"""After the meeting: one page per held meeting where the scholar writes the recap and answers
"Did you get what you came for?", and the mentor confirms the recap and gives feedback on how the
scholar led. Each form posts to its own URL and works without JavaScript; with htmx the form's
part of the page is swapped in place (after the same checks as the page).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from meetings import access
from meetings.models import LeadFeedback, Meeting, MeetingOutcome, Recap
from meetings.recaps import domain as recaps
from meetings.recaps.forms import ConfirmRecapForm, LeadFeedbackForm, OutcomeForm, RecapForm

TEMPLATE = "meetings/recaps/recap.html"


def _meeting_for(user: User, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(user).select_related(
            "mentorship__scholar", "mentorship__mentor", "mentorship__program"
        ),
        pk=pk,
    )


def _context(user: User, meeting: Meeting, **forms) -> dict:
    recap = Recap.objects.visible_to(user).filter(meeting=meeting).first()
    outcome = MeetingOutcome.objects.visible_to(user).filter(meeting=meeting).first()
    feedback = list(
        LeadFeedback.objects.visible_to(user).filter(meeting=meeting).select_related("mentor")
    )
    is_scholar = meeting.is_scholar(user)
    is_mentor = meeting.is_mentor(user)
    own_feedback = next((f for f in feedback if f.mentor_id == user.pk), None)
    ctx = {
        "meeting": meeting,
        "recap": recap,
        "outcome": outcome,
        "outcome_comment_visible": outcome is not None
        and access.may_see_outcome_comment(user, outcome),
        "feedback": feedback,
        "is_scholar": is_scholar,
        "is_mentor": is_mentor,
        "recap_editable": is_scholar and meeting.is_held and not (recap and recap.is_confirmed),
    }
    if is_scholar and meeting.is_held:
        ctx["recap_form"] = forms.get("recap_form") or RecapForm(
            instance=recap, initial={"version": recap.version if recap else None}
        )
        ctx["outcome_form"] = forms.get("outcome_form") or OutcomeForm(instance=outcome)
    if is_mentor and meeting.is_held:
        ctx["confirm_form"] = forms.get("confirm_form") or ConfirmRecapForm(
            initial={"correction": recap.correction if recap else ""}
        )
        ctx["feedback_form"] = forms.get("feedback_form") or LeadFeedbackForm(instance=own_feedback)
        ctx["trend"] = recaps.outcome_trend(user)
    return ctx


def _respond(request: HttpRequest, meeting: Meeting, part: str, **forms) -> HttpResponse:
    template = TEMPLATE + f"#{part}" if request.htmx else TEMPLATE
    return render(request, template, _context(request.user, meeting, **forms))


def _saved(request: HttpRequest, meeting: Meeting, part: str, message: str) -> HttpResponse:
    """After a write: htmx gets the part again; a plain form post goes back to the page."""
    if request.htmx:
        return _respond(request, meeting, part)
    messages.success(request, message)
    return redirect("recap", pk=meeting.pk)


def _refused(request: HttpRequest, meeting: Meeting, refused: ValidationError) -> HttpResponse:
    messages.error(request, " ".join(refused.messages))
    return redirect("recap", pk=meeting.pk)


@require_GET
def recap(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    return render(request, TEMPLATE, _context(request.user, meeting))


@require_POST
@vary_on_headers("HX-Request")
def recap_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    if not meeting.is_scholar(request.user):
        raise Http404("Only the scholar writes the recap.")
    form = RecapForm(request.POST)
    if not form.is_valid():
        return _respond(request, meeting, "recap-part", recap_form=form)
    try:
        saved = recaps.write_recap(
            meeting, request.user, form.recap_data(), form.cleaned_data["version"]
        )
    except ValidationError as refused:
        return _refused(request, meeting, refused)
    if saved is None:
        form.add_error(
            None,
            "This recap was changed in another window since you opened it. The newer version "
            "is shown below; your text is kept in the form: compare and save again.",
        )
        ctx = _context(request.user, meeting, recap_form=form)
        ctx["stale"] = True
        form.data = form.data.copy()
        form.data["version"] = ctx["recap"].version
        if request.htmx:  # htmx swaps only successful answers: the refusal is in the part
            return render(request, TEMPLATE + "#recap-part", ctx)
        return render(request, TEMPLATE, ctx, status=409)
    return _saved(request, meeting, "recap-part", "Recap saved: your mentor can confirm it.")


@require_POST
@vary_on_headers("HX-Request")
def recap_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    if not meeting.is_mentor(request.user):
        raise Http404("Only the mentor confirms the recap.")
    recap = get_object_or_404(Recap.objects.visible_to(request.user), meeting=meeting)
    form = ConfirmRecapForm(request.POST)
    if not form.is_valid():
        return _respond(request, meeting, "recap-part", confirm_form=form)
    try:
        recaps.confirm_recap(recap, request.user, form.cleaned_data["correction"].strip())
    except ValidationError as refused:
        return _refused(request, meeting, refused)
    return _saved(request, meeting, "recap-part", "Recap confirmed.")


@require_POST
@vary_on_headers("HX-Request")
def outcome_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    if not meeting.is_scholar(request.user):
        raise Http404("Only the scholar answers.")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _respond(request, meeting, "outcome-part", outcome_form=form)
    try:
        recaps.record_outcome(
            meeting, request.user, form.cleaned_data["answer"], form.cleaned_data["comment"]
        )
    except ValidationError as refused:
        return _refused(request, meeting, refused)
    return _saved(request, meeting, "outcome-part", "Answer saved.")


@require_POST
@vary_on_headers("HX-Request")
def feedback_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    if not meeting.is_mentor(request.user):
        raise Http404("Only the mentor gives feedback.")
    form = LeadFeedbackForm(request.POST)
    if not form.is_valid():
        return _respond(request, meeting, "feedback-part", feedback_form=form)
    try:
        recaps.give_feedback(meeting, request.user, form.cleaned_data)
    except ValidationError as refused:
        return _refused(request, meeting, refused)
    return _saved(request, meeting, "feedback-part", "Feedback saved: only the scholar sees it.")
