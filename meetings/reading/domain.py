"""The scholar's reading list (entries with a one-line takeaway, recommendations from mentors)
and the progress log (one-line wins and findings between meetings).

Both are the scholar's and their mentors' only (access.reading); callers look everything up
through the scoped querysets first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings.models import Agenda, ProgressLine, ReadingEntry, ReadingRecommendation
from meetings.models.derived import derived_values, monday

READING_WEEKS_SHOWN = 8


def add_entry(scholar: User, fields: dict, agenda: Agenda | None = None) -> ReadingEntry:
    return ReadingEntry.objects.create(scholar=scholar, agenda=agenda, **fields)


def edit_entry(entry: ReadingEntry, fields: dict) -> None:
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(fields))


def recommend(mentorship: Mentorship, fields: dict, whole_program: bool) -> ReadingRecommendation:
    """A mentor recommends a reading to their scholar, or to every scholar of the program."""
    return ReadingRecommendation.objects.create(
        program_id=mentorship.program_id,
        mentor_id=mentorship.mentor_id,
        scholar_id=None if whole_program else mentorship.scholar_id,
        **fields,
    )


def read_since(agenda: Agenda, since: datetime | None) -> list[ReadingEntry]:
    """What the scholar read since the pair's last meeting (`since`; everything without one),
    up to this meeting, and anything attached to this agenda."""
    meeting = agenda.meeting
    entries = ReadingEntry.objects.filter(scholar_id=meeting.mentorship.scholar_id)
    until = timezone.localdate(meeting.scheduled_at)
    window = entries.filter(read_on__lte=until)
    if since is not None:
        window = window.filter(read_on__gte=timezone.localdate(since))
    return list((window | entries.filter(agenda=agenda)).distinct().order_by("-read_on", "-pk"))


def counts_by_week(scholar_id: int) -> dict[date, tuple[int, int]]:
    """{Monday: (readings, readings with a takeaway)}: every page counts a reading in the week
    of the day it was read (`ReadingEntry.week`, stored with `read_on`). One query."""
    rows = (
        ReadingEntry.objects.filter(scholar_id=scholar_id)
        .order_by()
        .values("week")
        .annotate(n=Count("pk"), takeaways=Count("pk", filter=~Q(takeaway="")))
        .values_list("week", "n", "takeaways")
    )
    return {week: (n, takeaways) for week, n, takeaways in rows}


def reading_weeks(weeks_with_data: Iterable[date], today: date, at_most: int) -> list[date]:
    """The Mondays a reading chart shows, oldest first: the last READING_WEEKS_SHOWN weeks at
    least (the history's), from an earlier first week with data, up to a later last one, at
    most `at_most` of them (the latest)."""
    weeks = set(weeks_with_data)
    this_monday = monday(today)
    last = max([this_monday, *weeks])
    first = min([this_monday - timedelta(weeks=READING_WEEKS_SHOWN - 1), *weeks])
    first = max(first, last - timedelta(weeks=at_most - 1))
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def totals(by_week: dict[date, tuple[int, int]]) -> tuple[int, int]:
    """Readings in all, and those with a takeaway, from `counts_by_week`."""
    return sum(n for n, _ in by_week.values()), sum(t for _, t in by_week.values())


def per_week(total: int, weeks: list[date]) -> float | None:
    """Readings a week over the weeks shown: the growth page's figure."""
    return total / len(weeks) if weeks else None


def recent_entries(viewer: User, scholar_id: int, today: date | None = None) -> list[ReadingEntry]:
    """The scholar's readings of the last READING_WEEKS_SHOWN weeks as `viewer` may see them,
    newest first. One query."""
    weeks = reading_weeks([], today or timezone.localdate(), READING_WEEKS_SHOWN)
    entries = ReadingEntry.objects.visible_to(viewer).filter(
        scholar_id=scholar_id, week__gte=weeks[0]
    )
    return list(entries.order_by("-read_on", "-pk"))


def weekly_counts(entries: list[ReadingEntry], today: date | None = None) -> list[dict]:
    """Readings per week for the last READING_WEEKS_SHOWN weeks, oldest first, counted from
    `recent_entries`: [{"week": monday, "count": n, "entries": [...]}]."""
    today = today or timezone.localdate()
    by_week: dict[date, list[ReadingEntry]] = {}
    for entry in entries:
        by_week.setdefault(entry.week, []).append(entry)
    return [
        {"week": m, "count": len(by_week.get(m, [])), "entries": by_week.get(m, [])}
        for m in reading_weeks([], today, READING_WEEKS_SHOWN)
    ]


# --- The progress log ---------------------------------------------------------------------------


def add_line(scholar: User, text: str) -> ProgressLine:
    return ProgressLine.objects.create(scholar=scholar, text=text)


def last_submitted_at(scholar_id: int) -> datetime | None:
    return (
        Agenda.objects.filter(
            meeting__mentorship__scholar_id=scholar_id, submitted_at__isnull=False
        )
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )


def lines_since_last_agenda(scholar_id: int) -> list[ProgressLine]:
    """The lines jotted since the scholar last submitted an agenda, oldest first."""
    since = last_submitted_at(scholar_id)
    lines = ProgressLine.objects.filter(scholar_id=scholar_id)
    if since is not None:
        lines = lines.filter(created_at__gt=since)
    return list(lines.order_by("created_at", "pk"))


def prefill_progress(agenda: Agenda) -> None:
    """A new agenda's empty progress section starts from the progress log: the lines since the
    last submitted agenda, as a Markdown list the scholar then edits."""
    if agenda.progress.strip():
        return
    lines = lines_since_last_agenda(agenda.meeting.mentorship.scholar_id)
    if not lines:
        return
    changes = {"progress": "\n".join(f"- {line.text}" for line in lines)}
    changes |= derived_values(agenda, changes)
    for name, value in changes.items():
        setattr(agenda, name, value)
    Agenda.objects.filter(pk=agenda.pk, progress="").update(**changes)
