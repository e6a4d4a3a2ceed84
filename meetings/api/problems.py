"""Errors as RFC 9457 problem details (`application/problem+json`): type, title, status, detail,
and for some a field of their own (`errors`, `current_version`). Never HTML, never a 500 page:
the NinjaAPI's exception handlers (meetings/api/main.py) turn every error into one of these."""

from __future__ import annotations

import json
import logging
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Schema

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
}


class Problem(Schema):
    """A problem detail (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None
    current_version: int | None = None


def problem_type(slug: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/api/docs#problem-{slug}"


def problem(
    status: int, detail: str, *, slug: str | None = None, headers: dict | None = None, **extra
) -> HttpResponse:
    body = {
        "type": problem_type(slug or str(status)),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- The handlers, registered on the NinjaAPI --------------------------------------------------


def validation_error(request: HttpRequest, exc) -> HttpResponse:
    """ninja's ValidationError: a parameter or body that does not fit the schema."""
    errors = [
        {
            "loc": [str(part) for part in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem(422, f"The request does not fit the schema. {where}".strip(), errors=errors)


def authentication_error(request: HttpRequest, exc) -> HttpResponse:
    return problem(
        401,
        "Send a valid, unexpired and unrevoked personal access token as "
        "`Authorization: Bearer <token>` (Settings → API tokens).",
        headers={"WWW-Authenticate": 'Bearer realm="mentorprep"'},
    )


def not_found(request: HttpRequest, exc=None) -> HttpResponse:
    # The same answer whether the object does not exist or is not yours: nothing to enumerate.
    return problem(404, "No such resource, or not one you may see.")


def permission_denied(request: HttpRequest, exc) -> HttpResponse:
    detail = str(exc) or "You may not do this."
    return problem(403, detail)


def throttled(request: HttpRequest, exc) -> HttpResponse:
    wait = max(1, math.ceil(exc.wait or 1))
    return problem(
        429,
        f"Rate limit reached for this token: retry in {wait} seconds.",
        headers={"Retry-After": str(wait)},
    )


def http_error(request: HttpRequest, exc) -> HttpResponse:
    """ninja's HttpError (e.g. 400 for a body that is not JSON)."""
    status = exc.status_code if exc.status_code in TITLES else 400
    return problem(status, str(exc))


def too_large(request: HttpRequest, exc) -> HttpResponse:
    return problem(413, "The request body is too large: send less at once.")


def suspicious(request: HttpRequest, exc) -> HttpResponse:
    return problem(400, "The request could not be read.")


def server_error(request: HttpRequest, exc) -> HttpResponse:
    """The last resort: logged with its traceback, answered as a problem, never a 500 page."""
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem(500, "Something went wrong on our side; it was logged. Try again later.")
