"""Deleting a person: a deliberate staff action, after seeing what goes with them."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..deletion import deletable_by, deletion_summary, programs_deleting_for
from ..forms import ConfirmDeletionForm


@require_http_methods(["GET", "POST"])
def user_delete(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    program = get_object_or_404(programs_deleting_for(request.user), slug=slug)
    person = get_object_or_404(deletable_by(request.user, program), pk=user_id)
    form = ConfirmDeletionForm(request.POST or None, username=person.username)
    if request.method == "POST" and form.is_valid():
        name = person.name
        with transaction.atomic():
            summary = deletion_summary(person)
            person.delete()
        messages.success(
            request,
            f"{name} was deleted, with {summary['total_removed']} record"
            f"{'s' if summary['total_removed'] != 1 else ''} that belonged to them.",
        )
        return redirect("program_people", slug=program.slug)
    return render(
        request,
        "accounts/user_delete.html",
        {
            "program": program,
            "person": person,
            "summary": deletion_summary(person),
            "form": form,
        },
    )
