"""Importing a program's mentorships from CSV: a dry run first, then the same rows for real."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .. import importers
from ..forms import ImportForm
from ..models import Program


@require_http_methods(["GET", "POST"])
def mentorship_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Preview (dry run) first; the import button re-sends the same rows and writes them.
    Existing accounts outside the program are invited, never attached (importers.apply)."""
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    plan = None
    content = ""
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["content"]
        plan = importers.parse(program, content)
        if request.POST.get("action") == "import" and plan.ok:
            created, waiting = importers.apply(program, plan, request.user)
            new, invited = len(plan.new_people), len(plan.invited_people)
            messages.success(
                request,
                f"Imported {created} mentorship{'s' if created != 1 else ''}; "
                f"invited {new} new {'people' if new != 1 else 'person'}"
                + (
                    f"; {waiting} pair{'s' if waiting != 1 else ''} start when "
                    f"{invited} {'people' if invited != 1 else 'person'} already on mentorprep "
                    "accept their invitation."
                    if waiting
                    else "."
                ),
            )
            return redirect("cadence", slug=program.slug)
    return render(
        request,
        "accounts/mentorship_import.html",
        {"program": program, "form": form, "plan": plan, "content": content},
    )
