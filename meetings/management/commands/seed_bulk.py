"""A large synthetic program for benchmarks, built with bulk_create (minutes, not hours).

Contract other code relies on: program slug "bulk", staff user "bulk-staff", mentors
"bulk-mentor-<i>", scholars "bulk-scholar-<i>" (i from 1), all with password "demo". Each scholar
has one mentorship with --meetings meetings: the past ones held (some cancelled), each with a
submitted agenda and 2 questions, plus one planned upcoming meeting with a draft agenda.
"""

from __future__ import annotations

import random
import time as clock
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingNote,
    Question,
)

SLUG = "bulk"
PASSWORD = "demo"
BATCH = 2000


def _raw_delete(qs) -> None:
    """Delete without loading rows into Python (fine for synthetic benchmark data)."""
    qs._raw_delete(qs.db)


class Command(BaseCommand):
    help = "Build the synthetic 'bulk' program: --scholars N, each with --meetings M meetings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scholars", type=int, default=1000)
        parser.add_argument("--meetings", type=int, default=100)
        parser.add_argument(
            "--scholars-per-mentor", type=int, default=20, help="Mentors = scholars / this."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete an existing bulk program first."
        )
        parser.add_argument("--seed", type=int, default=5)

    def handle(self, *args, **opts) -> None:
        scholars, per_scholar = opts["scholars"], opts["meetings"]
        if scholars < 1 or per_scholar < 1:
            raise CommandError("--scholars and --meetings must be at least 1.")
        started = clock.perf_counter()
        if Program.objects.filter(slug=SLUG).exists():
            if not opts["reset"]:
                raise CommandError("The bulk program exists already; pass --reset to rebuild it.")
            self._reset()
        rng = random.Random(opts["seed"])
        with transaction.atomic():
            self._build(scholars, per_scholar, opts["scholars_per_mentor"], rng)
        if connection.vendor == "postgresql":
            # Fresh planner statistics and visibility map (index-only scans) after a bulk load;
            # VACUUM cannot run inside a transaction (e.g. in tests), ANALYZE can.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Bulk program: {scholars} scholars × {per_scholar} meetings "
                f"in {clock.perf_counter() - started:.1f} s."
            )
        )

    def _reset(self) -> None:
        program = Program.objects.get(slug=SLUG)
        meetings = Meeting.objects.filter(mentorship__program=program)
        with transaction.atomic():
            _raw_delete(Annotation.objects.filter(agenda__meeting__in=meetings))
            _raw_delete(BriefRead.objects.filter(agenda__meeting__in=meetings))
            _raw_delete(Question.objects.filter(agenda__meeting__in=meetings))
            _raw_delete(Agenda.objects.filter(meeting__in=meetings))
            _raw_delete(MeetingNote.objects.filter(meeting__in=meetings))
            _raw_delete(ActionItem.objects.filter(mentorship__program=program))
            _raw_delete(meetings)
            program.delete()
            User.objects.filter(username__startswith="bulk-").delete()

    def _build(self, n_scholars: int, n_meetings: int, per_mentor: int, rng: random.Random):
        now = timezone.now()
        password = make_password(PASSWORD)  # hash once, reuse for every user
        n_mentors = max(1, -(-n_scholars // max(1, per_mentor)))
        program = Program.objects.create(
            name="Bulk cohort",
            slug=SLUG,
            starts_on=(now - timedelta(weeks=n_meetings)).date(),
        )
        users = [User(username="bulk-staff", display_name="Bulk Staff", password=password)]
        users += [
            User(
                username=f"bulk-mentor-{i}",
                display_name=f"Mentor {i}",
                email=f"bulk-mentor-{i}@example.org",
                password=password,
            )
            for i in range(1, n_mentors + 1)
        ]
        users += [
            User(
                username=f"bulk-scholar-{i}",
                display_name=f"Scholar {i}",
                email=f"bulk-scholar-{i}@example.org",
                password=password,
            )
            for i in range(1, n_scholars + 1)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        by_name = dict(
            User.objects.filter(username__startswith="bulk-").values_list("username", "pk")
        )
        staff_id = by_name["bulk-staff"]
        program.staff.add(staff_id)
        mentorships = Mentorship.objects.bulk_create(
            [
                Mentorship(
                    program=program,
                    scholar_id=by_name[f"bulk-scholar-{i}"],
                    mentor_id=by_name[f"bulk-mentor-{(i - 1) % n_mentors + 1}"],
                    cadence_days=7,
                    started_on=program.starts_on,
                )
                for i in range(1, n_scholars + 1)
            ],
            batch_size=BATCH,
        )
        ResearchManagerAssignment.objects.bulk_create(
            [
                ResearchManagerAssignment(
                    program=program, manager_id=staff_id, scholar_id=m.scholar_id
                )
                for m in mentorships[:50]
            ]
        )
        chunk = max(1, 20_000 // n_meetings)
        for start in range(0, len(mentorships), chunk):
            self._meetings(mentorships[start : start + chunk], n_meetings, now, rng)
            self.stdout.write(
                f"  {min(start + chunk, len(mentorships))}/{len(mentorships)} scholars"
            )

    def _meetings(self, mentorships, n_meetings: int, now, rng: random.Random) -> None:
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
            raise CommandError("This database does not return ids from bulk_create.")
        agendas = []
        visibilities = list(Agenda.Visibility.values)
        for meeting in meetings:
            upcoming = meeting.status == Meeting.Status.PLANNED
            lead = timedelta(hours=rng.choice([2, 12, 30, 48, 72]))
            agendas.append(
                Agenda(
                    meeting=meeting,
                    status=Agenda.Status.DRAFT if upcoming else Agenda.Status.SUBMITTED,
                    bottleneck=f"Synthetic bottleneck {meeting.mentorship_id}-{meeting.scheduled_at:%Y%m%d}.",
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
        # The mentor's read receipts: most briefs opened before the meeting, some only after,
        # some never (so the cadence dashboard's "briefs opened before" has real rows to probe).
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
