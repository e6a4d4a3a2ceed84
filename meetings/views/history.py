from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    FilteredRelation,
    Q,
    Subquery,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.models import Mentorship

from ..models import (
    ActionItem,
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    Question,
)
from ..prefetch import PRIVATE_NOTE_FIELDS, private_note_columns, private_note_from
from .home import USER_NAME_FIELDS, name_from, url_maker

# --- History ---------------------------------------------------------------------------------


HISTORY_PER_PAGE = 10


# issue 5: what the history shows of an agenda (read as plain values with the meeting).
HISTORY_AGENDA_FIELDS = (
    "id",
    "bottleneck",
    "reading",
    "wellbeing_energy",
    "wellbeing_note",
    "wellbeing_visibility",
)
ANSWERED_STATES = (Question.Status.ANSWERED, Question.Status.RESOLVED)  # Question.is_answered
WELLBEING_SHARED_WITH_MENTORS = (  # Agenda.wellbeing_visible_to_mentor
    Agenda.Visibility.MENTORS,
    Agenda.Visibility.BOTH,
)


class CountedPaginator(Paginator):
    """A paginator given its count by the caller (issue 5: counted in a query the page runs
    anyway), so it does not run a COUNT of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # fills the cached_property


@login_required
@require_http_methods(["GET"])
def history(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    # issue 5: one query gives the access check, the scholar and whether the user mentors them.
    # issue 5: the same query also counts the scholar's meetings (for the paginator) and
    # carries the user's own private note on the scholar (scoped to the user as its author).
    all_of_scholar = Meeting.objects.filter(mentorship__scholar_id=user_id)
    # issue 5: as plain values (the scholar's name, the mentor of each pair, the count and the
    # note's columns), unordered (any of the user's pairs carries the same count and note).
    mentorships = [
        SimpleNamespace(**row)
        for row in Mentorship.objects.filter(scholar_id=user_id)
        .filter(Q(scholar=user) | Q(mentor=user))
        .annotate(
            meeting_count=Subquery(
                all_of_scholar.order_by()
                .values("mentorship__scholar_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            # the user's own private note on the scholar: only a mentor has one (no one mentors
            # themselves: Mentorship's constraint), so the scholar's own page does not join it
            **(
                private_note_columns("mentor__private_notes_written", user.pk, user_id)
                if user.pk != user_id
                else {}
            ),
        )
        .order_by()
        .values(
            "pk",
            "mentor_id",
            "meeting_count",
            *(f"{who}__{name}" for who in ("scholar", "mentor") for name in USER_NAME_FIELDS),
            *(f"private_note_{name}" for name in PRIVATE_NOTE_FIELDS if user.pk != user_id),
        )
    ]
    if not mentorships:
        raise Http404("No such scholar.")
    scholar = {"pk": user_id, "name": name_from(vars(mentorships[0]), "scholar__")}
    mentor_names = {pair.pk: name_from(vars(pair), "mentor__") for pair in mentorships}
    # Everyone allowed here sees the dates and statuses of all the scholar's meetings; the
    # content only of the meetings in their own mentorship (see PRIVACY.md).
    # issue 5: paginated, so a scholar with 100 meetings costs the same as one with 10.
    # issue 5: the page is read as plain values (no model instances, only the columns shown):
    # building and compiling the queries, and instantiating their rows, cost more than the SQL.
    if user.pk == user_id:
        # The scholar's own page: every meeting listed is theirs, and they see their agendas in
        # every state (Agenda.objects.visible_to), so the agenda is joined as it is (issue 5:
        # the conditional join below costs more to build than the query costs to run).
        listed, agenda_rel = all_of_scholar, "agenda"
    else:
        # issue 5: each meeting's agenda joined in when this user may see it (the rule of
        # Agenda.objects.visible_to as the join condition), not a query of its own.
        agenda_rel = "visible_agenda"
        listed = all_of_scholar.annotate(
            visible_agenda=FilteredRelation(
                "agenda",
                condition=Q(mentorship__scholar=user)
                | Q(mentorship__mentor=user, agenda__status=Agenda.Status.SUBMITTED),
            )
        )
    paginator = CountedPaginator(
        listed.order_by("-scheduled_at", "-pk").values(
            "pk",
            "scheduled_at",
            "status",
            "mentorship__scholar_id",
            "mentorship__mentor_id",
            *(f"mentorship__mentor__{name}" for name in USER_NAME_FIELDS),
            *(f"{agenda_rel}__{name}" for name in HISTORY_AGENDA_FIELDS),
        ),
        HISTORY_PER_PAGE,
        count=mentorships[0].meeting_count or 0,
    )
    page = paginator.get_page(request.GET.get("page"))
    body = _history_body(request, user_id, mentorships, scholar, mentor_names, page, agenda_rel)
    return render(request, "meetings/history.html", body)


def _history_body(
    request: HttpRequest,
    user_id: int,
    mentorships: list[SimpleNamespace],
    scholar: dict,
    mentor_names: dict[int, str],
    page,
    agenda_rel: str,
) -> dict:
    """What the history page shows below the navigation."""
    user = request.user
    all_meetings = list(page.object_list)
    own_ids = [
        m["pk"]
        for m in all_meetings
        if user.pk in (m["mentorship__scholar_id"], m["mentorship__mentor_id"])
    ]
    own = set(own_ids)
    agendas = {
        m["pk"]: {name: m[f"{agenda_rel}__{name}"] for name in HISTORY_AGENDA_FIELDS}
        for m in all_meetings
        if m["pk"] in own and m[f"{agenda_rel}__id"] is not None
    }
    by_agenda = {a["id"]: a for a in agendas.values()}
    for a in agendas.values():
        a["questions"], a["section_annotations"] = [], []
    # dropped questions too: nothing is lost (issue 3)
    questions = {}
    question_status = dict(Question.Status.choices)
    for q in Question.objects.filter(agenda_id__in=list(by_agenda)).values(
        "pk", "agenda_id", "text", "status", "answer"
    ):
        q["status_label"] = question_status.get(q["status"], q["status"])
        q["answered"] = bool(q["answer"]) or q["status"] in ANSWERED_STATES
        q["annotations"] = []
        by_agenda[q["agenda_id"]]["questions"].append(q)
        questions[q["pk"]] = q
    # question and section annotations in one query (as meetings.prefetch.attach_annotations)
    if by_agenda:
        section_label = dict(Annotation.SECTION_CHOICES)
        for note in Annotation.objects.filter(
            Q(agenda_id__in=list(by_agenda), question__isnull=True)
            | Q(question__in=list(questions))
        ).values(
            "agenda_id",
            "question_id",
            "section",
            "body",
            *(f"author__{name}" for name in USER_NAME_FIELDS),
        ):
            note["author_name"] = name_from(note, "author__")
            if note["question_id"] is None:
                note["section_label"] = section_label.get(note["section"], note["section"])
                by_agenda[note["agenda_id"]]["section_annotations"].append(note)
            else:
                questions[note["question_id"]]["annotations"].append(note)
    # issue 5: the page's action items and the scholar's open ones (the side card) in one query.
    # Both parts within the user's own mentorships of this scholar (read above, scoped to the
    # user; one indexed probe per mentorship: an OR of two unrelated filters made PostgreSQL
    # scan every action item). The owners' names are the scholar's and those pairs' mentors'.
    page_or_open = ActionItem.objects.filter(mentorship_id__in=list(mentor_names)).filter(
        Q(meeting_id__in=own_ids) | Q(done=False)
    )
    owner_label = dict(ActionItem.Owner.choices)
    items: dict[int, list[dict]] = defaultdict(list)
    open_list: list[dict] = []
    for item in page_or_open.values(
        "meeting_id",
        "text",
        "owner",
        "due_on",
        "done",
        "mentorship_id",
    ):
        item["owner_label"] = owner_label.get(item["owner"], item["owner"])
        if item["meeting_id"] in own:
            items[item["meeting_id"]].append(item)
        # the side card: the open ones of either part (all in the user's pairs with the scholar)
        if not item["done"]:
            item["owner_name"] = (
                scholar["name"]
                if item["owner"] == ActionItem.Owner.SCHOLAR
                else mentor_names[item["mentorship_id"]]
            )
            open_list.append(item)
    notes: dict[int, list[dict]] = defaultdict(list)
    note_kind = dict(MeetingNote.Kind.choices)
    for note in MeetingNote.objects.filter(meeting_id__in=own_ids).values(
        "meeting_id", "kind", "body"
    ):
        note["kind_label"] = note_kind.get(note["kind"], note["kind"])
        notes[note["meeting_id"]].append(note)
    brief_url = url_maker("brief")
    meeting_status = dict(Meeting.Status.choices)
    entries = []
    for m in all_meetings:
        agenda = agendas.get(m["pk"])
        entries.append(
            {
                "pk": m["pk"],
                "scheduled_at": m["scheduled_at"],
                "status": m["status"],
                "status_label": meeting_status.get(m["status"], m["status"]),
                "mentor_name": name_from(m, "mentorship__mentor__"),
                "brief_url": brief_url(m["pk"]),
                "full": m["pk"] in own,
                "agenda": agenda,
                "items": items.get(m["pk"], []),
                "notes": notes.get(m["pk"], []),
                "wellbeing": (
                    agenda
                    if agenda
                    and (
                        user.pk == user_id
                        or agenda["wellbeing_visibility"] in WELLBEING_SHARED_WITH_MENTORS
                    )
                    else None
                ),
            }
        )
    reading = [e for e in entries if e["agenda"] and e["agenda"]["reading"].strip()]
    # Issue 4: the mentor's own private note on this scholar (never anyone else's).
    is_their_mentor = any(m.mentor_id == user.pk for m in mentorships)
    private_note = None
    for pair in mentorships:  # the row where the user is the mentor carries their note
        if pair.mentor_id == user.pk and private_note is None:  # (never the scholar: see above)
            private_note = private_note_from(pair, user.pk, user_id)
    return {
        "scholar": scholar,
        "is_their_mentor": is_their_mentor,
        "private_note": private_note,
        "entries": entries,
        "page": page,
        "reading": reading,
        "open_items": open_list,
    }
