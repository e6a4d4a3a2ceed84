"""Downloads as JSON files: a person's own data, and a program's figures for its staff."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Program
from meetings.data.my_data import personal_data
from meetings.staff.cadence import program_figures


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET"])
def my_data_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    stamp = timezone.localdate().isoformat()
    return _json_download(personal_data(user), f"mentorprep-{user.username}-{stamp}.json")


@require_http_methods(["GET"])
def program_export(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    stamp = timezone.localdate().isoformat()
    return _json_download(program_figures(program), f"mentorprep-{program.slug}-{stamp}.json")
