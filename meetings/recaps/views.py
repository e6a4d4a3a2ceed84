"""After the meeting: one page per held meeting where the scholar writes the recap and answers
"Did you get what you came for?", and the mentor confirms the recap and gives feedback on how the
scholar led. Each form posts to its own URL and works without JavaScript; with htmx the form's
part of the page is swapped in place (after the same checks as the page).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from meetings import access
from meetings.htmx import part_or_page, part_or_redirect, refresh_or_redirect
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


def _url(meeting: Meeting) -> str:
    return reverse("recap", args=[meeting.pk])


def _context(user: User, meeting: Meeting, **forms) -> dict:
    recap = Recap.objects.visible_to(user).filter(meeting=meeting).first()
    outcome = MeetingOutcome.objects.visible_to(user).filter(meeting=meeting).first()
    feedback = list(
        LeadFeedback.objects.visible_to(user).filter(meeting=meeting).select_related("mentor")
    )
    # The forms show to whom may use them, once the meeting is held (the writes enforce both).
    writes = meeting.is_held and access.may_write_recap(user, meeting)
    reviews = meeting.is_held and access.may_review_recap(user, meeting)
    own_feedback = next((f for f in feedback if f.mentor_id == user.pk), None)
    ctx = {
        "meeting": meeting,
        "recap": recap,
        "outcome": outcome,
        "outcome_comment_visible": outcome is not None
        and access.may_see_outcome_comment(user, outcome),
        "feedback": feedback,
        "is_scholar": meeting.is_scholar(user),
        "is_mentor": meeting.is_mentor(user),
        "recap_editable": writes and not (recap and recap.is_confirmed),
    }
    if writes:
        ctx["recap_form"] = forms.get("recap_form") or RecapForm(
            instance=recap, initial={"version": recap.version if recap else None}
        )
        ctx["outcome_form"] = forms.get("outcome_form") or OutcomeForm(instance=outcome)
    if reviews:
        ctx["confirm_form"] = forms.get("confirm_form") or ConfirmRecapForm(
            initial={
                "correction": recap.correction if recap else "",
                "version": recap.version if recap else None,
            }
        )
        ctx["feedback_form"] = forms.get("feedback_form") or LeadFeedbackForm(instance=own_feedback)
        ctx["trend"] = recaps.outcome_trend(user)
    return ctx


def _page(request: HttpRequest, meeting: Meeting, part: str, **forms) -> HttpResponse:
    """The page with these forms (one with errors shows them): only the part, for htmx."""
    return part_or_page(request, TEMPLATE, part, _context(request.user, meeting, **forms))


def _write(
    request: HttpRequest,
    meeting: Meeting,
    write: Callable,
    form,
    *,
    form_name: str,
    part: str,
    saved: str,
) -> HttpResponse:
    """Make one of the page's writes (`write(user, form)`, a domain function, which decides who
    may make it and when) and answer it: someone whose write it is not gets a 404, as for a
    meeting they may not see; a form with errors comes back with them; a refusal (the meeting
    is no longer held, the recap was confirmed) is flashed and the page shown again; a saved
    form gets its part again, or a redirect to it with the `saved` message."""
    try:
        write(request.user, form)
    except recaps.NotYours as refused:
        raise Http404(str(refused)) from refused
    except recaps.Invalid:
        return _page(request, meeting, part, **{form_name: form})
    except ValidationError as refused:
        return refresh_or_redirect(request, url=_url(meeting), error=" ".join(refused.messages))
    return part_or_redirect(
        request,
        TEMPLATE,
        part,
        lambda: _context(request.user, meeting),
        url=_url(meeting),
        anchor=part,
        message=saved,
    )


@require_GET
def recap(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    return render(request, TEMPLATE, _context(request.user, meeting))


@require_POST
@vary_on_headers("HX-Request")
def recap_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    form = RecapForm(request.POST)
    try:
        return _write(
            request,
            meeting,
            partial(recaps.write_recap, meeting),
            form,
            form_name="recap_form",
            part="recap-part",
            saved="Recap saved: your mentor can confirm it.",
        )
    except recaps.Stale:
        return _stale(request, meeting, form)


def _stale(request: HttpRequest, meeting: Meeting, form: RecapForm) -> HttpResponse:
    """The recap changed in another window: the newer version, and the person's text kept in the
    form to compare and save again."""
    form.add_error(
        None,
        "This recap was changed in another window since you opened it. The newer version "
        "is shown below; your text is kept in the form: compare and save again.",
    )
    ctx = _context(request.user, meeting, recap_form=form)
    ctx["stale"] = True
    form.data = form.data.copy()
    form.data["version"] = ctx["recap"].version
    return part_or_page(request, TEMPLATE, "recap-part", ctx, status=409)


@require_POST
@vary_on_headers("HX-Request")
def recap_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    recap = get_object_or_404(Recap.objects.visible_to(request.user), meeting=meeting)
    form = ConfirmRecapForm(request.POST)
    try:
        return _write(
            request,
            meeting,
            partial(recaps.confirm_recap, recap),
            form,
            form_name="confirm_form",
            part="recap-part",
            saved="Recap confirmed.",
        )
    except recaps.Stale:
        return _stale_confirm(request, meeting, form)


def _stale_confirm(request: HttpRequest, meeting: Meeting, form: ConfirmRecapForm) -> HttpResponse:
    """The scholar changed the recap since the mentor opened it: nothing is confirmed; the newer
    text is shown, with the mentor's correction kept, to read and confirm again."""
    form.add_error(
        None,
        "The recap changed since you opened it: nothing was confirmed. Read the newer version "
        "above and confirm again; your correction is kept.",
    )
    ctx = _context(request.user, meeting, confirm_form=form)
    form.data = form.data.copy()
    form.data["version"] = ctx["recap"].version
    return part_or_page(request, TEMPLATE, "recap-part", ctx, status=409)


@require_POST
@vary_on_headers("HX-Request")
def outcome_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    return _write(
        request,
        meeting,
        partial(recaps.record_outcome, meeting),
        OutcomeForm(request.POST),
        form_name="outcome_form",
        part="outcome-part",
        saved="Answer saved.",
    )


@require_POST
@vary_on_headers("HX-Request")
def feedback_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request.user, pk)
    return _write(
        request,
        meeting,
        partial(recaps.give_feedback, meeting),
        LeadFeedbackForm(request.POST),
        form_name="feedback_form",
        part="feedback-part",
        saved="Feedback saved: only the scholar sees it.",
    )
