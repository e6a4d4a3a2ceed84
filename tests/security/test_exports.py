"""Downloads and the program copy: what each export holds, and a round trip that loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Program, User
from meetings.agendas import domain as agendas
from meetings.data.program_copy import (
    NOT_IN_PROGRAM_COPY,
    ProgramImportError,
    comparable,
    export_program,
    import_program,
    models_in_a_program_copy,
    project_models,
)
from meetings.growth import signals as growth
from meetings.models import (
    Agenda,
    BriefRead,
    Meeting,
    Question,
    SentReminder,
)
from meetings.plans import domain as plans
from meetings.staff.cadence import cadence_rows
from tests.factories import (
    AnnotationFactory,
    CaptureFactory,
    GrowthSharingFactory,
    HelpAskedFactory,
    LeadFeedbackFactory,
    LiveMeetingFactory,
    MeetingFactory,
    MeetingNoteFactory,
    MeetingOutcomeFactory,
    MeetingSeriesFactory,
    MentorPrivateNoteFactory,
    MilestoneFactory,
    PeerOfferFactory,
    ProgressLineFactory,
    QuestionFactory,
    ReadingEntryFactory,
    ReadingRecommendationFactory,
    RecapFactory,
    ResearchPlanFactory,
    SentReminderFactory,
    StatusChangeFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

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
        "meetings/data/program_copy.py (and _program_querysets), or to NOT_IN_PROGRAM_COPY with a reason."
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
    series = MeetingSeriesFactory(
        mentorship=sec.mentorship,
        starts_at=sec.meeting.scheduled_at,
        count=2,
        time_zone="Asia/Tokyo",
    )
    sec.meeting.series = series
    sec.meeting.save()
    BriefRead.record(sec.agenda, sec.mentor)
    MentorPrivateNoteFactory(mentor=sec.mentor, scholar=sec.scholar, text="Private ✓")
    SentReminderFactory(
        kind=SentReminder.Kind.AGENDA_DUE, meeting=sec.meeting, recipient=sec.scholar
    )
    StatusChangeFactory(
        meeting=sec.held_meeting, action="held", by=sec.mentor, time_zone="Asia/Tokyo"
    )
    # After the meeting, and the research plan with a milestone this agenda advanced.
    RecapFactory(meeting=sec.held_meeting, takeaway="Take ✓", next_steps="Next")
    MeetingOutcomeFactory(meeting=sec.held_meeting, answer="partly", comment="ü")
    LeadFeedbackFactory(
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


# --- "Download all my data": everything a person wrote or is about them, and nothing else ------


def _held_meeting(mentorship, days_ago: int, **agenda):
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    SubmittedAgendaFactory(meeting=meeting, **agenda)
    return meeting


def _after_meeting(world, mentorship, days_ago: int, tag: str = ""):
    """A held meeting of the pair with all that follows it: recap (confirmed, corrected),
    outcome, feedback on leading, meeting-mode captures by both, a milestone it advanced."""
    meeting = _held_meeting(mentorship, days_ago)
    RecapFactory(
        meeting=meeting,
        takeaway=f"RECAP-TAKEAWAY{tag}",
        next_steps=f"RECAP-NEXT{tag}",
        still_need=f"RECAP-NEED{tag}",
        confirmed_by=mentorship.mentor,
        confirmed_at=meeting.scheduled_at,
        correction=f"RECAP-CORRECTION{tag}",
    )
    MeetingOutcomeFactory(meeting=meeting, answer="partly", comment=f"OUTCOME-COMMENT{tag}")
    LeadFeedbackFactory(
        meeting=meeting,
        mentor=mentorship.mentor,
        clarity="mostly",
        important_first="yes",
        note=f"FEEDBACK-NOTE{tag}",
    )
    AnnotationFactory(agenda=meeting.agenda, body=f"COMMENT{tag}")
    MeetingNoteFactory(meeting=meeting, body=f"NOTE{tag}")
    live = LiveMeetingFactory(meeting=meeting, seq=2)
    CaptureFactory(
        live=live, seq=1, author=mentorship.scholar, kind="answer", text=f"CAPTURE-SCHOLAR{tag}"
    )
    CaptureFactory(
        live=live, seq=2, author=mentorship.mentor, kind="action", text=f"CAPTURE-MENTOR{tag}"
    )
    return meeting


@pytest.fixture
def person(world):
    """The world's scholar with everything the export should hold, and around them what belongs
    to others: another scholar's outcome comment, another mentor's private note, a peer's
    bottleneck no longer shared (the scholar's offer on it stays)."""
    meeting = _after_meeting(world, world.mentorship, 7)
    plan = ResearchPlanFactory(
        scholar=world.scholar, goal="PLAN-GOAL", theory_of_change="PLAN-THEORY"
    )
    milestone = MilestoneFactory(plan=plan, title="MILESTONE-ONE", position=1)
    milestone.agendas.add(meeting.agenda)
    MilestoneFactory(plan=plan, title="MILESTONE-TWO", position=2)
    ReadingEntryFactory(scholar=world.scholar, title="READ-TITLE", takeaway="READ-TAKE")
    ProgressLineFactory(scholar=world.scholar, text="PROGRESS-LINE")
    ReadingRecommendationFactory(
        program=world.program, mentor=world.mentor, scholar=world.scholar, title="REC-TO-YOU"
    )
    ReadingRecommendationFactory(
        program=world.program, mentor=world.other_mentor, title="REC-TO-ALL", note="REC-WHY"
    )
    ReadingRecommendationFactory(
        program=world.program,
        mentor=world.mentor,
        scholar=world.other_scholar,
        title="REC-TO-OTHER",
    )
    GrowthSharingFactory(scholar=world.scholar, reading=True, report=True)
    # the scholar named a peer as someone they asked
    HelpAskedFactory(
        agenda=meeting.agenda, kind="peer", peer=world.other_scholar, outcome="ASKED-OUTCOME"
    )
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="MY-NOTE")
    MentorPrivateNoteFactory(
        mentor=world.other_mentor, scholar=world.scholar, text="SECRET-OTHER-MENTORS-NOTE"
    )
    # the other scholar's own meeting: an outcome comment, a bottleneck they stopped sharing
    theirs = Meeting.objects.get(mentorship__scholar=world.other_scholar)
    agenda = SubmittedAgendaFactory(
        meeting=theirs, bottleneck="SECRET-UNSHARED-BOTTLENECK", bottleneck_shared=False
    )
    PeerOfferFactory(agenda=agenda, author=world.scholar, message="OFFER-MADE")
    PeerOfferFactory(agenda=world.agenda, author=world.other_scholar, message="OFFER-GOT")
    MeetingOutcomeFactory(meeting=theirs, answer="no", comment="SECRET-OTHER-OUTCOME-COMMENT")
    return meeting, milestone


def _mine(world, role) -> dict:
    return _download(world.client_for(getattr(world, role)), reverse("my_data_export"))


def test_it_gives_the_scholar_the_after_meeting_record_of_each_meeting(world, person):
    meeting, _ = person
    data = _mine(world, "scholar")
    held = next(m for m in data["meetings"] if m["status"] == "held")
    assert held["recap"] == {
        "takeaway": "RECAP-TAKEAWAY",
        "next_steps": "RECAP-NEXT",
        "still_need": "RECAP-NEED",
        "written_at": held["recap"]["written_at"],
        "updated_at": held["recap"]["updated_at"],
        "confirmed_by": world.mentor.name,
        "confirmed_at": meeting.scheduled_at.isoformat(),
        "correction": "RECAP-CORRECTION",
    }
    assert held["got_what_i_came_for"]["answer"] == "partly"
    assert held["got_what_i_came_for"]["comment"] == "OUTCOME-COMMENT"
    [feedback] = held["feedback_on_leading"]
    assert feedback["from"] == world.mentor.name and feedback["note"] == "FEEDBACK-NOTE"
    assert feedback["clarity"] == "Mostly clear" and feedback["important_first"] == "Yes"
    typed = [(c["author"], c["text"]) for c in held["typed_in_meeting_mode"]]
    assert typed == [(world.scholar.name, "CAPTURE-SCHOLAR"), (world.mentor.name, "CAPTURE-MENTOR")]
    assert held["agenda"]["milestones_advanced"] == ["MILESTONE-ONE"]
    assert [e["outcome"] for e in held["agenda"]["whom_i_asked"]] == ["ASKED-OUTCOME"]
    planned = next(m for m in data["meetings"] if m["status"] != "held")
    assert planned["recap"] is None and planned["got_what_i_came_for"] is None
    assert planned["typed_in_meeting_mode"] == [] and planned["feedback_on_leading"] == []


def test_it_gives_the_scholar_their_plan_reading_recommendations_and_sharing(world, person):
    meeting, _ = person
    data = _mine(world, "scholar")
    plan = data["research_plan"]
    assert plan["goal"] == "PLAN-GOAL" and plan["theory_of_change"] == "PLAN-THEORY"
    assert [(m["title"], m["meetings"]) for m in plan["milestones"]] == [
        ("MILESTONE-ONE", [meeting.scheduled_at.isoformat()]),
        ("MILESTONE-TWO", []),
    ]
    assert [r["title"] for r in data["reading"]] == ["READ-TITLE"]
    assert [p["text"] for p in data["progress_log"]] == ["PROGRESS-LINE"]
    received = {r["title"]: r for r in data["recommendations_received"]}
    assert set(received) == {"REC-TO-YOU", "REC-TO-ALL"}
    assert received["REC-TO-ALL"]["to_the_whole_program"] is True
    assert received["REC-TO-ALL"]["note"] == "REC-WHY"
    assert received["REC-TO-YOU"]["from"] == world.mentor.name
    assert data["growth_sharing"] == {
        "leading": False,
        "unstuck": False,
        "reading": True,
        "peers": False,
        "report": True,
        "updated_at": data["growth_sharing"]["updated_at"],
    }
    assert sorted(o["message"] for o in data["peer_offers"]) == ["OFFER-GOT", "OFFER-MADE"]
    assert data["times_named_by_a_peer_as_someone_asked"] == 0


def test_it_gives_a_mentor_all_they_wrote_and_their_meetings_captures(world, person):
    data = _mine(world, "mentor")
    written = data["written_as_mentor"]
    assert [n["text"] for n in written["private_notes"]] == ["MY-NOTE"]
    assert [f["note"] for f in written["feedback_on_leading"]] == ["FEEDBACK-NOTE"]
    assert [r["correction"] for r in written["recaps_confirmed"]] == ["RECAP-CORRECTION"]
    assert sorted(c["text"] for c in written["typed_in_meeting_mode"]) == [
        "CAPTURE-MENTOR",
        "CAPTURE-SCHOLAR",
    ]
    made = {r["title"]: r["to"] for r in written["recommendations_made"]}
    assert made == {"REC-TO-YOU": world.scholar.name, "REC-TO-OTHER": world.other_scholar.name}
    assert data["meetings"] == [] and data["research_plan"] is None


def test_a_mentor_who_answers_finds_the_answer_in_their_data(world):
    question = world.agenda.questions.get()
    Question.objects.filter(pk=question.pk).update(answer="MY-ANSWER", answered_by=world.mentor)
    data = _mine(world, "mentor")
    assert [a["answer"] for a in data["written_as_mentor"]["answers"]] == ["MY-ANSWER"]


def test_a_peer_learns_only_that_they_were_named_as_someone_asked(world, person):
    data = _mine(world, "other_scholar")
    assert data["times_named_by_a_peer_as_someone_asked"] == 1
    assert "ASKED-OUTCOME" not in json.dumps(data)


@pytest.mark.parametrize(
    "role", ["scholar", "mentor", "other_scholar", "other_mentor", "staff", "manager", "outsider"]
)
def test_nobody_downloads_anothers_private_data(world, person, role):
    """Whole JSON strings: "OUTCOME-COMMENT" is the scholar's comment, never the other's."""
    text = json.dumps(_mine(world, role))
    scholars = ['"RECAP-', '"CAPTURE-', '"FEEDBACK-NOTE"', '"PLAN-GOAL"', '"READ-TAKE"']
    never = {
        "scholar": ['"SECRET-OTHER-MENTORS-NOTE"', '"SECRET-OTHER-OUTCOME-COMMENT"', '"MY-NOTE"'],
        "mentor": [
            '"SECRET-OTHER-MENTORS-NOTE"',
            '"OUTCOME-COMMENT"',
            '"PLAN-GOAL"',
            '"READ-TAKE"',
        ],
        "other_scholar": [*scholars, '"OUTCOME-COMMENT"', '"MY-NOTE"', '"ASKED-OUTCOME"'],
        "other_mentor": [*scholars, '"OUTCOME-COMMENT"', '"MY-NOTE"'],
    }.get(role, [*scholars, '"OUTCOME-COMMENT"', '"MY-NOTE"', '"SECRET-OTHER-MENTORS-NOTE"'])
    if role != "other_scholar":  # their own bottleneck is theirs to download
        never.append("SECRET-UNSHARED-BOTTLENECK")
    for sentinel in never:
        assert sentinel not in text, sentinel


def test_the_other_mentor_downloads_their_own_note_and_recommendation(world, person):
    written = _mine(world, "other_mentor")["written_as_mentor"]
    assert [n["text"] for n in written["private_notes"]] == ["SECRET-OTHER-MENTORS-NOTE"]
    assert [r["to"] for r in written["recommendations_made"]] == [world.program.name]


# Session, user; the scholar's side (meetings with their recap and outcome, agendas and what is
# prefetched with them, action items, notes, captures, feedback, reading, recommendations, the
# plan with its milestones and their meetings, whom-I-asked count, growth sharing, offers) and
# the mentor's side (comments, notes, answers, feedback, recaps, captures, recommendations,
# private notes), then everyone's connections (Slack, API tokens, provider sign-ins, webhook
# endpoints). A mentor's prefetches of empty scholar data ask nothing.
EXPORT_QUERIES = {"scholar": 37, "mentor": 28}


@pytest.mark.parametrize("role", ["scholar", "mentor"])
def test_the_download_costs_the_same_at_any_size(world, person, role, django_assert_num_queries):
    client = world.client_for(getattr(world, role))
    with django_assert_num_queries(EXPORT_QUERIES[role]):
        _download(client, reverse("my_data_export"))
    for days in range(20, 60, 5):
        meeting = _after_meeting(world, world.mentorship, days, tag=str(days))
        MilestoneFactory(plan=world.scholar.research_plan, title=f"m{days}").agendas.add(
            meeting.agenda
        )
        ReadingEntryFactory(scholar=world.scholar, title=f"r{days}")
        ProgressLineFactory(scholar=world.scholar, text=f"p{days}")
        ReadingRecommendationFactory(
            program=world.program, mentor=world.mentor, scholar=world.scholar, title=f"c{days}"
        )
        PeerOfferFactory(agenda=meeting.agenda, author=world.other_scholar)
        MentorPrivateNoteFactory(mentor=world.mentor, scholar=UserFactory(), text=f"n{days}")
    with django_assert_num_queries(EXPORT_QUERIES[role]):
        data = _download(client, reverse("my_data_export"))
    if role == "scholar":
        assert len(data["meetings"]) == 10 and len(data["research_plan"]["milestones"]) == 10
    else:
        assert len(data["written_as_mentor"]["typed_in_meeting_mode"]) == 18
        assert len(data["written_as_mentor"]["private_notes"]) == 9
