"""The end-of-program report: a scholar's program on one page, and the same as one PDF.

The scholar reads their own; their mentors only once the scholar shares it, and then only what
each of them may see elsewhere (meetings/report.py); everyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import User

from .. import access, growth, report


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


@login_required
@require_http_methods(["GET"])
def report_page(request: HttpRequest, user_id: int) -> HttpResponse:
    return render(request, "meetings/report.html", _context(request, user_id))


@login_required
@require_http_methods(["GET"])
def report_pdf(request: HttpRequest, user_id: int) -> HttpResponse:
    from .. import pdf

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
