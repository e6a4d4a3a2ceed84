"""The API against its own schema, live: schemathesis generates requests for every operation
from /api/openapi.json and sends them through the WSGI application with a seeded token. No
answer may be a server error, and every answer must conform to the schema (status, content type,
body). Path ids point at the seeded world's objects, so the bodies and queries are tried on real
rows, not only on 404s. Small and derandomized: it runs in seconds, the same way each time."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from accounts.api_tokens import ApiTokenScope, create_token
from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# Valid requests (their path ids on the seeded rows) and invalid ones (refused with a 4xx
# problem, never a 5xx); the token is sent by the test, not generated. The fuzzing phase alone
# keeps it fast: the coverage phase's boundary values are tests/api/test_operations.py's business.
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=10,
    deterministic=True,
    database="none",
    with_security_parameters=False,
)
schema.config.phases.coverage.enabled = False


@pytest.fixture
def seeded(sec, settings):
    # As Django's test client does: the request must not close the test's connection (its
    # transaction holds the seeded world).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _seed(sec, settings)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _seed(sec, settings) -> dict:
    settings.API_RATE_LIMIT = 10_000
    scholar = create_token(sec.scholar, "schemathesis", ApiTokenScope.WRITE)[1]
    staff = create_token(sec.staff, "schemathesis", ApiTokenScope.READ)[1]
    ids = {
        "meeting_id": sec.draft_meeting.pk,  # the scholar's planned meeting: its agenda is writable
        "item_id": sec.action.pk,
        "user_id": sec.scholar.pk,
        "slug": sec.program.slug,
    }
    return {"scholar": scholar, "staff": staff, "ids": ids}


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, seeded):
    cache.clear()  # no rate limit between examples
    components = case.meta.components if case.meta else {}
    path_is_invalid = any(
        location == ParameterLocation.PATH and info.mode == GenerationMode.NEGATIVE
        for location, info in components.items()
    )
    if not path_is_invalid:
        for name in list(case.path_parameters or {}):
            case.path_parameters[name] = seeded["ids"][name]
    # A cursor is opaque and signed: one made up is refused (400, tested in test_operations.py).
    if case.query:
        case.query.pop("cursor", None)
    raw = seeded["staff"] if "cadence" in case.operation.path else seeded["scholar"]
    case.call_and_validate(headers={"Authorization": f"Bearer {raw}"})
