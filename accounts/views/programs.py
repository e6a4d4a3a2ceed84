"""Creating a program: its creator becomes its staff and invites its people next."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import ProgramForm
from ..models import Program, User


def can_create_programs(user: User) -> bool:
    return user.is_staff or Program.objects.staffed_by(user).exists()


@require_http_methods(["GET", "POST"])
def program_new(request: HttpRequest) -> HttpResponse:
    if not can_create_programs(request.user):
        raise Http404("Only program staff create programs.")
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = form.save()
        program.staff.add(request.user)
        messages.success(request, f"Program “{program.name}” created. Invite its people next.")
        return redirect("program_people", slug=program.slug)
    return render(request, "accounts/program_new.html", {"form": form})
