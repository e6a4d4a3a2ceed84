"""Large synthetic programs for benchmarks and load tests, built with bulk_create.

    python -m tests.perf.seed_bulk [--name bulk] [--scholars 1000] [--meetings 100]
                                   [--reset | --delete]
    python -m tests.perf.seed_bulk --name wide      # the preset: 10,000 scholars × 20 meetings

Contract the benchmark and the load test rely on: program slug "bulk" (or --name), staff user
"bulk-staff", mentors "bulk-mentor-<i>", scholars "bulk-scholar-<i>" (i from 1; the prefix is the
name), all with password "demo". Two sizes are kept side by side: "bulk" (1,000 scholars × 100
meetings, a long program) and "wide" (10,000 scholars × 20 meetings, a big one).
Each scholar has one mentorship with --meetings meetings: the past ones held (some cancelled),
each with a submitted agenda and 2 questions, plus one planned upcoming meeting with a draft.
It uses whatever database DATABASE_URL names (SQLite by default).

Figures the app stores at write time are filled as the app fills them: the word counts, HTML and
reading weeks by their columns' `pre_save` inside bulk_create, the stuck streaks and each pair's
figures by the app's own `recompute_pairs` once the agendas are in, so the data looks as if
every agenda had been written through the app.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from tests.perf import setup_django

setup_django()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User  # noqa: E402
from meetings.models import ActionItem, Agenda, BriefRead, Meeting, Question  # noqa: E402
from meetings.unstuck.streaks import recompute_pairs  # noqa: E402

SLUG = "bulk"
PREFIX = "bulk-"
# Preset sizes by name: (scholars, meetings per scholar).
SIZES = {"bulk": (1000, 100), "wide": (10_000, 20)}
PASSWORD = "demo"
BATCH = 2000
DELETE_CHUNK = 50  # mentorships per delete: bounds the rows Django's collector holds at once


class SeedError(Exception):
    pass


def exists(name: str = SLUG) -> bool:
    return Program.objects.filter(slug=name).exists()


def delete(say: Callable[[str], None] = lambda _msg: None, name: str = SLUG) -> None:
    """Remove the bulk program and its users through the ORM.

    Deleting meetings with querysets lets Django cascade to every row that points at them,
    including what a load run adds (agenda revisions, sent reminders, read receipts, comments),
    in an order the foreign keys accept. A raw delete of a fixed list of tables broke as soon
    as a new table referenced agendas or meetings.
    """
    program = Program.objects.filter(slug=name).first()
    with transaction.atomic():
        if program is not None:
            pairs = list(program.mentorships.values_list("pk", flat=True))
            for start in range(0, len(pairs), DELETE_CHUNK):
                chunk = pairs[start : start + DELETE_CHUNK]
                Meeting.objects.filter(mentorship_id__in=chunk).delete()
                if start and start % (DELETE_CHUNK * 10) == 0:
                    say(f"  deleted the meetings of {start}/{len(pairs)} scholars")
            program.delete()
        User.objects.filter(username__startswith=f"{name}-").delete()


def build(
    scholars: int,
    meetings: int,
    per_mentor: int = 20,
    seed: int = 5,
    say: Callable[[str], None] = lambda _msg: None,
    name: str = SLUG,
) -> None:
    if scholars < 1 or meetings < 1:
        raise SeedError("--scholars and --meetings must be at least 1.")
    if exists(name):
        raise SeedError(f"The {name} program exists already; pass --reset to rebuild it.")
    rng = random.Random(seed)
    with transaction.atomic():
        _build(scholars, meetings, per_mentor, rng, say, name)
    if connection.vendor == "postgresql":
        # Fresh planner statistics and visibility map (index-only scans) after a bulk load;
        # VACUUM cannot run inside a transaction (e.g. in tests), ANALYZE can.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _build(
    n_scholars: int, n_meetings: int, per_mentor: int, rng: random.Random, say, name: str
) -> Program:
    now = timezone.now()
    prefix = f"{name}-"
    password = make_password(PASSWORD)  # hash once, reuse for every user
    n_mentors = max(1, -(-n_scholars // max(1, per_mentor)))
    program = Program.objects.create(
        name=f"{name.title()} cohort",
        slug=name,
        starts_on=(now - timedelta(weeks=n_meetings)).date(),
    )
    users = [
        User(username=f"{prefix}staff", display_name=f"{name.title()} Staff", password=password)
    ]
    users += [
        User(
            username=f"{prefix}{role}-{i}",
            display_name=f"{role.title()} {i}",
            email=f"{prefix}{role}-{i}@example.org",
            password=password,
        )
        for role, count in (("mentor", n_mentors), ("scholar", n_scholars))
        for i in range(1, count + 1)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    by_name = dict(User.objects.filter(username__startswith=prefix).values_list("username", "pk"))
    staff_id = by_name[f"{prefix}staff"]
    program.staff.add(staff_id)
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=program,
                scholar_id=by_name[f"{prefix}scholar-{i}"],
                mentor_id=by_name[f"{prefix}mentor-{(i - 1) % n_mentors + 1}"],
                cadence_days=7,
                started_on=program.starts_on,
            )
            for i in range(1, n_scholars + 1)
        ],
        batch_size=BATCH,
    )
    ResearchManagerAssignment.objects.bulk_create(
        ResearchManagerAssignment(program=program, manager_id=staff_id, scholar_id=m.scholar_id)
        for m in mentorships[:50]
    )
    chunk = max(1, 20_000 // n_meetings)
    for start in range(0, len(mentorships), chunk):
        _meetings(mentorships[start : start + chunk], n_meetings, now, rng)
        say(f"  {min(start + chunk, len(mentorships))}/{len(mentorships)} scholars")
    return program


def _meetings(mentorships, n_meetings: int, now, rng: random.Random) -> None:
    meetings: list[Meeting] = []
    for m in mentorships:
        past = n_meetings - 1
        for k in range(past):
            when = now - timedelta(days=7 * (past - k), hours=rng.randint(0, 36))
            status = Meeting.Status.CANCELLED if rng.random() < 0.08 else Meeting.Status.HELD
            meetings.append(
                Meeting(
                    mentorship=m,
                    scheduled_at=when,
                    status=status,
                    held_at=when if status == Meeting.Status.HELD else None,
                    created_at=when - timedelta(days=7),
                )
            )
        meetings.append(
            Meeting(
                mentorship=m,
                scheduled_at=now + timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 8)),
                status=Meeting.Status.PLANNED,
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    if meetings and meetings[0].pk is None:
        raise SeedError("This database does not return ids from bulk_create.")
    agendas = []
    visibilities = list(Agenda.Visibility.values)
    for meeting in meetings:
        upcoming = meeting.status == Meeting.Status.PLANNED
        lead = timedelta(hours=rng.choice([2, 12, 30, 48, 72]))
        agendas.append(
            Agenda(
                meeting=meeting,
                status=Agenda.Status.DRAFT if upcoming else Agenda.Status.SUBMITTED,
                bottleneck=(
                    f"Synthetic bottleneck {meeting.mentorship_id}-{meeting.scheduled_at:%Y%m%d}."
                ),
                tried="Tried the obvious; asked a peer.",
                progress="- step one\n- step two",
                reading="A paper.",
                asks="A decision.",
                wellbeing_energy=rng.randint(1, 5),
                wellbeing_visibility=rng.choice(visibilities),
                submitted_at=None if upcoming else meeting.scheduled_at - lead,
                created_at=meeting.created_at,
                updated_at=meeting.created_at,
            )
        )
    Agenda.objects.bulk_create(agendas, batch_size=BATCH)
    # The stored stuck streaks and each pair's figures (its streak, its last held meeting), as
    # agendas.submit and lifecycle.mark_held leave them: two reads and a bulk update per table.
    recompute_pairs([m.pk for m in mentorships])
    Question.objects.bulk_create(
        [
            Question(
                agenda=a,
                text=f"Question {rank} about step {a.meeting_id}?",
                rank=rank,
                status=Question.Status.OPEN
                if a.status == Agenda.Status.DRAFT
                else rng.choice([Question.Status.RESOLVED, Question.Status.DISCUSSED]),
            )
            for a in agendas
            for rank in (1, 2)
        ],
        batch_size=BATCH,
    )
    # The mentor's read receipts: most briefs opened before the meeting, some only after, some
    # never (so the cadence dashboard's "briefs opened before" has real rows to probe).
    mentor_of = {m.pk: m.mentor_id for m in mentorships}
    reads = []
    for a in agendas:
        if a.status != Agenda.Status.SUBMITTED:
            continue
        roll = rng.random()
        if roll < 0.75:
            first = a.submitted_at + (a.meeting.scheduled_at - a.submitted_at) * rng.random()
        elif roll < 0.85:
            first = a.meeting.scheduled_at + timedelta(hours=rng.randint(1, 48))
        else:
            continue
        reads.append(
            BriefRead(
                agenda=a,
                reader_id=mentor_of[a.meeting.mentorship_id],
                first_read_at=first,
                last_read_at=first,
            )
        )
    BriefRead.objects.bulk_create(reads, batch_size=BATCH)
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                mentorship=m,
                text=f"Synthetic action {i}",
                done=i > 1,
                done_at=now if i > 1 else None,
            )
            for m in mentorships
            for i in range(4)
        ],
        batch_size=BATCH,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.seed_bulk", description=__doc__)
    parser.add_argument(
        "--name", default=SLUG, help=f"program slug and user prefix; presets: {', '.join(SIZES)}"
    )
    parser.add_argument("--scholars", type=int, help="default: the name's preset, else 1000")
    parser.add_argument("--meetings", type=int, help="per scholar; default: the preset, else 100")
    parser.add_argument(
        "--scholars-per-mentor", type=int, default=20, help="mentors = scholars / this"
    )
    parser.add_argument("--seed", type=int, default=5, help="random seed")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--reset", action="store_true", help="delete an existing one, rebuild")
    action.add_argument("--delete", action="store_true", help="delete it and stop")
    opts = parser.parse_args(argv)
    preset = SIZES.get(opts.name, SIZES[SLUG])
    scholars = opts.scholars or preset[0]
    meetings = opts.meetings or preset[1]
    started = time.perf_counter()
    try:
        if opts.delete or (opts.reset and exists(opts.name)):
            delete(say=print, name=opts.name)
            print(f"Deleted the {opts.name} program in {time.perf_counter() - started:.1f} s.")
            if opts.delete:
                return 0
        build(scholars, meetings, opts.scholars_per_mentor, opts.seed, say=print, name=opts.name)
    except SeedError as error:
        print(error, file=sys.stderr)
        return 2
    print(
        f"{opts.name} program: {scholars} scholars × {meetings} meetings "
        f"in {time.perf_counter() - started:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
