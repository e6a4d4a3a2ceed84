"""The API's docs page, drawn on the server from its OpenAPI schema: each operation with its
parameters, scope and answers, the problem types, and how to get a token. No script, no CDN."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from meetings.api import problems

PROBLEM_TYPES = [
    ("400", "Bad request: a body that is not JSON, or a cursor this list did not give."),
    ("401", "No token, or one that is unknown, revoked, expired, or of an inactive account."),
    ("403", "The token may not do this: a write with a read token, or an item you may not mark."),
    ("404", "No such resource, or not one you may see (the same answer for both)."),
    (
        "422",
        "A parameter or field that does not fit the schema or a rule of the page; `errors` "
        "lists them.",
    ),
    ("429", "Rate limit reached for this token: wait the Retry-After header's seconds."),
    (
        "stale-version",
        "409: the agenda changed since the version you sent; `current_version` "
        "says which it is now. Read it again and resend your change.",
    ),
    ("not-planned", "409: the meeting is no longer planned, so its agenda is read-only."),
    ("500", "A fault on our side; it is logged."),
]


def _type_name(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type_name(s, components) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type_name(schema.get('items', {}), components)}"
    kind = schema.get("type", "any")
    limits = [
        f"{label} {schema[key]}"
        for key, label in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "at most"))
        if key in schema
    ]
    if "maxLength" in schema:
        limits[-1] += " characters"
    return kind + (f" ({', '.join(limits)})" if limits else "")


def _fields(ref: dict, components: dict) -> list[dict]:
    schema = components.get(ref.get("$ref", "").rsplit("/", 1)[-1], ref)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_name(prop, components),
            "required": name in required,
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(schema: dict) -> list[dict]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for route, methods in schema["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {})
            found.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": route,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "scope": op.get("x-scope", "read"),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type_name(p.get("schema", {}), components),
                            "description": p.get("description", "")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _fields(body["schema"], components) if body else [],
                    "answer": _type_name(ok["schema"], components) if ok else "",
                    "responses": sorted(
                        (status, answer.get("description", ""))
                        for status, answer in op["responses"].items()
                    ),
                }
            )
    return found


def schemas(schema: dict) -> list[dict]:
    components = schema.get("components", {}).get("schemas", {})
    return [
        {"name": name, "fields": _fields(s, components), "description": s.get("description", "")}
        for name, s in sorted(components.items())
    ]


@require_http_methods(["GET"])
def docs(request: HttpRequest) -> HttpResponse:
    from meetings.api.main import api

    schema = api.get_openapi_schema()
    return render(
        request,
        "meetings/api/docs.html",
        {
            "info": schema["info"],
            "operations": operations(schema),
            "schemas": schemas(schema),
            "problem_types": [
                (slug, problems.problem_type(slug), text) for slug, text in PROBLEM_TYPES
            ],
        },
    )
