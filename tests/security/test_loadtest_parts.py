"""The load test's own pieces (the run itself is a command: `manage.py loadtest`)."""

import pytest
from django.core.management import CommandError, call_command

from meetings import loadtest as lt
from meetings.models import Agenda, Meeting


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
