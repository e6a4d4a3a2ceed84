"""The operators' full copy of one program: every row of every table, to move it between
databases (SQLite ↔ PostgreSQL) with nothing lost. Used by `manage.py export_program` /
`import_program`; never served over the web (it holds every private text).

In the copy, people are named by username and every other row by the id it had in the
source database; import creates new rows and maps those ids, so a program can be imported into a
database that already holds others.

Not Django's serializers (dumpdata/loaddata with natural keys): they keep each row's source id
(only people have a natural key here), so the id remapping below would still be hand-written;
loaddata overwrites a person already in the database, and their JSON cuts times to milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User
from meetings.models import (
    ActionItem,
    Agenda,
    AgendaRevision,
    Annotation,
    BriefRead,
    GrowthSharing,
    HelpAsked,
    LeadFeedback,
    Meeting,
    MeetingNote,
    MeetingOutcome,
    MeetingSeries,
    MentorPrivateNote,
    Milestone,
    PeerOffer,
    ProgressLine,
    Question,
    ReadingEntry,
    ReadingRecommendation,
    Recap,
    ResearchPlan,
    SentReminder,
    StatusChange,
)

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
    ("help_asked", HelpAsked),
    ("annotations", Annotation),
    ("action_items", ActionItem),
    ("notes", MeetingNote),
    ("agenda_revisions", AgendaRevision),
    ("private_notes", MentorPrivateNote),
    ("sent_reminders", SentReminder),
    ("status_changes", StatusChange),
    ("peer_offers", PeerOffer),
    ("reading_recommendations", ReadingRecommendation),
    ("reading_entries", ReadingEntry),
    ("progress_lines", ProgressLine),
    ("recaps", Recap),
    ("meeting_outcomes", MeetingOutcome),
    ("lead_feedback", LeadFeedback),
    ("research_plans", ResearchPlan),
    ("milestones", Milestone),
    ("milestone_agendas", Milestone.agendas.through),
    ("growth_sharing", GrowthSharing),
]
# Models deliberately not in a program copy (the test that every model is covered reads this).
NOT_IN_PROGRAM_COPY = {
    "accounts.user",  # exported as "users"
    "accounts.program",  # exported as "program"
    # Invitations are single-use links signed with this server's key: after an import, staff
    # re-send the pending ones (the people page lists them).
    "accounts.invite",
    # Pairs waiting for an invitation to be accepted: they go with the invitations above.
    "accounts.pendingmentorship",
    # Meeting mode's scratch state: at "held" every capture is filed into the notes, comments
    # and action items copied above; an unfinished meeting's captures stay on this server.
    "meetings.livemeeting",
    "meetings.capture",
    # An API token is its owner's credential, stored hashed: its owner makes a new one.
    "accounts.apitoken",
    # Webhook endpoints hold signing secrets and point at this server's integrations; their
    # deliveries are a log of what this server sent. Staff add the endpoints again after a move.
    "meetings.webhooksubscription",
    "meetings.webhookdelivery",
    # A Slack link is a person's own, proven with a code in this server's workspace: each person
    # connects again after a move (and another server may have another workspace, or none).
    "accounts.slackconnection",
}


class ProgramImportError(Exception):
    """A program file that cannot be imported; the message says why. Nothing was written."""


def _program_querysets(program: Program) -> dict[str, models.QuerySet]:
    mentorships = Mentorship.objects.filter(program=program)
    meetings = Meeting.objects.filter(mentorship__program=program)
    agendas = Agenda.objects.filter(meeting__mentorship__program=program)
    scholars = mentorships.values("scholar_id")
    recommendations = ReadingRecommendation.objects.filter(program=program)
    return {
        "mentorships": mentorships,
        "research_managers": ResearchManagerAssignment.objects.filter(program=program),
        "series": MeetingSeries.objects.filter(mentorship__in=mentorships),
        "meetings": meetings,
        "agendas": agendas,
        "brief_reads": BriefRead.objects.filter(agenda__in=agendas),
        "questions": Question.objects.filter(agenda__in=agendas),
        "help_asked": HelpAsked.objects.filter(agenda__in=agendas),
        "annotations": Annotation.objects.filter(agenda__in=agendas),
        "action_items": ActionItem.objects.filter(mentorship__in=mentorships),
        "notes": MeetingNote.objects.filter(meeting__in=meetings),
        "agenda_revisions": AgendaRevision.objects.filter(agenda__in=agendas),
        # A mentor's private note on a scholar they mentor in this program.
        "private_notes": MentorPrivateNote.objects.filter(
            Exists(mentorships.filter(mentor=OuterRef("mentor"), scholar=OuterRef("scholar")))
        ),
        "sent_reminders": SentReminder.objects.filter(meeting__in=meetings),
        "status_changes": StatusChange.objects.filter(meeting__in=meetings),
        "peer_offers": PeerOffer.objects.filter(agenda__in=agendas),
        "reading_recommendations": recommendations,
        # A scholar's reading and progress log are theirs, not the program's: a scholar of this
        # program takes them along, except entries tied to another program's agenda or
        # recommendation (those go with that program).
        "reading_entries": ReadingEntry.objects.filter(scholar_id__in=scholars)
        .filter(Q(agenda__isnull=True) | Q(agenda__in=agendas))
        .filter(Q(recommendation__isnull=True) | Q(recommendation__in=recommendations)),
        "progress_lines": ProgressLine.objects.filter(scholar_id__in=scholars),
        "recaps": Recap.objects.filter(meeting__in=meetings),
        "meeting_outcomes": MeetingOutcome.objects.filter(meeting__in=meetings),
        "lead_feedback": LeadFeedback.objects.filter(meeting__in=meetings),
        # Like the reading list, a scholar's plan is theirs: a scholar of this program takes it.
        "research_plans": ResearchPlan.objects.filter(scholar_id__in=scholars),
        "milestones": Milestone.objects.filter(plan__scholar_id__in=scholars),
        "milestone_agendas": Milestone.agendas.through.objects.filter(
            milestone__plan__scholar_id__in=scholars, agenda__in=agendas
        ),
        # What a scholar shares of their growth page: theirs, like the plan.
        "growth_sharing": GrowthSharing.objects.filter(scholar_id__in=scholars),
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
