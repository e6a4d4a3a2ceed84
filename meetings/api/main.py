"""The JSON API: one NinjaAPI at /api/, token-authenticated (meetings/api/auth.py), its errors as
problem details (meetings/api/problems.py), its OpenAPI 3 schema at /api/openapi.json and its docs, drawn
from that schema on the server, at /api/docs (meetings/api/docs.py: ninja's Swagger UI loads from a CDN,
which the content security policy forbids)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from meetings.api import problems
from meetings.api.auth import TokenAuth
from meetings.api.operations import router

# Answers every operation may give, besides its own (meetings/api/operations.py lists those).
COMMON = {
    "401": "No valid token.",
    "429": "Rate limit reached for this token: see the Retry-After header.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


class MentorprepAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's schema, with every error answered as `application/problem+json` (as it is),
        the answers every operation may give, and each operation's scope."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, description in COMMON.items():
                    responses.setdefault(status, {"description": description})
                if "requestBody" in operation:
                    responses.setdefault("413", {"description": "Request too large"})
                for status, answer in responses.items():
                    if int(status) >= 400:
                        answer["content"] = {problems.CONTENT_TYPE: {"schema": problem_ref}}
                        answer["description"] = problems.TITLES.get(int(status), "Error")
                scope = "write" if method in WRITE_METHODS else "read"
                operation["x-scope"] = scope
                if "200" in responses:
                    responses["200"].setdefault("headers", {})["ETag"] = {
                        "description": "Send it back as If-None-Match: 304 while unchanged.",
                        "schema": {"type": "string"},
                    }
        return schema


api = MentorprepAPI(
    title="mentorprep API",
    version="1",
    description="Your meetings, agendas, briefs, action items, history and reading, and for "
    "program staff the cadence figures: what you see on the pages, through a personal access "
    "token (Settings → API tokens).",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", router)
api.add_exception_handler(ValidationError, problems.validation_error)
api.add_exception_handler(AuthenticationError, problems.authentication_error)
api.add_exception_handler(Throttled, problems.throttled)
api.add_exception_handler(HttpError, problems.http_error)
api.add_exception_handler(Http404, problems.not_found)
api.add_exception_handler(PermissionDenied, problems.permission_denied)
api.add_exception_handler(RequestDataTooBig, problems.too_large)
api.add_exception_handler(SuspiciousOperation, problems.suspicious)
api.add_exception_handler(Exception, problems.server_error)
