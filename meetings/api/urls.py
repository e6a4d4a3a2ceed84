"""/api/: the NinjaAPI's operations and schema, its docs page, and a problem for any other
address under /api/ (never the HTML 404 page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import path
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from meetings.api import docs, problems
from meetings.api.main import api

app_name = "api"


def _conditional(response_for):
    """ETag on every GET answer, and 304 for an If-None-Match that still matches (Django's
    conditional GET, per view). Private to the token's owner: caches revalidate each time."""
    conditional = ConditionalGetMiddleware(response_for)

    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = response_for(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != problems.CONTENT_TYPE:
            allowed = response.get("Allow", "")
            response = problems.problem(
                405,
                f"This address answers {allowed or 'other methods'} only.",
                headers={"Allow": allowed},
            )
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization"])
        return conditional.process_response(request, response)

    view.__dict__.update(response_for.__dict__)  # ninja's csrf_exempt
    # A token, not the session, signs the caller in: the API answers 401 itself.
    return login_not_required(view)


@csrf_exempt  # as every API address: no session, no CSRF; a problem whatever the method
@login_not_required
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problems.not_found(request)


def _operations() -> list:
    patterns = [p for p in api.urls[0] if p.name != "api-root"]
    for pattern in patterns:
        if pattern.name == "openapi-json":
            pattern.callback = require_GET(pattern.callback)
        pattern.callback = _conditional(pattern.callback)
    return patterns


urlpatterns = [
    path("docs", docs.docs, name="docs"),
    *_operations(),
    # ninja finds the API's own address by this name (its schema's paths start there).
    path("", unknown, name="api-root"),
    path("<path:rest>", unknown, name="unknown"),
]
