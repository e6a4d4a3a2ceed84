"""Recording and showing an agenda's revision history (the AgendaRevision rows).

The functions that write an agenda (meetings/agendas/domain.py) call record_edit, record_submit,
record_question and record_question_order. Autosave writes often, so saves by the same author in
one burst (each less than COALESCE_GAP after the previous one, the burst no longer than
COALESCE_SPAN) are merged into one revision: the first old value and the last new value of each
field. A field edited back to where it started drops out of the revision.

Who sees revisions (README, "Who sees what"; meetings/access.py, `revision` and `checkin_history`):
the scholar all of them; their mentor only once the agenda is submitted, only the revisions from
the submission on, and never the private check-in fields.
"""

from __future__ import annotations

import difflib
import re
from datetime import timedelta

from django.utils import timezone
from django.utils.text import capfirst

from meetings import access
from meetings.models import Agenda, AgendaRevision

__all__ = [
    "record_edit",
    "record_question",
    "record_question_order",
    "record_submit",
    "rows_for",
    "same",
]

COALESCE_GAP = timedelta(minutes=5)
COALESCE_SPAN = timedelta(minutes=30)
PRIVATE_FIELDS = set(Agenda.CHECKIN_FIELDS)
QUESTION_KEY = "question-"  # changes to a question's text are kept as "question-<id>"
ORDER_KEY = "question_order"  # the scholar's ranking of the open questions, one per line


def rows_for(revision: AgendaRevision, user) -> list[dict]:
    """The revision's changes, labelled as on the agenda form and diffed, without the check-in
    for anyone who may not see its history (access.checkin_history: reads
    revision.agenda.meeting.mentorship, load it once for all revisions).

    Each row has a `kind`: "text" (a word diff), "choice" (the choices' names, before and
    after) or "order" (the ranking of the questions as two lists, before and after)."""
    checkin_shown = access.may_see_checkin_history(user, revision)
    labels = {f.name: capfirst(f.verbose_name) for f in Agenda._meta.fields}
    labels |= {name: "Question" for name in revision.changes if name.startswith(QUESTION_KEY)}
    labels[ORDER_KEY] = "Order of questions"
    labels["help_asked"] = "Whom I asked"
    rows = []
    for name, change in revision.changes.items():
        if name in PRIVATE_FIELDS and not checkin_shown:
            continue
        old, new = change.get("old"), change.get("new")
        row = {"field": name, "label": labels.get(name, name), "old": old, "new": new}
        if name == ORDER_KEY:
            row |= {"kind": "order", "before": ranking_list(old), "after": ranking_list(new)}
        elif name in CHOICE_NAMES:
            names = CHOICE_NAMES[name]
            row |= {"kind": "choice", "before": names(old), "after": names(new)}
        else:
            row |= {
                "kind": "text",
                "diff": word_diff("" if old is None else str(old), "" if new is None else str(new)),
            }
        rows.append(row)
    order = [
        "decision",
        "bottleneck",
        "bottleneck_same_as_last",
        QUESTION_KEY,
        ORDER_KEY,
        "tried",
        "help_asked",
        "progress",
        "reading",
        "asks",
    ]

    def position(row: dict) -> int:
        key = QUESTION_KEY if row["field"].startswith(QUESTION_KEY) else row["field"]
        return order.index(key) if key in order else len(order)

    return sorted(rows, key=position)


def _choice_name(field_name: str, empty: str):
    """old/new value -> the name the form shows for it (an unknown value as it is stored)."""
    choices = {
        str(value): str(label) for value, label in Agenda._meta.get_field(field_name).choices
    }

    def name(value) -> str:
        if value in (None, ""):
            return empty
        return choices.get(str(value), str(value))

    return name


def _ticked(value) -> str:
    """A checkbox's old/new value, as the form shows it (None: before it was ever saved)."""
    return "ticked" if value else "not ticked"


CHOICE_NAMES = {
    "bottleneck_same_as_last": _ticked,
    "bottleneck_shared": _ticked,
    "status": _choice_name("status", "—"),
    "wellbeing_visibility": _choice_name("wellbeing_visibility", "—"),
    "wellbeing_energy": _choice_name("wellbeing_energy", "skipped"),
}


def ranking_list(text) -> list[str]:
    """A ranking as recorded by ranking_text, back into the questions in order."""
    return [re.sub(r"^\d+\.\s", "", line) for line in (text or "").splitlines() if line.strip()]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in "same", "del", "ins": rendered with autoescaping, never as HTML."""
    old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
    a, b = re.findall(r"\s*\S+\s*|\s+", old), re.findall(r"\s*\S+\s*|\s+", new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("del", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("ins", "".join(b[j1:j2])))
    return out


def normalised(text: str) -> str:
    """The text as the brief means it: the same words in the same lines and paragraphs.

    A browser's CRLF is the LF it means; spaces at the ends of a line, runs of spaces between
    words and extra blank lines change nothing a reader sees, so an edit of those alone is no
    update of the brief. A line's indentation is kept: in Markdown it nests a list.
    """
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        line = indent + " ".join(line.split()) if line.strip() else ""
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def same(a, b) -> bool:
    """Equal values for the agenda: texts when their normalised forms are (`normalised`)."""
    if isinstance(a, str) and isinstance(b, str):
        return normalised(a) == normalised(b)
    return a == b


def _changed(old: dict, new: dict) -> dict:
    return {
        name: {"old": old.get(name), "new": value}
        for name, value in new.items()
        if not same(old.get(name), value)
    }


def record_edit(agenda, author, old: dict, new: dict, version: int, now=None) -> None:
    """Record one save (old/new values of the fields written), coalescing a burst of saves."""
    now = now or timezone.now()
    changes = _changed(old, new)
    after_submit = agenda.status == agenda.Status.SUBMITTED
    last = AgendaRevision.objects.filter(agenda=agenda).order_by("-created_at", "-pk").first()
    if (
        last is not None
        and last.kind == AgendaRevision.Kind.EDIT
        and last.author_id == getattr(author, "pk", None)
        and last.after_submit == after_submit
        and now - last.updated_at <= COALESCE_GAP
        and now - last.created_at <= COALESCE_SPAN
    ):
        merged = dict(last.changes)
        for name, change in changes.items():
            first_old = merged[name]["old"] if name in merged else change["old"]
            merged[name] = {"old": first_old, "new": change["new"]}
        merged = {n: c for n, c in merged.items() if not same(c["old"], c["new"])}
        last.changes, last.version, last.updated_at = merged, version, now
        if merged:
            last.save(update_fields=["changes", "version", "updated_at"])
        else:
            last.delete()  # edited back to where the burst started: nothing changed
        return
    if changes:
        AgendaRevision.objects.create(
            agenda=agenda,
            author=author,
            version=version,
            changes=changes,
            after_submit=after_submit,
            created_at=now,
            updated_at=now,
        )


def record_submit(agenda, author, was_status: str, now=None) -> None:
    now = now or timezone.now()
    AgendaRevision.objects.create(
        agenda=agenda,
        author=author,
        kind=AgendaRevision.Kind.SUBMIT,
        version=agenda.version,
        changes={"status": {"old": was_status, "new": agenda.status}},
        after_submit=True,
        created_at=now,
        updated_at=now,
    )


def record_question(question, author, old: str, new: str) -> None:
    """Record that the scholar added (old ""), reworded or removed (new "") a question. Only a
    question's text counts: the mentor's answers and states are not agenda edits."""
    key = f"{QUESTION_KEY}{question.pk}"
    record_edit(question.agenda, author, {key: old}, {key: new}, question.agenda.version)


# --- Question moves: the ranking is an edit like any other -------------------------------------


def ranking_text(questions) -> str:
    """The open questions in rank order, numbered one per line (set-aside ones are not ranked)."""
    ranked = [q for q in questions if not q.is_set_aside]
    return "\n".join(f"{i}. {q.text}" for i, q in enumerate(ranked, start=1))


def record_question_order(agenda, author, before, after) -> None:
    """Record that the scholar moved questions: the ranking before and after, as one change
    that coalesces with the burst (moved back to where it started, it drops out)."""
    old, new = ranking_text(before), ranking_text(after)
    if old == new:
        return
    record_edit(agenda, author, {ORDER_KEY: old}, {ORDER_KEY: new}, agenda.version)
