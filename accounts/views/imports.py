"""Importing a program's mentorships from CSV: a dry run first, then the same rows for real."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
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
        action = request.POST.get("action")
        # Leaving rows out is done only for the very lines the person saw listed as errors.
        leave_out = (
            plan.error_lines
            if action == "import_valid"
            and plan.ok_without_error_lines
            and request.POST.get("left_out") == _lines(plan.error_lines)
            else None
        )
        if action == "import" and plan.ok or leave_out:
            created, waiting = importers.apply(
                program, plan, request.user, leave_out=leave_out or []
            )
            messages.success(request, _imported_message(plan, created, waiting, leave_out or []))
            return redirect("cadence", slug=program.slug)
    return render(
        request,
        "accounts/mentorship_import.html",
        {
            "program": program,
            "form": form,
            "plan": plan,
            "content": content,
            "left_out": _lines(plan.error_lines) if plan else "",
        },
    )


def _lines(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _imported_message(plan: importers.ImportPlan, created: int, waiting: int, left_out) -> str:
    new, invited = len(plan.new_people), len(plan.invited_people)
    parts = [
        ngettext("Imported %(n)d mentorship", "Imported %(n)d mentorships", created)
        % {"n": created},
        ngettext("invited %(n)d new person", "invited %(n)d new people", new) % {"n": new},
    ]
    if waiting:
        parts.append(
            ngettext("%(n)d pair starts", "%(n)d pairs start", waiting) % {"n": waiting}
            + ngettext(
                " when %(n)d person already on mentorprep accepts their invitation",
                " when %(n)d people already on mentorprep accept their invitations",
                invited,
            )
            % {"n": invited}
        )
    if left_out:
        parts.append(
            ngettext("line %(lines)s left out", "lines %(lines)s left out", len(left_out))
            % {"lines": _lines(left_out)}
        )
    return "; ".join(parts) + "."
