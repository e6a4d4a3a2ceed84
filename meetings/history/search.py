"""History search: the text of a scholar's meetings, reading and progress log, as the searcher may see it.

A search looks through a list of sources (`SOURCES`). Each source is one text field of one model:

    Source(label, rows, field, meeting, anchor, when=..., page=...)

- `rows(user, scholar_id)` is the queryset of that scholar's rows the user may see, built from
  meetings/access.py (who sees what is never restated here);
- `field` is the text searched and shown;
- `meeting` is the path from the row to its meeting ("meeting", "agenda__meeting"): the results
  are grouped by meeting and link to the part of its brief named by `anchor` ("{pk}" is replaced
  by the row's id);
- a source that belongs to the scholar rather than to a meeting (reading entries,
  recommendations, progress lines) has no `meeting`: its `when` is the field it is dated by, and
  it links to the page `page` (a URL name taking the scholar's id) at `anchor`. Such results come
  under one heading of their own ("Reading and progress log") rather than under a meeting: a
  scholar with two mentors reads and jots for both, and the meeting whose period holds a date is
  one that the other mentor may not see.

To add a source append one line to `SOURCES` and add a test that finds its text and one that the
wrong person does not.

All the sources of a search are one UNION query, so the number of queries does not grow with
the data. PostgreSQL matches it with full-text search (config 'english', websearch syntax) and
marks the snippet with ts_headline. SQLite copies the rows into a TEMP FTS5 table (porter
tokenizer) inside the database, matches there, marks with snippet() and drops the table; the
searcher's words are quoted into an FTS5 query, so no input is an FTS syntax error.

Snippets come back with the matches between two private-use characters; `Hit.parts` splits them
into (text, matched) pieces that the template escapes and wraps in <mark>: no HTML is built here
and nothing in the user's text can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BigIntegerField, F, IntegerField, QuerySet, TextField, Value
from django.db.models.functions import Cast, Replace
from django.urls import reverse

from accounts.models import User
from meetings import access
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    ProgressLine,
    Question,
    ReadingEntry,
    ReadingRecommendation,
)

# the fields User.name reads, through a meeting's mentorship
_NAME_FIELDS = [f"mentorship__mentor__{f}" for f in User.NAME_FIELDS]
MAX_QUERY = 200  # characters of the search box kept
MAX_HITS = 100  # the newest matches shown; the page says when there are more
START, STOP = "\ue000", "\ue001"  # around each match in a snippet (private-use characters)
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_STRAY = re.compile(f"[{START}{STOP}]")


@dataclass(frozen=True)
class Source:
    label: str
    rows: Callable[[User, int], QuerySet]
    field: str
    meeting: str | None  # the path to the row's meeting; None: the scholar's own log
    anchor: str
    when: str = ""  # without a meeting: the date or time the row is ordered by
    page: str = "reading"  # without a meeting: the page it links to (takes the scholar's id)


def _agendas(user: User, scholar_id: int) -> QuerySet:
    return Agenda.objects.visible_to(user).filter(meeting__mentorship__scholar_id=scholar_id)


def _checkins(user: User, scholar_id: int) -> QuerySet:
    return Agenda.objects.filter(access.checkin(user), meeting__mentorship__scholar_id=scholar_id)


def _questions(user: User, scholar_id: int) -> QuerySet:
    return Question.objects.for_mentor().filter(
        access.agenda(user, "agenda__"), agenda__meeting__mentorship__scholar_id=scholar_id
    )


def _comments(user: User, scholar_id: int) -> QuerySet:
    return Annotation.objects.filter(
        access.agenda(user, "agenda__"), agenda__meeting__mentorship__scholar_id=scholar_id
    )


def _notes(user: User, scholar_id: int) -> QuerySet:
    return MeetingNote.objects.filter(
        access.meeting_content(user, "meeting__"), meeting__mentorship__scholar_id=scholar_id
    )


def _action_items(user: User, scholar_id: int) -> QuerySet:
    # An action item always belongs to the pair, not always to a meeting: only those of a
    # meeting are results (the others are on the home page).
    return ActionItem.objects.visible_to(user).filter(meeting__mentorship__scholar_id=scholar_id)


def _reading(user: User, scholar_id: int) -> QuerySet:
    return ReadingEntry.objects.visible_to(user).filter(scholar_id=scholar_id)


def _progress(user: User, scholar_id: int) -> QuerySet:
    return ProgressLine.objects.visible_to(user).filter(scholar_id=scholar_id)


def _recommendations(user: User, scholar_id: int) -> QuerySet:
    return ReadingRecommendation.objects.filter(
        access.scholar_reading(user, scholar_id), access.recommendations_for_scholar(scholar_id)
    )


SOURCES: list[Source] = [
    *(Source(heading, _agendas, name, "meeting", name) for name, heading, _ in Agenda.SECTIONS),
    Source("Check-in", _checkins, "wellbeing_note", "meeting", "wellbeing"),
    Source("Question", _questions, "text", "agenda__meeting", "q{pk}"),
    Source("Answer", _questions, "answer", "agenda__meeting", "q{pk}"),
    Source("Comment", _comments, "body", "agenda__meeting", "annotation-{pk}"),
    Source("Note or decision", _notes, "body", "meeting", "notes"),
    Source("Action item", _action_items, "text", "meeting", "actions"),
    Source("Reading", _reading, "title", None, "r{pk}", when="created_at"),
    Source("Takeaway", _reading, "takeaway", None, "r{pk}", when="created_at"),
    Source("Progress log", _progress, "text", None, "progress-{pk}", when="created_at"),
    Source("Recommended", _recommendations, "title", None, "recommended", when="created_at"),
    Source("Why recommended", _recommendations, "note", None, "recommended", when="created_at"),
]


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    text: str
    matched: bool


@dataclass
class Hit:
    label: str
    url: str
    snippet: str

    @property
    def parts(self) -> list[Part]:
        """The snippet as plain-text pieces, the matched ones flagged (marked in the template)."""
        pieces: list[Part] = []
        at = 0
        for m in _MARKED.finditer(self.snippet):
            if m.start() > at:
                pieces.append(Part(_STRAY.sub("", self.snippet[at : m.start()]), False))
            if m.group(1):
                pieces.append(Part(m.group(1), True))
            at = m.end()
        if at < len(self.snippet):
            pieces.append(Part(_STRAY.sub("", self.snippet[at:]), False))
        return pieces


@dataclass
class MeetingHits:
    meeting: Meeting
    url: str  # its brief
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Results:
    query: str
    meetings: list[MeetingHits]
    log: list[Hit]  # in the scholar's reading and progress log, newest first
    count: int
    more: bool  # there were more than MAX_HITS matches


def clean_query(text: str | None) -> str:
    """The search box's text as plain text: no NUL or marker characters, at most MAX_QUERY."""
    text = _STRAY.sub("", (text or "").replace("\x00", ""))
    return " ".join(text.split())[:MAX_QUERY]


def search(user: User, scholar_id: int, query: str) -> Results:
    """The newest matches of `query` in the scholar's meetings that `user` may see, by meeting
    (newest first) and within a meeting by relevance. The caller has checked that the user is
    the scholar or one of their mentors."""
    query = clean_query(query)
    if connection.vendor == "postgresql":
        rows = _search_postgresql(user, scholar_id, query)
    else:
        rows = _search_sqlite(user, scholar_id, query)
    more = len(rows) > MAX_HITS
    rows = rows[:MAX_HITS]
    # what a result's heading shows: the meeting's time and state, and its mentor's name
    meetings = (
        Meeting.objects.filter(pk__in={r[2] for r in rows if r[2]})
        .select_related("mentorship__mentor")
        .only("scheduled_at", "status", "mentorship__mentor_id", *_NAME_FIELDS)
    )
    groups = {m.pk: MeetingHits(m, reverse("brief", args=[m.pk])) for m in meetings}
    log: list[Hit] = []
    # each page's address once, not once per hit
    pages = {name: reverse(name, args=[scholar_id]) for name in {s.page for s in SOURCES}}
    for source_index, ref, meeting_id, snippet in rows:
        source = SOURCES[source_index]
        anchor = "#" + source.anchor.format(pk=ref)
        if source.meeting is None:
            log.append(Hit(source.label, pages[source.page] + anchor, snippet))
        else:
            group = groups[meeting_id]
            group.hits.append(Hit(source.label, group.url + anchor, snippet))
    ordered = sorted(groups.values(), key=lambda g: (g.meeting.scheduled_at, g.meeting.pk))
    return Results(query, ordered[::-1], log, len(rows), more)


def _rows(user: User, scholar_id: int) -> list[QuerySet]:
    """One queryset per source: the scholar's rows the user may see, with a non-empty text,
    as the same columns (hit_source, hit_ref, hit_meeting, hit_when, hit_text); a row of the
    scholar's log has no meeting (NULL)."""
    querysets = []
    for index, source in enumerate(SOURCES):
        path = source.meeting
        if path is None:
            meeting, when = Value(None, output_field=IntegerField()), F(source.when)
        else:
            meeting, when = F(f"{path}__id"), F(f"{path}__scheduled_at")
        querysets.append(
            source.rows(user, scholar_id)
            .exclude(**{source.field: ""})
            .order_by()
            .annotate(
                hit_source=Value(index, output_field=IntegerField()),
                hit_ref=F("pk"),
                hit_meeting=meeting,
                hit_when=when,
                # the markers of a match cannot come from the text itself
                hit_text=Replace(
                    Replace(F(source.field), Value(START), Value(""), output_field=TextField()),
                    Value(STOP),
                    Value(""),
                    output_field=TextField(),
                ),
            )
        )
    return querysets


COLUMNS = ["hit_source", "hit_ref", "hit_meeting"]


def _search_postgresql(user: User, scholar_id: int, query: str) -> list[tuple]:
    """One query. The sources that read the same rows (an agenda's sections, a question and its
    answer, ...) scan them once: Django compiles each group's scoped queryset with all of its
    fields, and every field becomes a row of its own (LATERAL VALUES). Only the MAX_HITS + 1
    newest matches get a snippet (ts_headline is the costly part): the snippet is made after
    the LIMIT, not for every match."""
    branches, params = [], []
    for sources in _groups():
        first = sources[0][1]
        path = first.meeting
        if path is None:
            # typed: a NULL alone in a subquery would be text, which no meeting id unites with
            meeting, when = Cast(Value(None), BigIntegerField()), F(first.when)
        else:
            meeting, when = F(f"{path}__id"), F(f"{path}__scheduled_at")
        rows = (
            first.rows(user, scholar_id)
            .order_by()
            .values(
                hit_ref=F("pk"),
                hit_meeting=meeting,
                hit_when=when,
                **{f"hit_text_{index}": F(source.field) for index, source in sources},
            )
        )
        sql, row_params = rows.query.get_compiler(connection=connection).as_sql()
        fields = ", ".join(f'({index}, r."hit_text_{index}")' for index, _ in sources)
        branches.append(
            'SELECT f.source, r."hit_ref", r."hit_meeting", r."hit_when", f.body '  # noqa: S608
            f"FROM ({sql}) r CROSS JOIN LATERAL (VALUES {fields}) AS f(source, body)"
        )
        params += row_params
    sql = _PG_SEARCH.format(sources=" UNION ALL ".join(branches))
    options = (
        f"StartSel='{START}', StopSel='{STOP}', MaxWords=30, MinWords=12, MaxFragments=2, "
        "FragmentDelimiter=' … '"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, *params, query, query, MAX_HITS + 1, query, options])
        return cursor.fetchall()


def _groups() -> list[list[tuple[int, Source]]]:
    """SOURCES (with their index) grouped by the rows they read: same queryset, same meeting
    path, same date."""
    groups: dict[tuple, list[tuple[int, Source]]] = {}
    for index, source in enumerate(SOURCES):
        groups.setdefault((source.rows, source.meeting, source.when), []).append((index, source))
    return list(groups.values())


# Django's own SQL for the sources goes in {sources}; its values stay parameters. The markers of
# a match are taken out of the text first (they cannot come from the text itself); an empty text
# is no hit. Ordered as before the LIMIT: newest first, then by rank.
_PG_SEARCH = (
    "WITH hits AS ("  # noqa: S608
    "SELECT source, hit_ref, hit_meeting, hit_when, "
    "REPLACE(REPLACE(body, %s, ''), %s, '') AS body "
    "FROM ({sources}) AS s WHERE body <> ''"
    "), matched AS ("
    "SELECT source, hit_ref, hit_meeting, hit_when, body, "
    "ts_rank(to_tsvector('english'::regconfig, body), "
    "websearch_to_tsquery('english'::regconfig, %s)) AS rank "
    "FROM hits WHERE to_tsvector('english'::regconfig, body) "
    "@@ websearch_to_tsquery('english'::regconfig, %s) "
    "ORDER BY hit_when DESC, rank DESC LIMIT %s"
    ") SELECT source, hit_ref, hit_meeting, "
    "ts_headline('english'::regconfig, body, websearch_to_tsquery('english'::regconfig, %s), %s) "
    "FROM matched ORDER BY hit_when DESC, rank DESC"
)


def _search_sqlite(user: User, scholar_id: int, query: str) -> list[tuple]:
    match = fts5_query(query)
    if not match:
        return []
    selected = [qs.values(*COLUMNS, "hit_when", "hit_text") for qs in _rows(user, scholar_id)]
    union = selected[0].union(*selected[1:], all=True)
    sql, params = union.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        # A TEMP table lives in this connection only: other requests never see it.
        cursor.execute(
            "CREATE VIRTUAL TABLE temp.history_search USING fts5("
            "body, source UNINDEXED, ref UNINDEXED, meeting UNINDEXED, at UNINDEXED, "
            "tokenize='porter unicode61')"
        )
        try:
            cursor.execute(_INSERT.format(sources=sql), params)
            cursor.execute(
                "SELECT source, ref, meeting, snippet(history_search, 0, %s, %s, ' … ', 24) "
                "FROM temp.history_search WHERE history_search MATCH %s "
                "ORDER BY at DESC, bm25(history_search) LIMIT %s",
                [START, STOP, match, MAX_HITS + 1],
            )
            return [
                (int(s), int(r), None if m is None else int(m), text)
                for s, r, m, text in cursor.fetchall()
            ]
        finally:
            cursor.execute("DROP TABLE temp.history_search")


# Django's own SQL for the sources goes in {sources}; its values stay parameters.
_INSERT = (
    "INSERT INTO temp.history_search (source, ref, meeting, at, body) "  # noqa: S608
    "SELECT hit_source, hit_ref, hit_meeting, hit_when, hit_text FROM ({sources})"
)
_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def fts5_query(text: str) -> str:
    """The searcher's words as an FTS5 query in the spirit of PostgreSQL's websearch syntax:
    words and "quoted phrases" must all match, `-word` excludes, `OR` between words offers
    either side. Every term is quoted, so FTS5 operators (NEAR, *, ^, :, parentheses) typed by
    the searcher are just text. "" when nothing searchable is left."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for m in _TERM.finditer(text):
        negated, phrase, word = m.group(1), m.group(2), m.group(3)
        if word == "OR":
            groups.append(([], []))
            continue
        if word is not None:
            negated = "-" if word.startswith("-") and len(word) > 1 else ""
            phrase = word[1:] if negated else word
        phrase = phrase.replace('"', " ").strip()
        if not re.search(r"\w", phrase):
            continue
        quoted = '"' + phrase + '"'
        groups[-1][1 if negated else 0].append(quoted)
    parts = []
    for positive, negative in groups:
        if positive:
            part = "(" + " AND ".join(positive) + ")"
            parts.append(part + "".join(f" NOT {n}" for n in negative))
    return " OR ".join(f"({p})" for p in parts)
