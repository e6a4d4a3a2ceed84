"""Downloads and the program copy: what each export holds, and a round trip that loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts.models import Program, User
from meetings import agendas, growth, plans
from meetings.cadence import cadence_rows
from meetings.models import (
    Agenda,
    BriefRead,
    LeadFeedback,
    MeetingOutcome,
    MeetingSeries,
    MentorPrivateNote,
    Question,
    Recap,
    SentReminder,
    StatusChange,
)
from meetings.program_copy import (
    NOT_IN_PROGRAM_COPY,
    ProgramImportError,
    comparable,
    export_program,
    import_program,
    models_in_a_program_copy,
    project_models,
)
from tests.factories import QuestionFactory

ROOT = Path(settings.BASE_DIR)


def _download(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def test_it_gives_the_scholar_all_their_data(sec):
    data = _download(sec.client_for(sec.scholar), reverse("my_data_export"))
    text = json.dumps(data)
    for sentinel in [
        "SECRET-BOTTLENECK",
        "SECRET-TRIED-TEXT",
        "SECRET-QUESTION",
        "SECRET-ANSWER",
        "SECRET-ANNOTATION",
        "SECRET-ACTION",
        "SECRET-MEETING-NOTE",
        "SECRET-DRAFT-ONLY",
        "SECRET-WB-ONLYME",
        "SECRET-WB-MENTORS",
        "SECRET-WB-MANAGER",
        "SECRET-DRAFT-HISTORY",
    ]:
        assert sentinel in text, sentinel
    assert "SECRET-OTHER-SCHOLAR" not in text
    assert data["profile"]["username"] == "scholar"
    assert len(data["meetings"]) == 4
    planned = next(m for m in data["meetings"] if m["agenda"] and m["agenda"]["check_in"]["note"])
    assert planned["agenda"]["check_in"]["energy"] is not None


def test_it_gives_a_mentor_what_they_wrote_and_nothing_private(sec):
    data = _download(sec.client_for(sec.mentor), reverse("my_data_export"))
    assert data["meetings"] == []
    assert [c["text"] for c in data["written_as_mentor"]["comments"]] == ["SECRET-ANNOTATION here"]
    assert [n["text"] for n in data["written_as_mentor"]["notes"]] == [
        "SECRET-MEETING-NOTE decided"
    ]
    assert "SECRET-WB" not in json.dumps(data)


def test_it_gives_staff_the_programs_figures_without_any_text(sec):
    data = _download(sec.client_for(sec.staff), reverse("program_export", args=["winter"]))
    text = json.dumps(data)
    assert "SECRET" not in text
    assert "Older bottleneck" not in text and "Other question" not in text
    pair = next(m for m in data["mentorships"] if m["scholar"] == sec.scholar.name)
    assert pair["held_total"] == 2
    assert pair["action_items"] == {"open": 1, "done": 0}
    submitted = [m for m in pair["meetings"] if m["agenda"] and m["agenda"]["questions"]]
    assert submitted[0]["agenda"]["questions"] == 1
    assert submitted[0]["agenda"]["comments"] == 1


def test_it_gives_staff_the_same_figures_as_the_dashboard(sec):
    data = _download(sec.client_for(sec.staff), reverse("program_export", args=["winter"]))
    rows = {r.mentorship.scholar.name: r for r in cadence_rows(sec.program.mentorships.all())}
    assert sorted(p["scholar"] for p in data["mentorships"]) == sorted(rows)
    assert any(r.held_total for r in rows.values()) and any(r.overdue for r in rows.values())
    for pair in data["mentorships"]:
        row = rows[pair["scholar"]]
        assert (pair["held_total"], pair["overdue"], pair["action_items"]["open"]) == (
            row.held_total,
            row.overdue,
            row.open_items,
        )


def test_it_refuses_another_programs_figures(sec):
    response = sec.client_for(sec.other_staff).get(reverse("program_export", args=["winter"]))
    assert response.status_code == 404


def test_it_copies_every_model_of_the_project():
    """A new model must go into the program copy (PROGRAM_TABLES) or be excluded on purpose."""
    missing = set(project_models()) - models_in_a_program_copy() - NOT_IN_PROGRAM_COPY
    assert not missing, (
        f"Models not in the program copy: {sorted(missing)}. Add them to PROGRAM_TABLES in "
        "meetings/program_copy.py (and _program_querysets), or to NOT_IN_PROGRAM_COPY with a reason."
    )


@pytest.fixture
def rich(sec):
    """The security world plus what tends to break a copy: carried questions, unicode, nulls."""
    carried = QuestionFactory(
        agenda=Agenda.objects.get(meeting=sec.held_meeting), text="Carried — ünïcode ✓?"
    )
    sec.question.carried_from = carried
    sec.question.save()
    agendas.save_fields(sec.agenda, {"progress": "Line one\nLine two 🚀"}, sec.agenda.version)
    sec.scholar.set_password("s3cret-pass")
    sec.scholar.save()
    # Rows of every kind: a series, a read receipt, a private note, a reminder that went out.
    series = MeetingSeries.objects.create(
        mentorship=sec.mentorship,
        starts_at=sec.meeting.scheduled_at,
        count=2,
        time_zone="Asia/Tokyo",
    )
    sec.meeting.series = series
    sec.meeting.save()
    BriefRead.record(sec.agenda, sec.mentor)
    MentorPrivateNote.objects.create(mentor=sec.mentor, scholar=sec.scholar, text="Private ✓")
    SentReminder.objects.create(
        kind=SentReminder.Kind.AGENDA_DUE, meeting=sec.meeting, recipient=sec.scholar
    )
    StatusChange.objects.create(
        meeting=sec.held_meeting, action="held", by=sec.mentor, time_zone="Asia/Tokyo"
    )
    # After the meeting, and the research plan with a milestone this agenda advanced.
    Recap.objects.create(meeting=sec.held_meeting, takeaway="Take ✓", next_steps="Next")
    MeetingOutcome.objects.create(meeting=sec.held_meeting, answer="partly", comment="ü")
    LeadFeedback.objects.create(
        meeting=sec.held_meeting, mentor=sec.mentor, clarity="clear", important_first="yes"
    )
    plans.save_plan(sec.scholar, "Goal ✓", "Change", None)
    plans.add_milestone(sec.scholar, "Baseline", None).agendas.add(sec.agenda)
    growth.save_sharing(sec.scholar, {"leading": True, "report": True})
    return sec


def _count_rows(program: Program) -> dict[str, int]:
    doc = export_program(program)
    return {k: len(v) for k, v in doc.items() if isinstance(v, list)}


def test_it_round_trips_a_program_inside_one_database(rich):
    program = rich.program
    before = export_program(program)
    counts = _count_rows(program)
    assert all(counts.values()), counts  # every table has rows: the test covers them all
    usernames = [u["username"] for u in before["users"]]
    program.delete()
    User.objects.filter(username__in=usernames).delete()
    imported, created = import_program(json.loads(json.dumps(before)))
    after = export_program(imported)
    assert comparable(after) == comparable(before)
    assert created["users"] == len(usernames)
    copy = Question.objects.get(text="SECRET-QUESTION one?")
    assert copy.carried_from.text == "Carried — ünïcode ✓?"
    assert User.objects.get(username="scholar").check_password("s3cret-pass")


def test_it_refuses_to_import_over_an_existing_program(rich):
    doc = export_program(rich.program)
    with pytest.raises(ProgramImportError, match="already exists"):
        import_program(doc)
    with pytest.raises(ProgramImportError, match="not a mentorprep program file"):
        import_program({"hello": 1})


def test_it_writes_nothing_when_an_import_fails_half_way(rich):
    doc = export_program(rich.program)
    rich.program.delete()
    doc["questions"][0]["agenda"] = 999_999  # a reference to nothing
    users_before = User.objects.count()
    with pytest.raises(ProgramImportError, match="not in the file"):
        import_program(doc)
    assert not Program.objects.filter(slug="winter").exists()
    assert User.objects.count() == users_before


def test_it_says_which_programs_exist_for_an_unknown_slug(rich):
    with pytest.raises(CommandError, match="winter"):
        call_command("export_program", "nope")


def _other_database(tmp_path) -> tuple[str, callable]:
    """Another engine than the suite's own when one is available: SQLite ↔ PostgreSQL."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'copy.sqlite3'}", lambda: None
    try:
        import psycopg

        admin = psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres",
            autocommit=True,
            connect_timeout=2,
        )
    except Exception:
        return f"sqlite:///{tmp_path / 'copy.sqlite3'}", lambda: None
    name = f"mentorprep_roundtrip_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"postgres://postgres@127.0.0.1:5432/{name}", drop


def _manage(database_url: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DATABASE_URL": database_url, "DEBUG": "1", "CONN_MAX_AGE": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_it_round_trips_a_program_to_another_database_engine(rich, tmp_path):
    """export_program here, import_program into a fresh database of the other engine, compare."""
    out = StringIO()
    call_command("export_program", "winter", stdout=out)
    original = json.loads(out.getvalue())
    path = tmp_path / "winter.json"
    path.write_text(out.getvalue(), encoding="utf-8")

    target, drop = _other_database(tmp_path)
    try:
        _manage(target, "migrate", "--noinput")
        report = _manage(target, "import_program", str(path))
        assert "Imported “winter”" in report
        copy = json.loads(_manage(target, "export_program", "winter"))
    finally:
        drop()
    assert comparable(copy) == comparable(original)
    assert {k: len(v) for k, v in copy.items() if isinstance(v, list)} == _count_rows(rich.program)
