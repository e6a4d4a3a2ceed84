"""Deleting a person (issue 6): a deliberate, explained staff action."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .deletion import deletable_by, deletion_summary
from .models import Mentorship, Program


class ConfirmDeletionForm(forms.Form):
    confirm = forms.CharField(
        label="Type the username to confirm",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, username: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.username:
            raise forms.ValidationError(f"That is not “{self.username}”. Nothing was deleted.")
        return value


def program_people_entries(program: Program, user) -> list[dict]:
    """The program's scholars and mentors with their roles, and whom `user` may delete."""
    mentorships = Mentorship.objects.filter(program=program).select_related("scholar", "mentor")
    roles: dict[int, dict] = {}
    for m in mentorships:
        for person, role in ((m.scholar, "scholar"), (m.mentor, "mentor")):
            entry = roles.setdefault(person.pk, {"user": person, "roles": set()})
            entry["roles"].add(role)
    deletable = set(deletable_by(user).filter(pk__in=list(roles)).values_list("pk", flat=True))
    people = sorted(roles.values(), key=lambda e: (e["user"].name.lower(), e["user"].pk))
    for entry in people:
        entry["roles"] = sorted(entry["roles"])
        entry["deletable"] = entry["user"].pk in deletable
    return people


@login_required
@require_http_methods(["GET", "POST"])
def user_delete(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(deletable_by(request.user), pk=user_id)
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
        program = Program.objects.staffed_by(request.user).first()
        return redirect("program_people", slug=program.slug) if program else redirect("home")
    return render(
        request,
        "accounts/user_delete.html",
        {"person": person, "summary": deletion_summary(person), "form": form},
    )
