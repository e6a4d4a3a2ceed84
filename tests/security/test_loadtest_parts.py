"""The load test's own pieces (the run itself is a command: `manage.py loadtest`)."""

import pytest
from django.core.management import CommandError, call_command

from meetings import loadtest as lt
from meetings.models import Agenda, Meeting
from tests.factories import AgendaFactory, MeetingFactory


def test_it_seeds_a_program_with_a_draft_and_a_brief_per_scholar(db):
    lt.seed(scholars=4, mentors=2, held=2)
    lt.seed(scholars=4, mentors=2, held=2)  # replaced, not doubled
    targets = lt.Targets.load()
    assert [s["username"] for s in targets.scholars] == [f"load-scholar-{i}" for i in range(4)]
    assert {m["username"] for m in targets.mentors} == {"load-mentor-0", "load-mentor-1"}
    assert sum(len(m["briefs"]) for m in targets.mentors) == 4
    assert Meeting.objects.filter(status="held").count() == 8
    draft = Agenda.objects.get(meeting_id=targets.scholars[0]["meeting"])
    assert draft.status == "draft" and draft.meeting.is_open


def test_it_summarises_requests():
    records = [lt.Record("x", 200, 0, s / 1000) for s in range(1, 101)]
    records += [lt.Record("x", 503, 0, 0.5), lt.Record("x", 0, 0, 1.0), lt.Record("x", 409, 0, 0)]
    summary = lt.Summary.of("mix", records, seconds=10)
    assert summary.ok == 100 and summary.per_second == 10
    assert summary.server_errors == 1 and summary.no_answer == 1 and summary.other == {409: 1}
    assert 49 <= summary.p50_ms <= 52


def test_it_refuses_to_load_anything_but_postgresql(db):
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("loadtest", "--database-url", "sqlite:///x.sqlite3")


# --- the bulk data and the real autosave endpoint ------------------------------------------------


def test_it_tops_up_the_bulk_program_with_a_brief_per_loaded_scholar(db):
    call_command("seed_bulk", "--scholars", "4", "--meetings", "3", stdout=None)
    lt.top_up_bulk(3)
    lt.top_up_bulk(3)  # idempotent
    targets = lt.Targets.load_bulk(3)
    assert [s["username"] for s in targets.scholars] == lt.bulk_scholar_names(3)
    assert targets.staff == "bulk-staff" and targets.program == "bulk"
    assert sum(len(m["briefs"]) for m in targets.mentors) == 3
    for s in targets.scholars:
        draft = Agenda.objects.get(meeting_id=s["meeting"])
        assert draft.status == "draft" and draft.meeting.is_open
    briefs = Agenda.objects.filter(
        meeting__mentorship__program__slug="bulk", status="submitted", meeting__status="planned"
    )
    assert briefs.count() == 3


def test_it_posts_what_the_browser_posts_to_the_autosave_endpoint(world):
    from django.urls import reverse

    client = world.client_for(world.scholar)
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    url = reverse("agenda_autosave", args=[draft.meeting_id])
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in lt.htmx_headers(1, 1).items()}
    ok = client.post(url, lt.autosave_post({}, draft.version, "first"), **headers)
    assert ok.status_code == 200
    new_version = int(lt.VERSION.search(ok.content.decode()).group(1))
    draft.refresh_from_db()
    assert new_version == draft.version and draft.progress == "progress: first"
    stale = client.post(url, lt.autosave_post({}, new_version - 1, "second"), **headers)
    assert stale.status_code == 409
    assert int(lt.CONFLICT_VERSION.search(stale.content.decode()).group(1)) == draft.version
    draft.refresh_from_db()
    assert draft.progress == "progress: first"


def test_it_counts_autosaves_and_conflicts_against_a_live_server(live_server, transactional_db):
    import random
    import threading
    import time
    from urllib.parse import urlparse

    from tests.factories import MentorshipFactory, UserFactory

    scholar = UserFactory(username="s-live", password=lt.PASSWORD)
    mentorship = MentorshipFactory(scholar=scholar)
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=mentorship))
    port = urlparse(live_server.url).port
    records, lock = [], threading.Lock()
    browser = lt.Browser(port, records, lock)
    assert browser.login("s-live")
    target = {"username": "s-live", "meeting": draft.meeting_id, "version": draft.version}
    acks = lt.Acks()
    Agenda.objects.filter(pk=draft.pk).update(version=draft.version + 5)  # saved elsewhere
    original = lt.read_version
    reads = []

    def stale_first(b, meeting):  # the page was opened before the other save
        reads.append(meeting)
        return draft.version if len(reads) == 1 else original(b, meeting)

    lt.read_version = stale_first
    try:
        lt.scholar_loop(browser, target, acks, time.monotonic() + 2.0, random.Random(1))
    finally:
        lt.read_version = original
    assert acks.conflicts == 1
    assert acks.saves >= 1
    draft.refresh_from_db()
    assert draft.progress == acks.last_saved
    assert [r.status for r in records if r.kind == "autosave"].count(409) == 1
    assert all(r.status in (200, 302, 409) for r in records)
