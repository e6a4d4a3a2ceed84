"""Bulk import of mentorships from CSV: scholar e-mail, mentor e-mail, cadence in days.

`parse` validates every row and writes nothing (the dry run); `apply` writes all of it in one
transaction or nothing, creating and inviting the people it does not know yet.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .invites import invite_person
from .models import Invite, Mentorship, Program, User

MAX_ROWS = 5000
MAX_CADENCE = 365
# What the first cell of a header row may say, in lower case and letters only: the page shows
# "scholar e-mail"; spreadsheets also write "Scholar_Email", "scholar email" or "email".
HEADER_WORDS = {"scholar", "scholaremail", "email"}


@dataclass
class PlannedRow:
    line: int
    scholar_email: str
    mentor_email: str
    cadence_days: int
    exists: bool = False  # the mentorship is already there: left unchanged


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)  # e-mails that will be invited

    @property
    def to_create(self) -> list[PlannedRow]:
        return [r for r in self.rows if not r.exists]

    @property
    def unchanged(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.exists]

    @property
    def ok(self) -> bool:
        return not self.errors


def _email_problem(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        return f"“{value}” is not a valid e-mail address"
    return ""


def parse(program: Program, text: str) -> ImportPlan:
    plan = ImportPlan()
    # Spreadsheets often start a file with a byte-order mark (pasted text can carry it too) and
    # some end lines with a bare carriage return, which the csv module refuses unless it reads
    # universal newlines.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=None))
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
    for line, record in enumerate(records, start=1):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if line == 1 and re.sub("[^a-z]", "", cells[0].lower()) in HEADER_WORDS:
            continue
        if len(cells) != 3:
            plan.errors.append(
                (
                    line,
                    f"expected 3 columns (scholar e-mail, mentor e-mail, cadence days), got {len(cells)}",
                )
            )
            continue
        scholar, mentor, cadence = cells[0].lower(), cells[1].lower(), cells[2]
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
    counts: dict[str, int] = {}
    for email in (
        User.objects.annotate(e=Lower("email")).filter(e__in=emails).values_list("e", flat=True)
    ):
        counts[email] = counts.get(email, 0) + 1
    existing_pairs = set(
        Mentorship.objects.filter(program=program)
        .annotate(s=Lower("scholar__email"), m=Lower("mentor__email"))
        .filter(s__in=emails, m__in=emails)
        .values_list("s", "m")
    )
    new_people: list[str] = []
    for line, scholar, mentor, days in parsed:
        ambiguous = [e for e in (scholar, mentor) if counts.get(e, 0) > 1]
        if ambiguous:
            plan.errors.append(
                (line, f"several accounts use {', '.join(ambiguous)}: fix them in the admin first")
            )
            continue
        for e in (scholar, mentor):
            if e not in counts and e not in new_people:
                new_people.append(e)
        plan.rows.append(
            PlannedRow(line, scholar, mentor, days, (scholar, mentor) in existing_pairs)
        )
    plan.new_people = new_people
    if not plan.rows and not plan.errors:
        plan.errors.append((0, "The file has no rows to import."))
    return plan


def apply(program: Program, plan: ImportPlan, invited_by: User | None) -> int:
    """Create every planned mentorship in one transaction; returns how many were created."""
    if not plan.ok:
        raise ValueError("Refusing to import a plan with errors.")
    created = 0
    with transaction.atomic():
        people: dict[str, User] = {}
        for row in plan.to_create:
            for email, role in (
                (row.scholar_email, Invite.Role.SCHOLAR),
                (row.mentor_email, Invite.Role.MENTOR),
            ):
                if email in people:
                    continue
                if email in plan.new_people:
                    people[email] = invite_person(program, email, role, invited_by).user
                else:
                    people[email] = User.objects.get(email__iexact=email)
            Mentorship.objects.create(
                program=program,
                scholar=people[row.scholar_email],
                mentor=people[row.mentor_email],
                cadence_days=row.cadence_days,
                started_on=max(program.starts_on, timezone.localdate()),
            )
            created += 1
    return created
