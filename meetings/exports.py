"""Data out and back in (issue 6).

Three exports, each following PRIVACY.md:

- scholar_export(user): everything a person may download about themselves (their agendas,
  questions and answers, the comments on their agendas, action items, notes, their own check-ins;
  and what they wrote as a mentor).
- program_figures(program): for program staff, the program's structure and figures (dates,
  statuses, counts, flags), never any text a scholar or mentor wrote.
- export_program(program) / import_program(doc): the operators' full copy of one program, every
  row of every table, to move it between databases (SQLite ↔ PostgreSQL) with nothing lost. Used by
  `manage.py export_program` / `import_program`; never served over the web.

In the full copy, people are named by username and every other row by the id it had in the
source database; import creates new rows and maps those ids, so a program can be imported into a
database that already holds others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User

from .cadence import cadence_rows
from .models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingNote,
    MeetingSeries,
    MentorPrivateNote,
    Question,
    SentReminder,
)
from .revisions import AgendaRevision

FORMAT = "mentorprep-program"
FORMAT_VERSION = 1

# (key in the file, model) in an order where every row's references come before it.
PROGRAM_TABLES: list[tuple[str, type[models.Model]]] = [
    ("mentorships", Mentorship),
    ("research_managers", ResearchManagerAssignment),
    ("series", MeetingSeries),
    ("meetings", Meeting),
    ("agendas", Agenda),
    ("brief_reads", BriefRead),
    ("questions", Question),
    ("annotations", Annotation),
    ("action_items", ActionItem),
    ("notes", MeetingNote),
    ("agenda_revisions", AgendaRevision),
    ("private_notes", MentorPrivateNote),
    ("sent_reminders", SentReminder),
]
# Models deliberately not in a program copy (the test that every model is covered reads this).
NOT_IN_PROGRAM_COPY = {
    "accounts.user",  # exported as "users"
    "accounts.program",  # exported as "program"
    # Invitations are single-use links signed with this server's key: after an import, staff
    # re-send the pending ones (the people page lists them).
    "accounts.invite",
}


class ProgramImportError(Exception):
    """A program file that cannot be imported; the message says why. Nothing was written."""


def _program_querysets(program: Program) -> dict[str, models.QuerySet]:
    mentorships = Mentorship.objects.filter(program=program)
    meetings = Meeting.objects.filter(mentorship__program=program)
    agendas = Agenda.objects.filter(meeting__mentorship__program=program)
    return {
        "mentorships": mentorships,
        "research_managers": ResearchManagerAssignment.objects.filter(program=program),
        "series": MeetingSeries.objects.filter(mentorship__in=mentorships),
        "meetings": meetings,
        "agendas": agendas,
        "brief_reads": BriefRead.objects.filter(agenda__in=agendas),
        "questions": Question.objects.filter(agenda__in=agendas),
        "annotations": Annotation.objects.filter(agenda__in=agendas),
        "action_items": ActionItem.objects.filter(mentorship__in=mentorships),
        "notes": MeetingNote.objects.filter(meeting__in=meetings),
        "agenda_revisions": AgendaRevision.objects.filter(agenda__in=agendas),
        # A mentor's private note on a scholar they mentor in this program.
        "private_notes": MentorPrivateNote.objects.filter(
            Exists(mentorships.filter(mentor=OuterRef("mentor"), scholar=OuterRef("scholar")))
        ),
        "sent_reminders": SentReminder.objects.filter(meeting__in=meetings),
    }


def _plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _row(obj: models.Model, usernames: dict[int, str]) -> dict:
    out = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if field.is_relation and value is not None:
            if field.related_model is User:
                value = usernames[value]
            elif field.related_model is Program:
                value = None  # the program of the file
        out[field.name] = _plain(value)
    return out


USER_FIELDS = [
    "username",
    "password",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "time_zone",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
    "last_login",
]


def export_program(program: Program) -> dict:
    """Every row of the program, and every person any of them mentions."""
    querysets = _program_querysets(program)
    rows_by_table = {key: list(qs.order_by("pk")) for key, qs in querysets.items()}
    user_ids = set(program.staff.values_list("pk", flat=True))
    for rows in rows_by_table.values():
        for obj in rows:
            for field in obj._meta.concrete_fields:
                pk = getattr(obj, field.attname)
                if field.is_relation and field.related_model is User and pk is not None:
                    user_ids.add(pk)
    users = list(User.objects.filter(pk__in=user_ids).order_by("username"))
    usernames = {u.pk: u.username for u in users}
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "program": {
            "name": program.name,
            "slug": program.slug,
            "starts_on": _plain(program.starts_on),
            "ends_on": _plain(program.ends_on),
            "staff": sorted(usernames[pk] for pk in program.staff.values_list("pk", flat=True)),
        },
        "users": [{name: _plain(getattr(u, name)) for name in USER_FIELDS} for u in users],
        **{
            key: [_row(obj, usernames) for obj in rows_by_table[key]]
            for key, _model in PROGRAM_TABLES
        },
    }


def _value(field: models.Field, raw):
    if raw is None:
        return None
    return field.to_python(raw)


@transaction.atomic
def import_program(doc: dict) -> tuple[Program, dict[str, int]]:
    """Create the program of an export_program() file. Returns it and the rows created per table.

    People already in the database (same username) are kept as they are, not overwritten.
    """
    if doc.get("format") != FORMAT:
        raise ProgramImportError("This is not a mentorprep program file (no “format” marker).")
    if doc.get("version") != FORMAT_VERSION:
        raise ProgramImportError(f"Unsupported file version {doc.get('version')!r}.")
    info = doc["program"]
    if Program.objects.filter(slug=info["slug"]).exists():
        raise ProgramImportError(
            f"A program with the slug “{info['slug']}” already exists here; nothing was imported."
        )
    counts: dict[str, int] = {}

    users: dict[str, User] = {
        u.username: u
        for u in User.objects.filter(username__in=[r["username"] for r in doc["users"]])
    }
    new_users = []
    for row in doc["users"]:
        if row["username"] in users:
            continue
        user = User(**{name: _value(User._meta.get_field(name), row.get(name)) for name in row})
        new_users.append(user)
    for user in User.objects.bulk_create(new_users):
        users[user.username] = user
    counts["users"] = len(new_users)
    counts["users_already_there"] = len(doc["users"]) - len(new_users)

    program = Program.objects.create(
        name=info["name"],
        slug=info["slug"],
        starts_on=_value(Program._meta.get_field("starts_on"), info["starts_on"]),
        ends_on=_value(Program._meta.get_field("ends_on"), info["ends_on"]),
    )
    program.staff.add(*[users[name] for name in info["staff"]])

    id_maps: dict[type[models.Model], dict[int, int]] = defaultdict(dict)
    for key, model in PROGRAM_TABLES:
        rows = doc.get(key, [])
        objs, deferred = [], []
        for row in rows:
            kwargs = {}
            for field in model._meta.concrete_fields:
                if field.primary_key or field.name not in row:
                    continue
                raw = row[field.name]
                if not field.is_relation:
                    kwargs[field.attname] = _value(field, raw)
                elif field.related_model is Program:
                    kwargs[field.attname] = program.pk
                elif raw is None:
                    kwargs[field.attname] = None
                elif field.related_model is User:
                    kwargs[field.attname] = users[raw].pk
                elif field.related_model is model:
                    kwargs[field.attname] = None  # a row of the same table: set below
                    deferred.append((len(objs), field.attname, raw))
                else:
                    try:
                        kwargs[field.attname] = id_maps[field.related_model][raw]
                    except KeyError:
                        raise ProgramImportError(
                            f"{key}: row {row.get('id')} refers to {field.name} {raw}, "
                            "which is not in the file."
                        ) from None
            objs.append(model(**kwargs))
        created = model.objects.bulk_create(objs, batch_size=500)
        id_maps[model] = {row["id"]: obj.pk for row, obj in zip(rows, created, strict=True)}
        for index, attname, raw in deferred:
            obj = created[index]
            setattr(obj, attname, id_maps[model].get(raw))
        if deferred:
            model.objects.bulk_update(
                [created[i] for i, _, _ in deferred], list({a for _, a, _ in deferred})
            )
        counts[key] = len(created)
    return program, counts


def comparable(doc: dict) -> dict:
    """The file without what legitimately differs between two databases: ids and export time.

    Ids are replaced by each row's position in its table (rows are exported in id order, and
    imported in file order), and references by the position of the row they point to.
    """
    position: dict[str, dict[int, int]] = {
        key: {row["id"]: i for i, row in enumerate(doc.get(key, []))} for key, _ in PROGRAM_TABLES
    }
    table_of = {model: key for key, model in PROGRAM_TABLES}
    out = {k: v for k, v in doc.items() if k not in {"exported_at", *position}}
    for key, model in PROGRAM_TABLES:
        rows = []
        for row in doc.get(key, []):
            row = dict(row)
            row["id"] = position[key][row["id"]]
            for field in model._meta.concrete_fields:
                target = table_of.get(field.related_model) if field.is_relation else None
                if target and row.get(field.name) is not None:
                    row[field.name] = position[target].get(row[field.name])
            rows.append(row)
        out[key] = rows
    return out


def models_in_a_program_copy() -> set[str]:
    return {model._meta.label_lower for _, model in PROGRAM_TABLES}


def project_models() -> Iterable[str]:
    for label in ("accounts", "meetings"):
        for model in apps.get_app_config(label).get_models():
            yield model._meta.label_lower


# --- The scholar's own data ------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def scholar_export(user: User) -> dict:
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


# --- Program figures for staff ---------------------------------------------------------------


def program_figures(program: Program) -> dict:
    """Structure and figures of a program: who meets whom, when, how often. No text at all."""
    mentorships = program.mentorships.all()
    rows = {r.mentorship.pk: r for r in cadence_rows(mentorships)}
    meetings = defaultdict(list)
    for m in (
        Meeting.objects.filter(mentorship__program=program)
        .select_related("agenda")
        .annotate(
            n_questions=Count("agenda__questions", distinct=True),
            n_comments=Count("agenda__annotations", distinct=True),
        )
        .order_by("scheduled_at", "pk")
    ):
        agenda = getattr(m, "agenda", None)
        meetings[m.mentorship_id].append(
            {
                "scheduled_at": _when(m.scheduled_at),
                "duration_minutes": m.duration_minutes,
                "status": m.status,
                "held_at": _when(m.held_at),
                "agenda": None
                if agenda is None
                else {
                    "status": agenda.status,
                    "submitted_at": _when(agenda.submitted_at),
                    "submitted_on_time": agenda.submitted_on_time,
                    "questions": m.n_questions,
                    "comments": m.n_comments,
                },
            }
        )
    items = {
        row["mentorship"]: row
        for row in ActionItem.objects.filter(mentorship__program=program)
        .values("mentorship")
        .annotate(open=Count("pk", filter=Q(done=False)), done=Count("pk", filter=Q(done=True)))
    }
    out = []
    for pk, row in rows.items():
        m = row.mentorship
        out.append(
            {
                "scholar": m.scholar.name,
                "mentor": m.mentor.name,
                "cadence_days": m.cadence_days,
                "started_on": _when(m.started_on),
                "active": m.active,
                "held_last_4_weeks": row.held_4w,
                "expected_last_4_weeks": row.expected_4w,
                "held_last_8_weeks": row.held_8w,
                "expected_last_8_weeks": row.expected_8w,
                "held_total": row.held_total,
                "days_since_last_held": row.days_since_last,
                "agendas_on_time_share": row.on_time_share,
                "overdue": row.overdue,
                "action_items": {
                    "open": items.get(pk, {}).get("open", 0),
                    "done": items.get(pk, {}).get("done", 0),
                },
                "meetings": meetings.get(pk, []),
            }
        )
    return {
        "format": "mentorprep-program-figures",
        "exported_at": timezone.now().isoformat(),
        "program": {
            "name": program.name,
            "slug": program.slug,
            "starts_on": _when(program.starts_on),
            "ends_on": _when(program.ends_on),
        },
        "mentorships": out,
    }
