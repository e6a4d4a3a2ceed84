"""After a load run: is every write the server acknowledged in the database?

An acknowledged autosave (200 with its new version) must be there at that version or later: the
agenda's version is at least the acknowledged one, and its text carries that save's marker, or
— when the version moved on — the marker of a save the client sent after it (a save whose answer
was lost in the outage may still have been written). An acknowledged question or comment (its
text in the server's answer) must exist on that meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from meetings.models import Agenda, Annotation, Question
from tests.load.common import MARKED_FIELD

CHUNK = 500


@dataclass
class Result:
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)


def _existing(model, meeting_path: str, text_field: str, rows: list[dict]) -> set:
    texts = sorted({r["text"] for r in rows})
    found = set()
    for start in range(0, len(texts), CHUNK):
        found |= set(
            model.objects.filter(**{f"{text_field}__in": texts[start : start + CHUNK]}).values_list(
                meeting_path, text_field
            )
        )
    return found


def check_writes(writes: list[dict]) -> Result:
    result = Result()
    saves: dict[int, list[dict]] = {}
    sent: dict[int, list[dict]] = {}
    for w in writes:
        if w["kind"] == "autosave":
            saves.setdefault(w["meeting"], []).append(w)
        elif w["kind"] == "autosave-sent":
            sent.setdefault(w["meeting"], []).append(w)
    result.acknowledged += sum(len(v) for v in saves.values())
    stored = {
        a["meeting_id"]: a
        for a in Agenda.objects.filter(meeting_id__in=list(saves)).values(
            "meeting_id", "version", MARKED_FIELD
        )
    }
    for meeting, acked in sorted(saves.items()):
        last = max(acked, key=lambda w: w["version"])
        agenda = stored.get(meeting)
        if agenda is None:
            result.lost.append(f"autosave v{last['version']} of meeting {meeting}: no agenda")
            continue
        text = agenda[MARKED_FIELD]
        if agenda["version"] < last["version"]:
            result.lost.append(
                f"autosave v{last['version']} of meeting {meeting}: "
                f"the agenda is at v{agenda['version']}"
            )
        elif agenda["version"] == last["version"]:
            if last["marker"] not in text:
                result.lost.append(
                    f"autosave v{last['version']} of meeting {meeting}: its text is not there"
                )
        else:
            since = min(
                (s["t"] for s in sent.get(meeting, []) if s["marker"] == last["marker"]),
                default=last["t"],
            )
            later = {s["marker"] for s in sent.get(meeting, []) if s["t"] >= since}
            if not any(m in text for m in later | {last["marker"]}):
                result.lost.append(
                    f"autosave v{last['version']} of meeting {meeting}: the agenda moved on to "
                    f"v{agenda['version']} with a text no client sent after it"
                )
    for kind, model, path, text_field in (
        ("question", Question, "agenda__meeting_id", "text"),
        ("comment", Annotation, "agenda__meeting_id", "body"),
    ):
        rows = [w for w in writes if w["kind"] == kind]
        result.acknowledged += len(rows)
        found = _existing(model, path, text_field, rows)
        result.lost += [
            f"{kind} on meeting {r['meeting']}: {r['text']!r} is not there"
            for r in rows
            if (r["meeting"], r["text"]) not in found
        ]
    return result
