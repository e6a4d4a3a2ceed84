"""Bulk import of mentorships from CSV: scholar e-mail, mentor e-mail, cadence in days.

`parse` validates every row and writes nothing (the dry run); `apply` writes all of it in one
transaction or nothing. People without an account get one and an invitation, and their pairs
start at once; existing accounts outside the program are only invited: their pairs wait
(PendingMentorship) until they accept, so an import never attaches someone without consent.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .invites import invite_person
from .models import Invite, Mentorship, PendingMentorship, Program, User

MAX_ROWS = 5000
MAX_CADENCE = 365
# What a header row's cells may say, in lower case and letters only: the page shows
# "scholar e-mail, mentor e-mail, cadence days"; spreadsheets also write "Scholar_Email",
# "Mentor", "cadence_days" or "Cadence (days)". A header may name the columns in any order.
HEADER_WORDS = {
    "scholar": {"scholar", "scholaremail", "scholaremailaddress", "scholarsemail", "email"},
    "mentor": {"mentor", "mentoremail", "mentoremailaddress", "mentorsemail"},
    "cadence": {"cadence", "cadencedays", "cadenceindays", "days", "everydays", "frequency"},
}
COLUMNS = ("scholar", "mentor", "cadence")
# Excel writes CSV with semicolons where the decimal separator is a comma (much of Europe), and
# "Text (tab-delimited)" with tabs; the comma comes first: it wins a tie.
DELIMITERS = ",;\t"
SNIFF_LINES = 50
SNIFF_CHARS = 64 * 1024


def _header_word(cell: str) -> str:
    return re.sub("[^a-z]", "", cell.lower())


def header_columns(cells: list[str]) -> tuple[int, int, int] | None:
    """The positions of the scholar, mentor and cadence columns when `cells` is a header row,
    else None. A row with an e-mail address in it is never a header."""
    if any("@" in c for c in cells):
        return None
    words = [_header_word(c) for c in cells]
    if not any(words):
        return None
    positions = []
    for column in COLUMNS:
        found = [i for i, w in enumerate(words) if w in HEADER_WORDS[column]]
        if len(found) != 1:
            return None
        positions.append(found[0])
    if len(set(positions)) != 3 or len(cells) != 3:
        return None
    return positions[0], positions[1], positions[2]


@dataclass
class PlannedRow:
    line: int
    scholar_email: str
    mentor_email: str
    cadence_days: int
    scholar_name: str = ""  # the account's name, when the address has one already
    mentor_name: str = ""
    exists: bool = False  # the mentorship is already there: left unchanged
    waits: bool = False  # someone in it must accept an invitation first


NEW, INVITED, MEMBER = "new", "invited", "member"


@dataclass
class Person:
    email: str
    status: str  # NEW (no account yet), INVITED (an account outside the program), MEMBER
    user: User | None = None

    @property
    def name(self) -> str:
        return self.user.name if self.user else ""


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)  # by lower-case e-mail
    # A header that cannot be read leaves the column order unknown: no row can be trusted.
    bad_header: bool = False

    def _with(self, status: str) -> list[Person]:
        return [p for p in self.people.values() if p.status == status]

    @property
    def new_people(self) -> list[Person]:
        return self._with(NEW)

    @property
    def invited_people(self) -> list[Person]:
        return self._with(INVITED)

    @property
    def members(self) -> list[Person]:
        return self._with(MEMBER)

    @property
    def to_create(self) -> list[PlannedRow]:
        return [r for r in self.rows if not r.exists]

    @property
    def to_start(self) -> list[PlannedRow]:
        return [r for r in self.to_create if not r.waits]

    @property
    def to_wait(self) -> list[PlannedRow]:
        return [r for r in self.to_create if r.waits]

    @property
    def unchanged(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.exists]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_lines(self) -> list[int]:
        return [line for line, _ in self.errors]

    @property
    def ok_without_error_lines(self) -> bool:
        """Some rows are good, and every error is one line's (it can be left out), not the file's."""
        return bool(self.rows) and 0 not in self.error_lines and not self.bad_header


def _email_problem(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        return f"“{value}” is not a valid e-mail address"
    return ""


def delimiter(text: str) -> str:
    """The cell separator of `text`: the csv module's guess from the first lines, limited to
    DELIMITERS. When rows disagree (a bad row among good ones) it cannot guess; then the separator
    found on the most lines is taken, then the most frequent, and the comma when none is found."""
    lines = [line for line in text[:SNIFF_CHARS].splitlines()[:SNIFF_LINES] if line.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        score = {d: (sum(d in line for line in lines), sample.count(d)) for d in DELIMITERS}
        best = max(DELIMITERS, key=score.__getitem__)
        return best if score[best][0] else ","


def parse(program: Program, text: str) -> ImportPlan:
    plan = ImportPlan()
    # Spreadsheets often start a file with a byte-order mark (pasted text can carry it too) and
    # some end lines with a bare carriage return, which the csv module refuses unless it reads
    # universal newlines.
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter(text))
    try:
        records = list(reader)
    except csv.Error:
        plan.errors.append(
            (
                reader.line_num,
                f"a cell is too long to read (over {csv.field_size_limit():,} characters): "
                "is a quote left open?",
            )
        )
        return plan
    if len(records) > MAX_ROWS + 1:
        plan.errors.append((0, f"Too many rows: at most {MAX_ROWS} per import."))
        return plan
    parsed: list[tuple[int, str, str, int]] = []
    seen: dict[tuple[str, str], int] = {}
    order = (0, 1, 2)
    first = True
    for line, record in enumerate(records, start=1):
        cells = [c.strip().removeprefix("\ufeff").strip() for c in record]
        if not any(cells):
            continue
        if first:
            # Only the first non-empty row may be a header; it may also reorder the columns.
            first = False
            if (columns := header_columns(cells)) is not None:
                order = columns
                continue
            known = set().union(*HEADER_WORDS.values())
            if not any("@" in c for c in cells) and any(_header_word(c) in known for c in cells):
                plan.bad_header = True
                plan.errors.append(
                    (
                        line,
                        "this looks like a header row, but its columns are not scholar e-mail, "
                        "mentor e-mail and cadence days",
                    )
                )
                continue
        if len(cells) != 3:
            plan.errors.append(
                (
                    line,
                    f"expected 3 columns (scholar e-mail, mentor e-mail, cadence days), got {len(cells)}",
                )
            )
            continue
        scholar, mentor = cells[order[0]].lower(), cells[order[1]].lower()
        cadence = cells[order[2]]
        problems = [p for p in (_email_problem(scholar), _email_problem(mentor)) if p]
        try:
            days = int(cadence)
            if not 1 <= days <= MAX_CADENCE:
                raise ValueError
        except ValueError:
            problems.append(
                f"cadence “{cadence}” must be a whole number of days from 1 to {MAX_CADENCE}"
            )
            days = 0
        if not problems and scholar == mentor:
            problems.append("the scholar and the mentor are the same person")
        if not problems and (scholar, mentor) in seen:
            problems.append(f"the same pair is already on line {seen[(scholar, mentor)]}")
        if problems:
            plan.errors.append((line, "; ".join(problems)))
            continue
        seen[(scholar, mentor)] = line
        parsed.append((line, scholar, mentor, days))

    emails = {e for _, s, m, _ in parsed for e in (s, m)}
    users = {
        u.email.lower(): u for u in User.objects.annotate(e=Lower("email")).filter(e__in=emails)
    }
    # In the program: a party to one of its mentorships, or someone who accepted an invitation
    # to it as scholar or mentor. Staff of the program are not thereby scholars or mentors.
    members = set(
        User.objects.filter(pk__in=[u.pk for u in users.values()])
        .filter(
            Q(mentorships_as_scholar__program=program)
            | Q(mentorships_as_mentor__program=program)
            | Q(
                invites__program=program,
                invites__accepted_at__isnull=False,
                invites__role__in=[Invite.Role.SCHOLAR, Invite.Role.MENTOR],
            )
        )
        .values_list("pk", flat=True)
    )
    existing_pairs = set(
        Mentorship.objects.filter(program=program)
        .annotate(s=Lower("scholar__email"), m=Lower("mentor__email"))
        .filter(s__in=emails, m__in=emails)
        .values_list("s", "m")
    )
    for line, scholar, mentor, days in parsed:
        for e in (scholar, mentor):
            if e not in plan.people:
                user = users.get(e)
                status = NEW if user is None else MEMBER if user.pk in members else INVITED
                plan.people[e] = Person(e, status, user)
        exists = (scholar, mentor) in existing_pairs
        waits = not exists and INVITED in (plan.people[scholar].status, plan.people[mentor].status)
        plan.rows.append(
            PlannedRow(
                line,
                scholar,
                mentor,
                days,
                plan.people[scholar].name,
                plan.people[mentor].name,
                exists,
                waits,
            )
        )
    if not plan.rows and not plan.errors:
        plan.errors.append((0, "The file has no rows to import."))
    return plan


def apply(
    program: Program, plan: ImportPlan, invited_by: User | None, *, leave_out: list[int] = ()
) -> tuple[int, int]:
    """Write the plan in one transaction: (mentorships created, pairs waiting for acceptance).
    A plan with errors is written only when `leave_out` names exactly the lines in error (the
    ones the person saw listed when they chose to leave them out)."""
    left_out = plan.ok_without_error_lines and list(leave_out) == plan.error_lines
    if not plan.ok and not left_out:
        raise ValueError("Refusing to import a plan with errors.")
    created = waiting = 0
    with transaction.atomic():
        users = {e: p.user for e, p in plan.people.items() if p.status == MEMBER}
        invitations: dict[tuple[str, str], Invite] = {}

        def person(email: str, role: str) -> User:
            status = plan.people[email].status
            if status == NEW and email in users:
                return users[email]  # one invitation for a new person, whatever their roles
            if status != MEMBER and (email, role) not in invitations:
                invitations[email, role] = invite_person(program, email, role, invited_by)
                users[email] = invitations[email, role].user
            return users[email]

        for row in plan.to_create:
            scholar = person(row.scholar_email, Invite.Role.SCHOLAR)
            mentor = person(row.mentor_email, Invite.Role.MENTOR)
            if row.waits:
                pending, _ = PendingMentorship.objects.update_or_create(
                    program=program,
                    scholar=scholar,
                    mentor=mentor,
                    defaults={"cadence_days": row.cadence_days},
                )
                pending.invites.add(
                    *(
                        invitations[email, role]
                        for email, role in (
                            (row.scholar_email, Invite.Role.SCHOLAR),
                            (row.mentor_email, Invite.Role.MENTOR),
                        )
                        if plan.people[email].status == INVITED
                    )
                )
                waiting += 1
                continue
            Mentorship.objects.create(
                program=program,
                scholar=scholar,
                mentor=mentor,
                cadence_days=row.cadence_days,
                started_on=max(program.starts_on, timezone.localdate()),
            )
            created += 1
    return created, waiting
