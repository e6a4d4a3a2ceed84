"""The API's operations: what each person's token gets, the version check, problem details,
cursor pages, ETags and the rate limit."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, Agenda, Meeting
from tests.api.conftest import ApiClient, client_for, token
from tests.factories import ActionItemFactory, MeetingFactory

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status and body["detail"] and body["title"]
    assert "/api/docs#problem-" in body["type"]
    return body


# --- Done when -----------------------------------------------------------------------------------


def test_a_scholars_token_lists_their_meetings_and_marks_an_action_item_done(sec):
    api = client_for(sec.scholar, "write")
    listed = api.get("/api/meetings?limit=100").json()
    expected = set(Meeting.objects.visible_to(sec.scholar).values_list("pk", flat=True))
    assert {m["id"] for m in listed["items"]} == expected and len(expected) >= 4
    assert all(m["role"] == "scholar" for m in listed["items"])
    response = api.patch_json(f"/api/action-items/{sec.action.pk}", {"done": True})
    assert response.status_code == 200 and response.json()["done"] is True
    sec.action.refresh_from_db()
    assert sec.action.done and sec.action.done_at is not None
    api.patch_json(f"/api/action-items/{sec.action.pk}", {"done": False})
    sec.action.refresh_from_db()
    assert not sec.action.done and sec.action.done_at is None


def test_a_second_scholars_token_opens_none_of_the_first_scholars_meetings(sec):
    api = client_for(sec.other_scholar, "write")
    theirs = Meeting.objects.filter(mentorship__scholar=sec.scholar)
    assert theirs.count() >= 4
    listed = {m["id"] for m in api.get("/api/meetings?limit=100").json()["items"]}
    assert listed.isdisjoint(theirs.values_list("pk", flat=True))
    for meeting in theirs:
        for suffix in ("", "/agenda", "/brief"):
            assert_problem(api.get(f"/api/meetings/{meeting.pk}{suffix}"), 404)
        response = api.patch_json(f"/api/meetings/{meeting.pk}/agenda", {"version": 1, "asks": "x"})
        assert_problem(response, 404)
    assert_problem(api.patch_json(f"/api/action-items/{sec.action.pk}", {"done": True}), 404)
    assert_problem(api.get(f"/api/scholars/{sec.scholar.pk}/history"), 404)
    assert_problem(api.get(f"/api/scholars/{sec.scholar.pk}/reading"), 404)
    sec.action.refresh_from_db()
    assert not sec.action.done


def test_a_mentor_sees_the_submitted_agenda_without_a_private_checkin_and_not_a_draft(sec):
    api = client_for(sec.mentor)
    agenda = api.get(f"/api/meetings/{sec.meeting.pk}/agenda").json()
    assert agenda["bottleneck"].startswith("SECRET-BOTTLENECK") and agenda["checkin"] is None
    assert api.get(f"/api/meetings/{sec.draft_meeting.pk}/agenda").status_code == 404
    scholar = client_for(sec.scholar).get(f"/api/meetings/{sec.meeting.pk}/agenda").json()
    assert scholar["checkin"]["note"] == "SECRET-WB-ONLYME"


def test_the_brief_carries_comments_answers_notes_and_action_items(sec):
    brief = client_for(sec.mentor).get(f"/api/meetings/{sec.meeting.pk}/brief").json()
    text = str(brief)
    for sentinel in ("SECRET-ANNOTATION", "SECRET-ANSWER", "SECRET-MEETING-NOTE", "SECRET-ACTION"):
        assert sentinel in text
    assert "SECRET-WB-ONLYME" not in text
    assert brief["agenda"]["checkin"] is None


def test_history_shows_the_mentor_only_what_they_may_open(sec):
    page = client_for(sec.second_mentor).get(f"/api/scholars/{sec.scholar.pk}/history?limit=100")
    entries = page.json()["items"]
    mine = [e for e in entries if e["full"]]
    assert mine and all(e["mentor"]["id"] == sec.second_mentor.pk for e in mine)
    assert all(e["agenda"] is None and not e["action_items"] for e in entries if not e["full"])


def test_the_cadence_figures_are_the_csvs(sec):
    staff = client_for(sec.staff)
    rows = staff.get(f"/api/programs/{sec.program.slug}/cadence?sort=scholar").json()["rows"]
    from django.test import Client

    browser = Client()
    browser.force_login(sec.staff)
    response = browser.get(reverse("cadence_csv", args=[sec.program.slug]) + "?sort=scholar")
    lines = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["scholar"] for r in rows] == [line["scholar"] for line in lines]
    for row, line in zip(rows, lines, strict=True):
        for name in ("held_4w", "held_total", "open_action_items", "cadence_days"):
            assert str(row[name]) == line[name]
        assert str(row["expected_total"]) == line["expected_total"]
        assert int(row["overdue"]) == int(line["overdue"])
    assert_problem(
        client_for(sec.other_staff).get(f"/api/programs/{sec.program.slug}/cadence"), 404
    )


# --- Writes: scope, version check ---------------------------------------------------------------


def test_a_read_token_may_not_write(sec):
    api = client_for(sec.scholar)  # read scope
    agenda = sec.draft_meeting.agenda
    response = api.patch_json(
        f"/api/meetings/{sec.draft_meeting.pk}/agenda", {"version": agenda.version, "asks": "x"}
    )
    assert "write" in assert_problem(response, 403)["detail"]
    assert_problem(api.patch_json(f"/api/action-items/{sec.action.pk}", {"done": True}), 403)
    agenda.refresh_from_db()
    sec.action.refresh_from_db()
    assert agenda.asks != "x" and not sec.action.done


def test_an_agenda_saves_over_its_version_and_refuses_a_stale_one_with_409(sec):
    api = client_for(sec.scholar, "write")
    url = f"/api/meetings/{sec.draft_meeting.pk}/agenda"
    read = api.get(url).json()
    saved = api.patch_json(url, {"version": read["version"], "asks": "A new ask"})
    assert saved.status_code == 200
    assert saved.json()["asks"] == "A new ask" and saved.json()["version"] == read["version"] + 1
    stale = api.patch_json(url, {"version": read["version"], "asks": "Over the top"})
    body = assert_problem(stale, 409)
    assert body["current_version"] == read["version"] + 1
    assert body["type"].endswith("#problem-stale-version")
    assert Agenda.objects.get(meeting=sec.draft_meeting).asks == "A new ask"


def test_a_mentor_cannot_write_the_agenda_and_a_held_meetings_agenda_is_read_only(sec):
    mentor = client_for(sec.mentor, "write")
    assert_problem(
        mentor.patch_json(f"/api/meetings/{sec.meeting.pk}/agenda", {"version": 1, "asks": "x"}),
        404,
    )
    scholar = client_for(sec.scholar, "write")
    held = scholar.patch_json(f"/api/meetings/{sec.held_meeting.pk}/agenda", {"version": 1})
    assert assert_problem(held, 409)["type"].endswith("#problem-not-planned")


def test_an_agenda_change_that_breaks_a_rule_is_refused_with_422(sec):
    api = client_for(sec.scholar, "write")
    agenda = sec.agenda  # submitted: it must keep a main bottleneck
    body = assert_problem(
        api.patch_json(
            f"/api/meetings/{sec.meeting.pk}/agenda", {"version": agenda.version, "bottleneck": ""}
        ),
        422,
    )
    assert "bottleneck" in body["detail"]
    too_long = api.patch_json(
        f"/api/meetings/{sec.meeting.pk}/agenda", {"version": agenda.version, "decision": "x" * 301}
    )
    assert assert_problem(too_long, 422)["errors"]
    agenda.refresh_from_db()
    assert agenda.bottleneck.startswith("SECRET-BOTTLENECK")


def test_the_scholar_may_not_mark_their_mentors_item(sec):
    item = ActionItemFactory(mentorship=sec.mentorship, owner=ActionItem.Owner.MENTOR)
    assert_problem(
        client_for(sec.scholar, "write").patch_json(f"/api/action-items/{item.pk}", {"done": True}),
        403,
    )
    item.refresh_from_db()
    assert not item.done


# --- Problems, pages, ETags, rate limit ---------------------------------------------------------


def test_errors_are_problem_details(sec):
    api = client_for(sec.scholar, "write")
    assert_problem(ApiClient().get("/api/meetings"), 401)
    assert_problem(api.get("/api/meetings/999999"), 404)
    assert_problem(api.get("/api/no-such-thing"), 404)
    assert_problem(api.get("/api/meetings/not-a-number"), 404)  # not an id: no such address
    assert_problem(api.get("/api/meetings/" + "9" * 20), 404)
    csrf_checked = ApiClient(api.raw)
    csrf_checked.handler.enforce_csrf_checks = True
    assert_problem(csrf_checked.patch_json("/api/meetings/x/agenda", {"version": 1}), 404)
    assert_problem(api.get("/api/meetings?limit=0"), 422)
    assert_problem(api.get("/api/meetings?cursor=forged"), 400)
    wrong_method = api.delete(f"/api/meetings/{sec.meeting.pk}")
    assert "GET" in assert_problem(wrong_method, 405)["detail"] and wrong_method["Allow"] == "GET"
    not_json = api.patch(
        f"/api/action-items/{sec.action.pk}", "{not json", content_type="application/json"
    )
    assert_problem(not_json, 400)
    huge = api.patch_json(f"/api/action-items/{sec.action.pk}", {"done": True, "x": "y" * 600_000})
    assert_problem(huge, 413)
    missing = api.patch_json(f"/api/action-items/{sec.action.pk}", {})
    assert assert_problem(missing, 422)["errors"][0]["loc"][-1] == "done"


def test_lists_are_paged_by_an_opaque_cursor(sec):
    now = timezone.now()
    for days in range(1, 6):
        MeetingFactory(mentorship=sec.mentorship, scheduled_at=now + timedelta(days=30 + days))
    api = client_for(sec.scholar)
    expected = list(
        Meeting.objects.visible_to(sec.scholar)
        .order_by("-scheduled_at", "-pk")
        .values_list("pk", flat=True)
    )
    seen, url, pages = [], "/api/meetings?limit=3", 0
    while url:
        response = api.get(url)
        body = response.json()
        seen += [m["id"] for m in body["items"]]
        if body["next"]:
            assert response["Link"] == f'<{body["next"]}>; rel="next"'
            assert "cursor=" in body["next"]
        url, pages = body["next"], pages + 1
    assert seen == expected and pages == -(-len(expected) // 3)
    # A cursor belongs to its own list.
    cursor = api.get("/api/meetings?limit=1").json()["next"].split("cursor=")[1].split("&")[0]
    assert_problem(api.get(f"/api/action-items?cursor={cursor}"), 400)


def test_an_unchanged_answer_is_a_304_for_its_etag(sec):
    api = client_for(sec.scholar, "write")
    url = f"/api/meetings/{sec.draft_meeting.pk}/agenda"
    first = api.get(url)
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    api.patch_json(url, {"version": first.json()["version"], "asks": "Changed"})
    changed = api.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


@override_settings(API_RATE_LIMIT=3, API_RATE_WINDOW=60)
def test_each_token_is_rate_limited_with_429_and_retry_after(sec):
    api = client_for(sec.scholar)
    assert [api.get("/api/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/me")
    assert_problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert ApiClient(token(sec.scholar)).get("/api/me").status_code == 200  # another token


# --- The docs -----------------------------------------------------------------------------------


def test_the_docs_are_for_signed_in_people_and_list_every_operation(sec, client):
    response = client.get("/api/docs")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(sec.scholar)
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    schema = client.get("/api/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in html
    assert "problem-stale-version" in html and "<script>" not in html
    assert "cdn" not in page["Content-Security-Policy"].lower()


@pytest.mark.parametrize("status", ["400", "401", "403", "404", "409", "422", "429"])
def test_the_schema_says_errors_are_problem_details(client, status):
    schema = client.get("/api/openapi.json").json()
    answers = [
        op["responses"][status]
        for methods in schema["paths"].values()
        for op in methods.values()
        if status in op["responses"]
    ]
    assert answers
    assert all(list(a["content"]) == [PROBLEM] for a in answers)


def test_an_unexpected_fault_is_logged_and_answered_as_a_problem(sec, monkeypatch, caplog):
    """The last-resort handler: a fault in an operation (here, one forced into the domain
    function it calls) is logged with its traceback and answered as a problem, not a page."""
    from meetings.briefs import domain as briefs

    def broken(*args, **kwargs):
        raise RuntimeError("forced fault")

    monkeypatch.setattr(briefs, "brief_context", broken)
    response = client_for(sec.scholar).get(f"/api/meetings/{sec.meeting.pk}/brief")
    assert_problem(response, 500)
    assert "forced fault" not in response.content.decode()
    assert any("forced fault" in str(r.exc_info) for r in caplog.records if r.exc_info)
