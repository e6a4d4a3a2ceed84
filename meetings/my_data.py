"""A person's own data ("Download all my data" on the settings page), as plain JSON.

Everything a person may download about themselves (PRIVACY.md): their agendas, questions and
answers, the comments on their agendas, action items, notes, their own check-ins; and what they
wrote as a mentor.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from accounts.models import Mentorship, User

from .models import (
    ActionItem,
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    PeerOffer,
    ProgressLine,
    ReadingEntry,
)


def _when(value):
    return value.isoformat() if value else None


def personal_data(user: User) -> dict:
    """Everything the person may download about themselves, as plain JSON."""
    meetings = (
        Meeting.objects.filter(mentorship__scholar=user)
        .select_related("mentorship__mentor", "mentorship__program")
        .order_by("scheduled_at", "pk")
    )
    agendas = {
        a.meeting_id: a
        for a in Agenda.objects.filter(meeting__in=meetings).prefetch_related(
            "questions__answered_by",
            "annotations__author",
            "annotations__question",
            "revisions__author",
            "help_asked__peer",
        )
    }
    items = defaultdict(list)
    for item in ActionItem.objects.filter(mentorship__scholar=user).order_by("created_at", "pk"):
        items[item.meeting_id].append(item)
    notes = defaultdict(list)
    for note in MeetingNote.objects.filter(meeting__in=meetings).select_related("author"):
        notes[note.meeting_id].append(note)

    def agenda_data(agenda: Agenda | None) -> dict | None:
        if agenda is None:
            return None
        return {
            "status": agenda.status,
            "submitted_at": _when(agenda.submitted_at),
            "updated_at": _when(agenda.updated_at),
            **{name: getattr(agenda, name) for name in Agenda.SECTION_NAMES},
            "check_in": {
                "energy": agenda.wellbeing_energy,
                "note": agenda.wellbeing_note,
                "shared_with": agenda.get_wellbeing_visibility_display(),
            },
            "questions": [
                {
                    "rank": q.rank,
                    "text": q.text,
                    "status": q.status,
                    "answer": q.answer,
                    "answered_by": q.answered_by.name if q.answered_by else None,
                    "answered_at": _when(q.answered_at),
                    "carried_over": q.carried_from_id is not None,
                }
                for q in agenda.questions.all()
            ],
            "whom_i_asked": [
                {"kind": e.get_kind_display(), "who": e.who, "outcome": e.outcome}
                for e in agenda.help_asked.all()
            ],
            "comments": [
                {
                    "author": a.author.name,
                    "section": a.get_section_display(),
                    "question": a.question.text if a.question else None,
                    "text": a.body,
                    "created_at": _when(a.created_at),
                }
                for a in agenda.annotations.all()
            ],
            "revisions": [
                {
                    "kind": r.kind,
                    "author": r.author.name if r.author else None,
                    "from": _when(r.created_at),
                    "to": _when(r.updated_at),
                    "version": r.version,
                    "changes": r.changes,
                }
                for r in agenda.revisions.all()
            ],
        }

    written_comments = Annotation.objects.filter(author=user).select_related(
        "agenda__meeting__mentorship__scholar"
    )
    written_notes = MeetingNote.objects.filter(author=user).select_related(
        "meeting__mentorship__scholar"
    )
    return {
        "format": "mentorprep-personal-data",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "time_zone": user.time_zone,
            "date_joined": _when(user.date_joined),
        },
        "mentorships_as_scholar": [
            {
                "program": m.program.name,
                "mentor": m.mentor.name,
                "cadence_days": m.cadence_days,
                "started_on": _when(m.started_on),
                "active": m.active,
            }
            for m in Mentorship.objects.filter(scholar=user).select_related("program", "mentor")
        ],
        "meetings": [
            {
                "with": m.mentorship.mentor.name,
                "program": m.mentorship.program.name,
                "scheduled_at": _when(m.scheduled_at),
                "duration_minutes": m.duration_minutes,
                "status": m.status,
                "held_at": _when(m.held_at),
                "agenda": agenda_data(agendas.get(m.pk)),
                "action_items": [_item(i) for i in items.get(m.pk, [])],
                "notes": [
                    {
                        "kind": n.kind,
                        "author": n.author.name,
                        "text": n.body,
                        "created_at": _when(n.created_at),
                    }
                    for n in notes.get(m.pk, [])
                ],
            }
            for m in meetings
        ],
        "action_items_without_meeting": [_item(i) for i in items.get(None, [])],
        "reading": [
            {
                "title": r.title,
                "link": r.link,
                "takeaway": r.takeaway,
                "read_on": _when(r.read_on),
                "recommended_by": r.recommendation.mentor.name if r.recommendation else None,
            }
            for r in ReadingEntry.objects.filter(scholar=user).select_related(
                "recommendation__mentor"
            )
        ],
        "progress_log": [
            {"text": line.text, "created_at": _when(line.created_at)}
            for line in ProgressLine.objects.filter(scholar=user)
        ],
        # Offers of help: those made to this person and those they made (PRIVACY.md).
        "peer_offers": [
            {
                "from": o.author.name,
                "to": o.agenda.meeting.mentorship.scholar.name,
                "kind": o.kind,
                "message": o.message,
                "created_at": _when(o.created_at),
            }
            for o in PeerOffer.objects.visible_to(user).select_related(
                "author", "agenda__meeting__mentorship__scholar"
            )
        ],
        "written_as_mentor": {
            "comments": [
                {
                    "scholar": a.agenda.meeting.mentorship.scholar.name,
                    "meeting": _when(a.agenda.meeting.scheduled_at),
                    "section": a.get_section_display(),
                    "text": a.body,
                    "created_at": _when(a.created_at),
                }
                for a in written_comments
            ],
            "notes": [
                {
                    "scholar": n.meeting.mentorship.scholar.name,
                    "meeting": _when(n.meeting.scheduled_at),
                    "kind": n.kind,
                    "text": n.body,
                    "created_at": _when(n.created_at),
                }
                for n in written_notes
            ],
        },
    }


def _item(item: ActionItem) -> dict:
    return {
        "text": item.text,
        "owner": item.owner,
        "due_on": _when(item.due_on),
        "done": item.done,
        "done_at": _when(item.done_at),
        "created_at": _when(item.created_at),
    }
