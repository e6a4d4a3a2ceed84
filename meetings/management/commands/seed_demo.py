"""Demo data: one program, staff1, manager1 (research manager), mentor1/mentor2,
scholar1…scholar6 (password: demo).

Development only: it refuses to run unless DEBUG is on, so a production database never gets
accounts with a published password. Idempotent: a second run leaves existing data alone, and
a password is only set when the user is created here (never reset on an existing account).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Mentorship, Program, ResearchManagerAssignment, User
from meetings.agendas import domain as agendas
from meetings.growth import signals as growth
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    HelpAsked,
    LeadFeedback,
    Meeting,
    MeetingNote,
    MeetingOutcome,
    ProgressLine,
    Question,
    ReadingEntry,
    Recap,
)
from meetings.plans import domain as plans
from meetings.unstuck.streaks import recompute_pairs

PASSWORD = "demo"
PEOPLE = [
    ("staff1", "Sam Okafor", "Europe/Berlin"),
    ("manager1", "Dr. Priya Raman", "Europe/Paris"),
    ("mentor1", "Dr. Maya Chen", "America/New_York"),
    ("mentor2", "Prof. Lars Eriksen", "Europe/Stockholm"),
    ("scholar1", "Ana Lima", "Europe/London"),
    ("scholar2", "Ravi Iyer", "Asia/Kolkata"),
    ("scholar3", "Tom Becker", "Europe/Berlin"),
    ("scholar4", "Yuki Tanaka", "Asia/Tokyo"),
    ("scholar5", "Grace Mensah", "Africa/Accra"),
    ("scholar6", "Leo Martin", "America/Los_Angeles"),
]
PAIRS = [  # scholar, mentor, cadence in days, weeks since the last held meeting
    ("scholar1", "mentor1", 7, 1),
    ("scholar2", "mentor1", 7, 1),
    ("scholar3", "mentor1", 14, 2),
    ("scholar4", "mentor1", 14, 2),
    ("scholar4", "mentor2", 7, 1),
    ("scholar5", "mentor2", 7, 1),
    ("scholar6", "mentor2", 7, 5),  # overdue
]
# The research manager's scholars; each shares at least their latest check-in with the manager.
MANAGED = ["scholar1", "scholar2", "scholar5"]
TOPICS = [
    "sparse autoencoder features for factual recall",
    "reward-model overoptimisation in small RLHF runs",
    "probing for truthfulness directions across layers",
    "scaling curves for in-context learning on synthetic tasks",
    "evaluating refusal robustness under paraphrase",
    "activation patching on a 1B-parameter model",
]
BOTTLENECKS = [
    "My {t} results don't replicate across seeds; I need to know whether to debug further or change the setup.",
    "I can't tell if the effect in {t} is real or an artefact of how I normalise; a second pair of eyes on the analysis would unblock me.",
    "Compute: the {t} sweep needs ~3× my budget. Should I shrink the model or the grid?",
    "I'm stuck choosing between two framings for the {t} write-up.",
]
# scholar3's bottleneck, now and at their last two meetings; scholar5's, resolved since.
STUCK_BOTTLENECKS = [
    "My truthfulness probes still don't replicate across seeds.",
    "The truthfulness probe results don't replicate across seeds; debug further or change setup?",
    "Probing for truthfulness directions: the results don't replicate across seeds.",
]
SOLVED_BOTTLENECK = "My truthfulness probe results didn't replicate across seeds."
TRIED = [
    "Reran with 5 seeds, checked the data loader, asked **Priya** in the reading group; she suspects the learning-rate warm-up.",
    "Read the two closest papers and tried their normalisation; posted in the lab channel, no answer yet.",
    "Profiled the run, halved the batch size, asked the infra team about preemptible nodes.",
]
PROGRESS = [
    "- Finished the baseline for {t}\n- Wrote the evaluation harness (tests pass)\n- First plot of the effect vs. layer",
    "- Cleaned up the dataset (2.1k examples kept)\n- Reproduced the main figure of the reference paper\n- Drafted the method section",
]
READING = [
    "*Towards Monosemanticity* — the dictionary-learning setup I'm copying.",
    "*Scaling Laws for Reward Model Overoptimization* — their proxy/gold split is what I need.",
    "A LessWrong post on activation patching pitfalls — explains my null result.",
]
QUESTIONS = [
    "Is a 2-point gain over baseline worth writing up, or should I push for more?",
    "Which ablation would convince a sceptical reviewer most?",
    "Should I switch to the larger model now or after the workshop deadline?",
    "Who else in the program works on this and might want to collaborate?",
    "Is my evaluation metric measuring what I think it measures?",
    "How much time should I give this direction before pivoting?",
]
ACTIONS = [
    ("Rerun the main experiment with 3 more seeds", "scholar"),
    ("Send the draft intro to the mentor", "scholar"),
    ("Introduce the scholar to the interpretability group", "mentor"),
    ("Write a one-paragraph summary of the null result", "scholar"),
    ("Share compute-budget contact", "mentor"),
]


CHECKIN_UPDATE = ["wellbeing_visibility", "wellbeing_energy", "wellbeing_note"]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts whose password is published (demo); it only runs "
                "with DEBUG on, e.g. DEBUG=1 python manage.py seed_demo."
            )
        with transaction.atomic():
            users = self._users()
            if not Program.objects.filter(slug="winter-2027").exists():
                self._program(users)
                self.stdout.write(self.style.SUCCESS("Demo data created."))
            else:
                self.stdout.write("Demo data already present; left as it is.")
        self.stdout.write(
            "\nDemo logins (password demo, unless changed since it was created):\n"
            "  scholar1 … scholar6  scholars (scholar4 has two mentors)\n"
            "  mentor1, mentor2      mentors\n"
            "  staff1                program staff (cadence page)\n"
            "  manager1              research manager of scholar1, scholar2, scholar5\n"
            "  admin                 operator (Django admin at /admin/)\n"
        )

    def _users(self) -> dict[str, User]:
        users = {}
        for username, name, tz in PEOPLE:
            users[username] = self._user(
                username,
                display_name=name,
                time_zone=tz,
                email=f"{username}@example.org",
            )
        self._user("admin", is_staff=True, is_superuser=True, display_name="Operator")
        return users

    def _user(self, username: str, **fields) -> User:
        """The existing account as it is, or a new one with the demo password."""
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, **fields)
            user.set_password(PASSWORD)
            user.save()
        return user

    def _program(self, users: dict[str, User]) -> None:
        rng = random.Random(2027)
        now = timezone.now()
        program = Program.objects.create(
            name="Winter 2027", slug="winter-2027", starts_on=(now - timedelta(days=100)).date()
        )
        program.staff.add(users["staff1"])
        for index, (s, m, cadence, weeks_since) in enumerate(PAIRS):
            mentorship = Mentorship.objects.create(
                program=program,
                scholar=users[s],
                mentor=users[m],
                cadence_days=cadence,
                started_on=program.starts_on,
            )
            topic = TOPICS[index % len(TOPICS)]
            hour = 14 + index % 4
            last = now - timedelta(weeks=weeks_since)
            meeting_days = []
            day = last
            while day.date() > program.starts_on + timedelta(days=3):
                meeting_days.append(day)
                day -= timedelta(days=cadence)
            for when in reversed(meeting_days):
                when = datetime.combine(when.date(), time(hour, 0), tzinfo=when.tzinfo)
                cancelled = rng.random() < 0.08
                self._held_meeting(mentorship, when, topic, rng, cancelled)
            upcoming = datetime.combine(
                (now + timedelta(days=1 + index % 5)).date(), time(hour, 0), tzinfo=now.tzinfo
            )
            meeting = Meeting.objects.create(mentorship=mentorship, scheduled_at=upcoming)
            agenda = agendas.start(meeting)
            agenda.progress = rng.choice(PROGRESS).format(t=topic)
            agenda.save()
        self._research_manager(program, users)
        self._unstuck_and_after(program, users)
        self._stuck_and_a_peer(users)
        # The agendas above were written directly, not through agendas.submit: their stored
        # stuck streaks, as submitting them would have left them.
        recompute_pairs(program.mentorships.values_list("pk", flat=True))

    def _unstuck_and_after(self, program: Program, users: dict[str, User]) -> None:
        """A little of everything around the meetings, so each page has something to show:
        scholar1's recap of their last meeting (confirmed), answer and feedback, research plan,
        reading and progress log; scholar2's bottleneck on the peer board."""
        now = timezone.now()
        scholar1, scholar2 = users["scholar1"], users["scholar2"]
        last = (
            Meeting.objects.held()
            .filter(mentorship__scholar=scholar1)
            .select_related("mentorship")
            .order_by("-scheduled_at")
            .first()
        )
        if last is not None:
            Recap.objects.create(
                meeting=last,
                takeaway="Check the variance across seeds before trusting a single run.",
                next_steps="Rerun the baseline with three seeds; plot the spread.",
                still_need="A pointer to a cheaper evaluation set.",
                confirmed_by=last.mentorship.mentor,
                confirmed_at=now - timedelta(days=1),
                correction="Also log the learning-rate schedule.",
            )
            MeetingOutcome.objects.create(meeting=last, answer=MeetingOutcome.Answer.PARTLY)
            LeadFeedback.objects.create(
                meeting=last,
                mentor=last.mentorship.mentor,
                clarity=LeadFeedback.Clarity.MOSTLY,
                important_first=LeadFeedback.First.YES,
                note="Starting with the decision you needed made the meeting easy to steer.",
            )
        plans.save_plan(
            scholar1,
            "A small, honest benchmark of how faithful linear probes are.",
            "If probe results can be trusted, interpretability claims can be checked cheaply.",
            None,
        )
        today = now.date()
        done = plans.add_milestone(scholar1, "Dataset assembled", today - timedelta(days=20))
        plans.update_milestone(done, done.title, done.target_on, True)
        plans.add_milestone(scholar1, "Baseline probes on three models", today + timedelta(days=10))
        plans.add_milestone(scholar1, "Workshop paper draft", today + timedelta(days=45))
        ReadingEntry.objects.create(
            scholar=scholar1,
            title="Designing and Interpreting Probes with Control Tasks",
            link="https://arxiv.org/abs/1909.03368",
            takeaway="A probe's accuracy means little without a control task.",
            read_on=today - timedelta(days=3),
        )
        ProgressLine.objects.create(scholar=scholar1, text="Baseline runs on the small model.")
        # scholar1 shows their mentor how they lead meetings, and their end-of-program report.
        growth.save_sharing(scholar1, {"leading": True, "unstuck": True, "report": True})
        shared = (
            Agenda.objects.filter(
                meeting__mentorship__scholar=scholar2, status=Agenda.Status.SUBMITTED
            )
            .order_by("-meeting__scheduled_at")
            .first()
        )
        if shared is not None:
            shared.bottleneck_shared, shared.bottleneck_shared_at = True, now - timedelta(days=2)
            shared.save(update_fields=["bottleneck_shared", "bottleneck_shared_at"])

    def _stuck_and_a_peer(self, users: dict[str, User]) -> None:
        """scholar3 names the same bottleneck for a third meeting (their agenda's stuck prompt)
        and had asked scholar1 (who is told so); scholar5 shared a similar one with the program
        and got past it, so scholar3 is suggested to ask scholar5."""
        now = timezone.now()
        scholar3 = users["scholar3"]
        held = list(
            Agenda.objects.filter(
                meeting__mentorship__scholar=scholar3, status=Agenda.Status.SUBMITTED
            ).order_by("-meeting__scheduled_at")[:2]
        )
        for agenda, text in zip(held, STUCK_BOTTLENECKS[1:], strict=False):
            agenda.bottleneck = text
            agenda.save(update_fields=["bottleneck"])
        if held:
            HelpAsked.objects.create(
                agenda=held[0],
                kind=HelpAsked.Kind.PEER,
                peer=users["scholar1"],
                outcome="Not her area; she pointed me to the reading group.",
                created_at=held[0].submitted_at or now,
            )
        upcoming = Agenda.objects.filter(
            meeting__mentorship__scholar=scholar3, meeting__status=Meeting.Status.PLANNED
        ).first()
        if upcoming is not None:
            upcoming.bottleneck = STUCK_BOTTLENECKS[0]
            upcoming.save(update_fields=["bottleneck"])
        solved = (
            Agenda.objects.filter(
                meeting__mentorship__scholar=users["scholar5"],
                meeting__status=Meeting.Status.HELD,
                status=Agenda.Status.SUBMITTED,
            )
            .order_by("-meeting__scheduled_at")
            .first()
        )
        if solved is not None:
            solved.bottleneck = SOLVED_BOTTLENECK
            solved.bottleneck_shared, solved.bottleneck_shared_at = True, now - timedelta(days=9)
            solved.bottleneck_resolved_at = now - timedelta(days=4)
            solved.bottleneck_resolution = "Fixed the data order and averaged the probe over seeds"
            solved.save(
                update_fields=[
                    "bottleneck",
                    "bottleneck_shared",
                    "bottleneck_shared_at",
                    "bottleneck_resolved_at",
                    "bottleneck_resolution",
                ]
            )

    def _research_manager(self, program: Program, users: dict[str, User]) -> None:
        """manager1 looks after a few scholars, each of whom shared their latest check-in with
        the research manager (and their mentors), so the manager's page has something to show."""
        for username in MANAGED:
            scholar = users[username]
            ResearchManagerAssignment.objects.create(
                program=program, manager=users["manager1"], scholar=scholar
            )
            latest = (
                Agenda.objects.filter(
                    meeting__mentorship__scholar=scholar,
                    meeting__status=Meeting.Status.HELD,
                    status=Agenda.Status.SUBMITTED,
                )
                .order_by("-meeting__scheduled_at")
                .first()
            )
            if latest is not None:
                latest.wellbeing_visibility = Agenda.Visibility.BOTH
                latest.wellbeing_energy = latest.wellbeing_energy or 3
                latest.wellbeing_note = latest.wellbeing_note or "A heavy week, but getting there."
                latest.save(update_fields=CHECKIN_UPDATE)

    def _held_meeting(self, mentorship, when, topic, rng, cancelled) -> None:
        status = Meeting.Status.CANCELLED if cancelled else Meeting.Status.HELD
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            scheduled_at=when,
            status=status,
            held_at=None if cancelled else when + timedelta(minutes=30),
        )
        if cancelled:
            return
        agenda = agendas.start(meeting)
        hours_ahead = rng.choice([72, 48, 30, 26, 12, 3])
        agenda.bottleneck = rng.choice(BOTTLENECKS).format(t=topic)
        agenda.tried = rng.choice(TRIED)
        agenda.progress = rng.choice(PROGRESS).format(t=topic)
        agenda.reading = rng.choice(READING)
        agenda.asks = "A decision on the next experiment, and feedback on the plot."
        agenda.wellbeing_energy = rng.randint(2, 5)
        agenda.wellbeing_note = rng.choice(["", "Tired after the deadline.", "Good week!"])
        agenda.wellbeing_visibility = rng.choice(list(Agenda.Visibility.values))
        agenda.status = Agenda.Status.SUBMITTED
        agenda.submitted_at = when - timedelta(hours=hours_ahead)
        agenda.created_at = agenda.submitted_at - timedelta(hours=20)
        agenda.updated_at = agenda.submitted_at
        agenda.save()
        # The reading the brief mentions is on the reading list too, read two days before the
        # meeting: the history's weeks and the growth page count it where the brief shows it.
        title, _, takeaway = agenda.reading.partition(" — ")
        ReadingEntry.objects.create(
            scholar=mentorship.scholar,
            title=title.strip("*"),
            takeaway=takeaway,
            read_on=timezone.localdate(when - timedelta(days=2)),
            agenda=agenda,
        )
        start = agenda.questions.count()
        for rank, text in enumerate(rng.sample(QUESTIONS, 2), start=start + 1):
            Question.objects.create(agenda=agenda, text=text, rank=rank)
        mentor = mentorship.mentor
        for q in agenda.questions.all():
            roll = rng.random()
            if roll < 0.4:
                q.answer = "Short answer: yes, but check the variance first."
                q.status, q.answered_by, q.answered_at = Question.Status.RESOLVED, mentor, when
            elif roll < 0.8:
                q.status = Question.Status.RESOLVED
            q.save()
        # Mentors mostly open the brief the evening before; sometimes only afterwards, or never.
        read_roll = rng.random()
        if read_roll < 0.85:
            read_at = when - timedelta(hours=rng.choice([20, 14, 3])) if read_roll < 0.75 else when
            BriefRead.objects.create(
                agenda=agenda,
                reader=mentor,
                first_read_at=max(read_at, agenda.submitted_at),
                last_read_at=max(read_at, agenda.submitted_at),
                version=agenda.version,
            )
        Annotation.objects.create(
            agenda=agenda,
            author=mentor,
            section="bottleneck",
            body=rng.choice(
                [
                    "Let's start here. I think it's the warm-up.",
                    "Good framing. Bring the plot.",
                    "Try the smaller grid first.",
                ]
            ),
            created_at=when - timedelta(hours=2),
        )
        ActionItem.objects.filter(mentorship=mentorship, done=False, created_at__lt=when).update(
            done=True, done_at=when
        )
        text, owner = rng.choice(ACTIONS)
        ActionItem.objects.create(
            mentorship=mentorship,
            meeting=meeting,
            text=text,
            owner=owner,
            due_on=(when + timedelta(days=6)).date(),
            created_by=mentor,
            created_at=when,
        )
        MeetingNote.objects.create(
            meeting=meeting,
            author=mentor,
            kind=MeetingNote.Kind.DECISION,
            body="Keep the current setup one more week, then decide.",
            created_at=when,
        )
