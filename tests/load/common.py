"""What the locustfile, the runner and the checker share: the plan, the posts, the write log.

No Django and no Locust here: the locustfile imports this inside Locust's (gevent) process, the
runner and the tests inside Django's.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

PLAN_ENV = "MENTORPREP_LOAD_PLAN"  # path of the plan file the locustfile reads
LOG_ENV = "MENTORPREP_LOAD_LOG_DIR"  # directory for the per-process write and request logs

# The hidden input the agenda page and a saved autosave carry, and the conflict panel's button.
VERSION = re.compile(r'name="version" value="(\d+)"')
CONFLICT_VERSION = re.compile(r'data-version="(\d+)"')
# The agenda form's fields, as static/js/agenda.js posts them (tests check against the form).
AGENDA_TEXT_FIELDS = ["bottleneck", "tried", "progress", "reading", "asks"]
MARKED_FIELD = "progress"  # the field whose text carries each autosave's marker


class PlanError(ValueError):
    pass


@dataclass
class ScholarTarget:
    username: str
    meeting: int  # the upcoming meeting whose draft agenda the scholar autosaves


@dataclass
class MentorTarget:
    username: str
    briefs: list[tuple[int, int]]  # (upcoming meeting with a submitted brief, its scholar's id)


@dataclass
class Plan:
    password: str
    program: str  # slug, for the staff's cadence page
    staff: list[str]
    scholars: list[ScholarTarget]
    mentors: list[MentorTarget]
    extra: dict = field(default_factory=dict)

    def dump(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=1))


def load_plan(path: str | Path) -> Plan:
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise PlanError(f"Cannot read the load plan {path}: {error}") from error
    try:
        plan = Plan(
            password=str(raw["password"]),
            program=str(raw["program"]),
            staff=[str(u) for u in raw["staff"]],
            scholars=[
                ScholarTarget(username=str(s["username"]), meeting=int(s["meeting"]))
                for s in raw["scholars"]
            ],
            mentors=[
                MentorTarget(
                    username=str(m["username"]),
                    briefs=[(int(meeting), int(scholar)) for meeting, scholar in m["briefs"]],
                )
                for m in raw["mentors"]
            ],
            extra=dict(raw.get("extra", {})),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PlanError(f"The load plan {path} is malformed: {error!r}") from error
    if not (plan.scholars and plan.staff and plan.mentors):
        raise PlanError(f"The load plan {path} needs scholars, mentors and staff.")
    if any(not m.briefs for m in plan.mentors):
        raise PlanError(f"The load plan {path} has a mentor without a brief to read.")
    return plan


def marker(username: str) -> str:
    """A text no other write carries, so that the checker can look for exactly this write."""
    return f"load {username} {uuid.uuid4().hex[:16]}"


def autosave_data(version: int, text: str) -> dict[str, str]:
    """What static/js/agenda.js posts on autosave: every field of the agenda form."""
    data = {name: f"{name}: {text}" for name in AGENDA_TEXT_FIELDS}
    return data | {
        "wellbeing_energy": "",  # "Skip"
        "wellbeing_note": "",
        "wellbeing_visibility": "only_me",
        "version": str(version),
    }


def htmx_headers(current_url: str, csrf_token: str, target: str = "autosave-status") -> dict:
    """The headers htmx sends with the page's forms, and the CSRF token agenda.js adds."""
    return {
        "HX-Request": "true",
        "HX-Target": target,
        "HX-Current-URL": current_url,
        "X-CSRFToken": csrf_token,
    }


def read_version(html: str, pattern: re.Pattern = VERSION) -> int | None:
    found = pattern.search(html)
    return int(found.group(1)) if found else None


class EventLog:
    """Append-only JSON lines, one file per process: acknowledged writes and every request."""

    def __init__(self, directory: str | Path) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        self._writes = open(Path(directory) / f"writes-{pid}.jsonl", "a", buffering=1)  # noqa: SIM115
        self._requests = open(Path(directory) / f"requests-{pid}.jsonl", "a", buffering=1)  # noqa: SIM115

    def write(self, kind: str, **fields) -> None:
        """kind: "autosave" (acknowledged: meeting, version, marker), "autosave-sent" (sent,
        answer unknown or refused: meeting, marker), "question" or "comment" (meeting, text)."""
        self._writes.write(json.dumps({"kind": kind, "t": time.time(), **fields}) + "\n")

    def request(self, name: str, start: float, ms: float, status: int, ok: bool) -> None:
        row = {"name": name, "start": start, "ms": round(ms, 2), "status": status, "ok": ok}
        self._requests.write(json.dumps(row) + "\n")


def read_lines(directory: str | Path, prefix: str) -> list[dict]:
    rows = []
    for path in sorted(Path(directory).glob(f"{prefix}-*.jsonl")):
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows
