"""The API's permission matrix: every operation of the schema, with a token of every role, and
for each write a read-scoped token too. Each answer's status is the one written here, and no
answer holds a sentinel string the role may not see (tests/security/conftest.py: SENTINELS).

An operation added to the API without a row here fails `test_every_operation_has_a_row`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction

from meetings.api.main import api
from tests.api.conftest import ApiClient, token
from tests.security.conftest import ROLES, SecurityWorld, forbidden_for

Expected = dict[str, int]


def only(code: int, *roles: str, others: int = 404) -> Expected:
    """The listed roles get `code`, the other token holders `others`, no token 401."""
    return {r: 401 if r == "anon" else code if r in roles else others for r in ROLES}


def everyone(code: int) -> Expected:
    return {r: 401 if r == "anon" else code for r in ROLES}


@dataclass(frozen=True)
class Row:
    url: Callable[[SecurityWorld], str]
    expected: Expected
    body: Callable[[SecurityWorld], dict] | None = None  # a write's JSON body


READ_TOKEN_WRITES = everyone(403)  # any write with a read token, before any lookup

# (method, path as in the schema) -> Row
MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/api/me"): Row(lambda w: "/api/me", everyone(200)),
    ("GET", "/api/meetings"): Row(lambda w: "/api/meetings?limit=100", everyone(200)),
    ("GET", "/api/meetings/{meeting_id}"): Row(
        lambda w: f"/api/meetings/{w.meeting.pk}", only(200, "scholar", "mentor")
    ),
    ("GET", "/api/meetings/{meeting_id}/agenda"): Row(
        lambda w: f"/api/meetings/{w.meeting.pk}/agenda", only(200, "scholar", "mentor")
    ),
    # only the scholar writes their agenda; the mentor reads it
    ("PATCH", "/api/meetings/{meeting_id}/agenda"): Row(
        lambda w: f"/api/meetings/{w.meeting.pk}/agenda",
        only(200, "scholar"),
        body=lambda w: {"version": w.agenda.version, "asks": "A new ask"},
    ),
    ("GET", "/api/meetings/{meeting_id}/brief"): Row(
        lambda w: f"/api/meetings/{w.meeting.pk}/brief", only(200, "scholar", "mentor")
    ),
    ("GET", "/api/action-items"): Row(lambda w: "/api/action-items?limit=100", everyone(200)),
    # the item is the scholar's: they and their mentor mark it
    ("PATCH", "/api/action-items/{item_id}"): Row(
        lambda w: f"/api/action-items/{w.action.pk}",
        only(200, "scholar", "mentor"),
        body=lambda w: {"done": True},
    ),
    ("GET", "/api/scholars/{user_id}/history"): Row(
        lambda w: f"/api/scholars/{w.scholar.pk}/history?limit=100",
        only(200, "scholar", "mentor", "second_mentor"),
    ),
    ("GET", "/api/scholars/{user_id}/reading"): Row(
        lambda w: f"/api/scholars/{w.scholar.pk}/reading",
        only(200, "scholar", "mentor", "second_mentor"),
    ),
    # the program's staff (the research manager is on its staff in this world)
    ("GET", "/api/programs/{slug}/cadence"): Row(
        lambda w: f"/api/programs/{w.program.slug}/cadence", only(200, "staff", "manager")
    ),
}


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api")
    return sorted(
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    )


OPERATIONS = _operations()


def test_every_operation_has_a_row():
    missing = [op for op in OPERATIONS if op not in MATRIX]
    assert not missing, (
        f"API operations without a row in tests/api/test_permissions.py MATRIX: {missing}. Add "
        "one saying what each role's token gets."
    )
    assert not set(MATRIX) - set(OPERATIONS), "rows for operations that no longer exist"


def _call(client: ApiClient, method: str, url: str, body: dict | None):
    """One request, rolled back afterwards: every request sees the same world."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(
                method, url, data=json.dumps(body), content_type="application/json"
            )
        transaction.set_rollback(True)
    return response


def _leaks(response, role: str) -> list[str]:
    text = response.content.decode(errors="replace")
    return [s for s in forbidden_for(role) if s in text]


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_each_role_gets_what_the_matrix_says(sec, method, path):
    row = MATRIX.get((method, path))
    if row is None:
        pytest.fail(f"{method} {path} has no row in MATRIX")
    url = row.url(sec)
    body = row.body(sec) if row.body else None
    write = method != "GET"
    failures = []
    for role in ROLES:
        user = sec.user(role)
        variants = [("write" if write else "read", row.expected[role])]
        if write:
            variants.append(("read", READ_TOKEN_WRITES[role]))
        for scope, expected in variants:
            client = ApiClient(token(user, scope) if user is not None else None)
            response = _call(client, method, url, body)
            label = f"{role:13} {scope:5} {method} {url}"
            if response.status_code != expected:
                failures.append(f"{label}: expected {expected}, got {response.status_code}")
            if (
                response.status_code >= 400
                and response["Content-Type"] != "application/problem+json"
            ):
                failures.append(f"{label}: not a problem detail")
            if leaked := _leaks(response, role):
                failures.append(f"{label}: LEAKS {', '.join(leaked)}")
    assert not failures, "\n".join(failures)
