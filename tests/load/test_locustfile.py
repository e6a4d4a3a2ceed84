"""The load test's parts, without a server: the plan, the posts, the write check, the figures.

The locustfile itself is only loaded in a subprocess: importing Locust patches the standard
library (gevent) for the whole process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from meetings.models import Agenda
from tests.factories import AgendaFactory, MeetingFactory
from tests.load import check, common, run

ROOT = Path(__file__).resolve().parents[2]


def _plan(**changes) -> dict:
    plan = {
        "password": "demo",
        "program": "bulk",
        "staff": ["bulk-staff"],
        "scholars": [{"username": "bulk-scholar-1", "meeting": 7}],
        "mentors": [{"username": "bulk-mentor-1", "briefs": [[8, 3]]}],
    }
    return plan | changes


def test_it_reads_the_plan_the_runner_writes(tmp_path):
    path = tmp_path / "plan.json"
    common.Plan(
        password="demo",
        program="bulk",
        staff=["bulk-staff"],
        scholars=[common.ScholarTarget("bulk-scholar-1", 7)],
        mentors=[common.MentorTarget("bulk-mentor-1", [(8, 3)])],
    ).dump(path)
    plan = common.load_plan(path)
    assert plan.scholars[0].meeting == 7 and plan.mentors[0].briefs == [(8, 3)]
    assert plan.staff == ["bulk-staff"] and plan.program == "bulk"


@pytest.mark.parametrize(
    "changes",
    [
        {"scholars": []},
        {"mentors": [{"username": "m", "briefs": []}]},
        {"scholars": [{"username": "s"}]},
        {"scholars": [{"username": "s", "meeting": "seven"}]},
    ],
)
def test_it_refuses_a_malformed_plan(tmp_path, changes):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(**changes)))
    with pytest.raises(common.PlanError):
        common.load_plan(path)
    with pytest.raises(common.PlanError, match="Cannot read"):
        common.load_plan(tmp_path / "missing.json")


def _browser_headers(target: str) -> dict:
    headers = common.htmx_headers("http://testserver/", "", target)
    return {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if v}


def test_it_posts_what_the_browser_posts_to_the_autosave_endpoint(world):
    client = world.client_for(world.scholar)
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    url = reverse("agenda_autosave", args=[draft.meeting_id])
    first = common.marker("scholar")
    ok = client.post(
        url, common.autosave_data(draft.version, first), **_browser_headers("autosave-status")
    )
    assert ok.status_code == 200
    new_version = common.read_version(ok.content.decode())
    draft.refresh_from_db()
    assert new_version == draft.version and first in getattr(draft, common.MARKED_FIELD)
    stale = client.post(
        url, common.autosave_data(new_version - 1, "second"), **_browser_headers("autosave-status")
    )
    assert stale.status_code == 409
    assert common.read_version(stale.content.decode(), common.CONFLICT_VERSION) == draft.version
    page = client.get(reverse("agenda", args=[draft.meeting_id]))
    assert common.read_version(page.content.decode()) == draft.version


def test_the_answers_to_a_new_question_and_comment_show_them(world):
    """The locustfile counts a question or comment as acknowledged when the answer shows it."""
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    text = f"Question {common.marker('scholar')}?"
    answer = world.client_for(world.scholar).post(
        reverse("question_add", args=[draft.meeting_id]),
        {"text": text},
        **_browser_headers("questions"),
    )
    assert answer.status_code == 200 and text in answer.content.decode()
    body = f"Comment {common.marker('mentor')}"
    answer = world.client_for(world.mentor).post(
        reverse("annotation_add", args=[world.meeting.pk]),
        {"body": body, "section": "general"},
        **_browser_headers("annotations"),
    )
    assert answer.status_code == 200 and body in answer.content.decode()


def test_the_checker_finds_a_missing_write_and_accepts_present_ones(world, tmp_path):
    agenda = world.agenda
    log = common.EventLog(tmp_path)
    saved, later, lost = "load s aaaa", "load s bbbb", "load s cccc"
    Agenda.objects.filter(pk=agenda.pk).update(version=5, progress=f"progress: {saved}")
    log.write("autosave-sent", meeting=world.meeting.pk, marker=saved)
    log.write("autosave", meeting=world.meeting.pk, version=5, marker=saved)
    log.write("question", meeting=world.meeting.pk, text="SECRET-QUESTION one?")
    log.write("comment", meeting=world.meeting.pk, text="A comment never written")
    writes = common.read_lines(tmp_path, "writes")
    assert len(writes) == 4

    result = check.check_writes(writes)
    assert result.acknowledged == 3
    assert len(result.lost) == 1 and "A comment never written" in result.lost[0]

    # A later save that was written but whose answer was lost: accepted…
    writes.append({"kind": "autosave-sent", "meeting": world.meeting.pk, "marker": later, "t": 9e9})
    Agenda.objects.filter(pk=agenda.pk).update(version=6, progress=f"progress: {later}")
    assert check.check_writes(writes[:3] + writes[4:]).lost == []
    assert len(check.check_writes(writes[:2]).lost) == 1  # not sent after it: lost
    # … a text nobody sent after the acknowledged save is not, nor an older version.
    Agenda.objects.filter(pk=agenda.pk).update(progress=f"progress: {lost}")
    assert len(check.check_writes(writes[:2] + writes[4:]).lost) == 1
    Agenda.objects.filter(pk=agenda.pk).update(version=4, progress=f"progress: {saved}")
    assert "at v4" in check.check_writes(writes[:2]).lost[0]


def test_it_tells_failures_in_the_outage_from_the_others():
    requests = [
        {"name": "brief", "start": 100.0, "ms": 10, "status": 200, "ok": True},
        {"name": "login", "start": 100.0, "ms": 500, "status": 302, "ok": True},
        {"name": "brief", "start": 109.0, "ms": 2000, "status": 503, "ok": False},  # in outage
        {"name": "autosave", "start": 112.0, "ms": 10, "status": 200, "ok": True},  # recovered
        {"name": "autosave", "start": 120.0, "ms": 10, "status": 500, "ok": False},  # after
        {"name": "autosave", "start": 101.0, "ms": 10, "status": 0, "ok": False},  # before
    ]
    writes = [{"kind": "conflict"}, {"kind": "autosave"}, {"kind": "question"}]
    summary = run.summarise(requests, writes, {"start": 110.0, "end": 111.5}, lost=[], users=1)
    assert summary["failures"] == 3 and summary["failures_in_outage"] == 1
    # Steady: after the one user's login, without the login and the outage (110 to 112.01).
    assert summary["steady"]["requests"] == 2
    assert summary["steady"]["endpoints"]["autosave"]["count"] == 2
    assert summary["server_errors_outside"] == 2 and summary["outside_statuses"] == [0, 500]
    assert summary["conflicts"] == 1 and summary["acknowledged"] == 2
    assert summary["endpoints"]["autosave"]["count"] == 3
    no_restart = run.summarise(requests, writes, {}, lost=[])
    assert no_restart["failures_outside"] == 3
    assert run.scholars_for(50) == 30


LOCUST = Path(sys.executable).with_name("locust")


@pytest.mark.skipif(not LOCUST.exists(), reason="locust is not installed (pip install '.[dev]')")
def test_locust_loads_the_locustfile_with_a_plan(tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(_plan()))
    env = os.environ | {
        common.PLAN_ENV: str(tmp_path / "plan.json"),
        common.LOG_ENV: str(tmp_path / "logs"),
    }
    listed = subprocess.run(
        [str(LOCUST), "-f", "tests/load/locustfile.py", "--list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert {"Scholar", "Mentor", "Staff"} <= set(listed.stdout.split())
