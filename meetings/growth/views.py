"""The scholar's "My growth" page, and the form where they choose what their mentors see of it.

Who sees which part is access.growth_parts: the scholar every part and their energy trend; a
mentor of theirs the parts the scholar shared; anyone else a 404 (staff see a few figures on
the scholar's summary instead).

The end-of-program report: a scholar's program on one page, and the same as one PDF.

The scholar reads their own; their mentors only once the scholar shares it, and then only what
each of them may see elsewhere (meetings/growth/report.py); everyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import User
from meetings import access
from meetings.growth import report
from meetings.growth import signals as growth
from meetings.growth.forms import GrowthSharingForm
from meetings.htmx import part_or_redirect
from meetings.models import GrowthSharing

TEMPLATE = "meetings/growth/growth.html"


def _sharing_context(scholar: User, sharing: GrowthSharing | None, **extra) -> dict:
    return {
        "form": GrowthSharingForm(instance=sharing),
        "shared": sharing.shared_parts if sharing else set(),
        "report_shared": bool(sharing and sharing.report),
        **extra,
    }


def _page_context(user: User, scholar: User, sharing: GrowthSharing | None, parts: set[str]):
    is_scholar = user.pk == scholar.pk
    ctx = {
        "scholar": scholar,
        "is_scholar": is_scholar,
        "parts": growth.growth(scholar, parts, viewer=user),
        "part_labels": [label for name, label, _ in GrowthSharing.PARTS if name in parts],
    }
    return ctx | (_sharing_context(scholar, sharing) if is_scholar else {})


@require_GET
def growth_page(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    # Scoped to the scholar and their mentors: found, it tells that the user is one of them.
    sharing = GrowthSharing.objects.visible_to(user).filter(scholar_id=user_id).first()
    parts = access.growth_parts(user, user_id, sharing, is_mentor=sharing is not None)
    if not parts:
        raise Http404("No such page.")
    scholar = user if user.pk == user_id else get_object_or_404(User, pk=user_id)
    return render(request, TEMPLATE, _page_context(user, scholar, sharing, parts))


@require_POST
@vary_on_headers("HX-Request")
def growth_sharing_save(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_scholar():
        raise Http404("Only scholars have a growth page.")
    form = GrowthSharingForm(request.POST)
    # Checkboxes: anything sent is read as ticked or not, so the form is always valid.
    form.is_valid()
    seen = request.POST.get("seen")  # absent: a client that does not know the choices' age
    try:
        sharing = growth.save_sharing(user, form.cleaned_data, seen)
    except growth.StaleSharing:
        return _stale(request, form.cleaned_data)
    return part_or_redirect(
        request,
        TEMPLATE,
        "sharing",
        lambda: {
            "scholar": user,
            "is_scholar": True,
            **_sharing_context(user, sharing, saved=True),
        },
        url=reverse("growth", args=[user.pk]),
        message="Saved: your mentors now see what you ticked.",
    )


def _stale(request: HttpRequest, tried: dict) -> HttpResponse:
    """The choices as saved now, and what the scholar had ticked, to tick again."""
    user = request.user
    sharing = GrowthSharing.objects.filter(scholar=user).first()
    labels = [label for name, label in SHARE_LABELS if tried.get(name)]
    extra = {"stale": True, "tried": labels}
    if request.htmx:  # swapped in place like a success: htmx swaps only 2xx answers
        ctx = {"scholar": user, "is_scholar": True, **_sharing_context(user, sharing, **extra)}
        return render(request, f"{TEMPLATE}#sharing", ctx)
    parts = access.growth_parts(user, user.pk, sharing)
    ctx = _page_context(user, user, sharing, parts) | extra
    return render(request, TEMPLATE, ctx, status=409)


SHARE_LABELS = [(name, label) for name, label, _ in GrowthSharing.PARTS] + [
    ("report", GrowthSharing._meta.get_field("report").verbose_name)
]


def _context(request: HttpRequest, user_id: int) -> dict:
    scholar = get_object_or_404(
        User.objects.filter(access.report_scholars(request.user)).select_related("growth_sharing"),
        pk=user_id,
    )
    sharing = getattr(scholar, "growth_sharing", None)
    # The growth signals the viewer may see on the growth page, less the check-in energy: a
    # report made for retrospectives and reference letters leaves wellbeing out.
    parts = access.growth_parts(
        request.user, scholar.pk, sharing, is_mentor=request.user.pk != scholar.pk
    )
    return {
        "report": report.build_report(request.user, scholar),
        "growth": growth.growth(scholar, parts - access.GROWTH_PRIVATE_PARTS, viewer=request.user),
        "scholar": scholar,
        "shared": bool(sharing and sharing.report),
    }


@require_http_methods(["GET"])
def report_page(request: HttpRequest, user_id: int) -> HttpResponse:
    return render(request, "meetings/growth/report.html", _context(request, user_id))


@require_http_methods(["GET"])
def report_pdf(request: HttpRequest, user_id: int) -> HttpResponse:
    from meetings import pdf

    ctx = _context(request, user_id)
    try:
        data = pdf.render_report_pdf(ctx)
    except pdf.PdfUnavailable as exc:
        messages.error(request, f"The PDF could not be made ({exc}). Use your browser's print.")
        return redirect("report", user_id=user_id)
    name = f"report-{ctx['scholar'].username}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
