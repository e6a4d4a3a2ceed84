"""The scholar's reading list (entries with a one-line takeaway, recommendations from mentors)
and the progress log (one-line wins and findings between meetings).

Both are the scholar's and their mentors' only (access.reading); callers look everything up
through the scoped querysets first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.models import Mentorship, User
from meetings.models import Agenda, ProgressLine, ReadingEntry, ReadingRecommendation

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


def weekly_counts(scholar_id: int, today: date | None = None) -> list[dict]:
    """Readings per week for the last READING_WEEKS_SHOWN weeks, oldest first, in one query:
    [{"week": monday, "count": n}]."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=i) for i in reversed(range(READING_WEEKS_SHOWN))]
    counts = dict(
        ReadingEntry.objects.filter(scholar_id=scholar_id, read_on__gte=mondays[0])
        .annotate(week=TruncWeek("read_on"))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    by_day = {(w.date() if isinstance(w, datetime) else w): n for w, n in counts.items()}
    return [{"week": monday, "count": by_day.get(monday, 0)} for monday in mondays]


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
    agenda.progress = "\n".join(f"- {line.text}" for line in lines)
    Agenda.objects.filter(pk=agenda.pk, progress="").update(progress=agenda.progress)
