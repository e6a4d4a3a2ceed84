"""Rows to the API's answers (meetings/api/schemas.py), each as its viewer may see it: what a row may
hold that the viewer may not see (a check-in, a dropped question) is left out here with the same
rules the pages use (meetings/access.py)."""

from __future__ import annotations

from accounts.models import User
from meetings import access
from meetings.briefs.domain import HEADINGS
from meetings.models import ActionItem, Agenda, Annotation, Meeting, MeetingNote, Question
from meetings.staff.cadence import CadenceRow


def person(user: User | None) -> dict:
    if user is None:
        return {"id": 0, "name": "(deleted)"}
    return {"id": user.pk, "name": user.name}


def meeting_out(meeting: Meeting, user: User) -> dict:
    m = meeting.mentorship
    return {
        "id": meeting.pk,
        "scheduled_at": meeting.scheduled_at,
        "duration_minutes": meeting.duration_minutes,
        "status": meeting.status,
        "held_at": meeting.held_at,
        "program": m.program.slug,
        "scholar": person(m.scholar),
        "mentor": person(m.mentor),
        "role": "scholar" if m.scholar_id == user.pk else "mentor",
    }


def checkin_out(agenda: Agenda, user: User) -> dict | None:
    if not access.may_see_checkin(user, agenda):
        return None
    return {
        "energy": agenda.wellbeing_energy,
        "note": agenda.wellbeing_note,
        "visibility": agenda.wellbeing_visibility,
    }


def annotation_out(note: Annotation) -> dict:
    return {
        "id": note.pk,
        "author": person(note.author),
        "section": note.section,
        "question_id": note.question_id,
        "body": note.body,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def question_out(q: Question, annotations: list[Annotation] | None = None) -> dict:
    return {
        "id": q.pk,
        "text": q.text,
        "rank": q.rank,
        "status": q.status,
        "in_writing": q.in_writing,
        "answer": q.answer,
        "answered_at": q.answered_at,
        "annotations": [annotation_out(a) for a in annotations or []],
    }


def agenda_out(agenda: Agenda, user: User) -> dict:
    """The scholar gets every question (dropped ones too, as on their agenda page); the mentor
    the brief's (Question.objects.for_mentor)."""
    questions = agenda.questions.all()
    if not agenda.meeting.is_scholar(user):
        questions = questions.for_mentor()
    return {
        "meeting_id": agenda.meeting_id,
        "status": agenda.status,
        "version": agenda.version,
        "submitted_at": agenda.submitted_at,
        "updated_at": agenda.updated_at,
        "decision": agenda.decision,
        "bottleneck": agenda.bottleneck,
        "bottleneck_same_as_last": agenda.bottleneck_same_as_last,
        "bottleneck_shared": agenda.bottleneck_shared,
        "tried": agenda.tried,
        "progress": agenda.progress,
        "reading": agenda.reading,
        "asks": agenda.asks,
        "checkin": checkin_out(agenda, user),
        "questions": [question_out(q) for q in questions],
    }


def action_item_out(item: ActionItem, user: User) -> dict:
    m = item.mentorship
    return {
        "id": item.pk,
        "meeting_id": item.meeting_id,
        "text": item.text,
        "owner": item.owner,
        "due_on": item.due_on,
        "done": item.done,
        "done_at": item.done_at,
        "scholar": person(m.scholar),
        "mentor": person(m.mentor),
        "can_update": access.may_update_action_item(user, item),
    }


def note_out(note: MeetingNote) -> dict:
    return {
        "id": note.pk,
        "kind": note.kind,
        "author": person(note.author),
        "body": note.body,
        "created_at": note.created_at,
    }


def brief_out(ctx: dict, user: User) -> dict:
    """briefs.brief_context's answer, as the brief page shows it to `user`."""
    agenda = ctx["agenda"]
    brief_agenda = None
    if agenda is not None:
        brief_agenda = {
            "status": agenda.status,
            "version": agenda.version,
            "submitted_at": agenda.submitted_at,
            "updated_after_submit_at": agenda.updated_after_submit_at,
            "decision": agenda.decision,
            "bottleneck": agenda.bottleneck,
            "sections": [
                {
                    "name": s["name"],
                    "heading": s["heading"],
                    "text": s["text"],
                    "annotations": [annotation_out(a) for a in s["annotations"]],
                }
                for s in [
                    {
                        "name": "decision",
                        "heading": HEADINGS["decision"],
                        "text": agenda.decision,
                        "annotations": ctx["decision_annotations"],
                    },
                    {
                        "name": "bottleneck",
                        "heading": HEADINGS["bottleneck"],
                        "text": agenda.bottleneck,
                        "annotations": ctx["bottleneck_annotations"],
                    },
                    *ctx["sections"],
                ]
            ],
            "checkin": checkin_out(agenda, user) if ctx["show_wellbeing"] else None,
        }
    return {
        "meeting": meeting_out(ctx["meeting"], user),
        "agenda": brief_agenda,
        "questions": [question_out(q, q.notes) for q in ctx["questions"]],
        "written_questions": [question_out(q, q.notes) for q in ctx["written_questions"]],
        "general_annotations": [annotation_out(a) for a in ctx["general_annotations"]],
        "action_items": [action_item_out(i, user) for i in ctx["action_items"]],
        "notes": [note_out(n) for n in ctx["notes"]],
    }


def history_entry_out(meeting: Meeting, user: User) -> dict:
    """One meeting of meetings.history.views._meetings: its content only when `full`."""
    agenda = meeting.visible_agenda if meeting.full else None
    if agenda is not None:
        agenda.meeting = meeting  # loaded with its pair: the check-in rule reads it
    return {
        "meeting_id": meeting.pk,
        "scheduled_at": meeting.scheduled_at,
        "status": meeting.status,
        "mentor": person(meeting.mentorship.mentor),
        "full": bool(meeting.full),
        "agenda": None
        if agenda is None
        else {
            "status": agenda.status,
            "decision": agenda.decision,
            "bottleneck": agenda.bottleneck,
            "tried": agenda.tried,
            "progress": agenda.progress,
            "asks": agenda.asks,
            "checkin": checkin_out(agenda, user),
            "questions": [
                {"id": q.pk, "text": q.text, "status": q.status, "answer": q.answer}
                for q in agenda.questions.all()
            ],
        },
        "action_items": [action_item_out(i, user) for i in meeting.items] if meeting.full else [],
        "notes": [note_out(n) for n in meeting.visible_notes] if meeting.full else [],
    }


def reading_out(user: User, scholar: User, recommended) -> dict:
    from meetings.models import ProgressLine, ReadingEntry

    entries = ReadingEntry.objects.visible_to(user).filter(scholar=scholar)
    lines = ProgressLine.objects.visible_to(user).filter(scholar=scholar)
    return {
        "scholar": person(scholar),
        "entries": [
            {
                "id": e.pk,
                "title": e.title,
                "link": e.link,
                "takeaway": e.takeaway,
                "read_on": e.read_on,
            }
            for e in entries
        ],
        "recommended": [
            {
                "id": r.pk,
                "title": r.title,
                "link": r.link,
                "note": r.note,
                "mentor": person(r.mentor),
                "for_whole_program": r.scholar_id is None,
                "created_at": r.created_at,
            }
            for r in recommended
        ],
        "progress_lines": [{"id": p.pk, "text": p.text, "created_at": p.created_at} for p in lines],
    }


def cadence_row_out(r: CadenceRow) -> dict:
    """The CSV's columns (meetings/staff/views.py, CSV_COLUMNS), typed."""
    m = r.mentorship
    return {
        "scholar": m.scholar.username,
        "scholar_name": m.scholar.name,
        "scholar_email": m.scholar.email,
        "mentor": m.mentor.username,
        "mentor_name": m.mentor.name,
        "mentor_email": m.mentor.email,
        "cadence_days": m.cadence_days,
        "started_on": m.started_on,
        "held_4w": r.held_4w,
        "expected_4w": r.expected_4w,
        "held_8w": r.held_8w,
        "expected_8w": r.expected_8w,
        "held_total": r.held_total,
        "expected_total": r.expected_total,
        "days_since_last_held": r.days_since_last,
        "agendas_on_time_share": None if r.on_time_share is None else round(r.on_time_share, 3),
        "briefs_opened_before_share": None if r.opened_share is None else round(r.opened_share, 3),
        "open_action_items": r.open_items,
        "next_meeting_at": m.next_meeting_at,
        "overdue": bool(r.overdue),
        "unprepared": r.unprepared,
        "unread": r.unread,
        "stuck_meetings": r.stuck_for if r.stuck else 0,
    }
