"""Meetings, the scholar's agenda and questions, the mentor's annotations and action items.

Who may see what is written once, in access.py; the QuerySet methods here apply it. Views look
every object up through one of these scoped querysets and answer 404 otherwise.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Mentorship, User

from . import access

ON_TIME_HOURS = 24
ONE_PAGE_WORDS = 450


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings whose content the user may open."""
        return self.filter(access.meeting_content(user))

    def schedule_visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings whose time and status the user may see."""
        return self.filter(access.meeting_schedule(user))

    def upcoming(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.PLANNED, scheduled_at__gte=timezone.now())

    def held(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.HELD)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    scheduled_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A meeting may belong to a recurring series; moving or cancelling one meeting changes only
    # that meeting (the series keeps its rule).
    series = models.ForeignKey(
        "MeetingSeries", on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    rescheduled_from = models.DateTimeField(null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)  # the ICS SEQUENCE

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [
            models.Index(fields=["mentorship", "status", "scheduled_at"]),
            # The cadence dashboard's overdue flag: the program's recent held meetings in one
            # index-only range scan (time), hashed once instead of a probe per pair. Partial (held
            # meetings only): on (status, time) PostgreSQL also took it for "the next planned
            # meetings of these pairs" and filtered a thousand rows instead of probing 20 pairs.
            models.Index(
                fields=["scheduled_at", "mentorship"],
                condition=models.Q(status="held"),
                name="meeting_held_time_idx",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.mentorship.scholar} with {self.mentorship.mentor}, {self.scheduled_at:%Y-%m-%d}"
        )

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def is_open(self) -> bool:
        """A planned meeting: its agenda can still change."""
        return self.status == self.Status.PLANNED

    def is_scholar(self, user: User) -> bool:
        return self.mentorship.scholar_id == user.pk

    def is_mentor(self, user: User) -> bool:
        return self.mentorship.mentor_id == user.pk

    def previous(self) -> Meeting | None:
        """The pair's last earlier meeting that took place (held, or whose time has passed)."""
        return (
            Meeting.objects.filter(
                Q(status=Meeting.Status.HELD) | Q(scheduled_at__lt=timezone.now()),
                mentorship_id=self.mentorship_id,
                scheduled_at__lt=self.scheduled_at,
            )
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("-scheduled_at")
            .first()
        )

    def mark_held(self, when=None) -> None:
        self.status = self.Status.HELD
        self.held_at = when or timezone.now()
        self.save(update_fields=["status", "held_at"])


class AgendaQuerySet(models.QuerySet["Agenda"]):
    def visible_to(self, user: User) -> AgendaQuerySet:
        return self.filter(access.agenda(user))

    def wellbeing_shared_with_manager(self, user: User) -> AgendaQuerySet:
        """Agendas with a check-in the scholar shared with this research manager."""
        return self.filter(access.checkin_shared_with_manager(user)).filter(
            Q(wellbeing_energy__isnull=False) | ~Q(wellbeing_note="")
        )

    def editable_by(self, user: User) -> AgendaQuerySet:
        return self.filter(access.agenda_editable(user))


class Agenda(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Visibility(models.TextChoices):
        ONLY_ME = "only_me", "Only me"
        MENTORS = "mentors", "My mentors"
        MANAGER = "manager", "My research manager"
        BOTH = "both", "My mentors and research manager"

    # (field name, heading, prompt) in the order the scholar writes them.
    SECTIONS = [
        (
            "decision",
            "The decision or help I need most",
            "One line your mentor reads first: the decision you need, or the help that would "
            "unblock you. Recommended, not required.",
        ),
        (
            "bottleneck",
            "Main bottleneck",
            "One sentence: what is blocking you, and what would unblock it?",
        ),
        ("tried", "What I tried", "What did you try, what did you read, whom did you ask?"),
        (
            "progress",
            "Progress since last time",
            "Results, not activity: what do you know now that you did not?",
        ),
        (
            "reading",
            "What I read",
            "Papers, posts or code you read, with one line on what you took from each.",
        ),
        (
            "asks",
            "What I want from this meeting",
            "A decision, feedback on something, an introduction…",
        ),
    ]
    SECTION_NAMES = [name for name, _, _ in SECTIONS]
    # The wellbeing check-in: private unless the scholar shares it, and not part of the brief.
    CHECKIN_FIELDS = ["wellbeing_energy", "wellbeing_note", "wellbeing_visibility"]

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="agenda")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    progress = models.TextField("Progress since last time", blank=True, max_length=4000)
    decision = models.TextField("The decision or help I need most", blank=True, max_length=300)
    bottleneck = models.TextField("Main bottleneck", blank=True, max_length=1000)
    tried = models.TextField("What I tried and whom I asked", blank=True, max_length=3000)
    reading = models.TextField("What I read", blank=True, max_length=3000)
    asks = models.TextField("What I want from this meeting", blank=True, max_length=2000)
    wellbeing_energy = models.PositiveSmallIntegerField(
        "Energy this week", null=True, blank=True, choices=[(i, str(i)) for i in range(1, 6)]
    )
    wellbeing_note = models.CharField("Anything you want to add", max_length=300, blank=True)
    wellbeing_visibility = models.CharField(
        "Who may see your check-in",
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.ONLY_ME,
    )
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_after_submit_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AgendaQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Agenda for {self.meeting}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_updated(self) -> bool:
        return self.updated_after_submit_at is not None

    @property
    def submitted_on_time(self) -> bool:
        return bool(
            self.submitted_at
            and self.submitted_at <= self.meeting.scheduled_at - timedelta(hours=ON_TIME_HOURS)
        )

    def wellbeing_visible_to(self, user: User) -> bool:
        return access.may_see_checkin(user, self)

    def word_count(self) -> int:
        """Words on the brief: the sections and every question that was not dropped."""
        texts = [getattr(self, name) for name in self.SECTION_NAMES]
        texts += [q.text for q in self.questions.all() if q.status != Question.Status.DROPPED]
        return sum(len(t.split()) for t in texts)

    @property
    def over_one_page(self) -> bool:
        return self.word_count() > ONE_PAGE_WORDS

    def submission_errors(self) -> dict[str, str]:
        """What stops this agenda from being submitted, by field name ("questions" for the
        questions). A submitted agenda must stay submittable."""
        errors = self.field_errors()
        if not self.questions_for_mentor().exists():
            errors["questions"] = "Add at least one question for your mentor before submitting."
        return errors

    def submission_advice(self) -> dict[str, str]:
        """What is recommended but does not stop a submission, by field name.

        The decision or help needed is recommended, not required: some meetings are a progress
        check with nothing to decide, and a required box there only collects "none"; the main
        bottleneck is already required, so every brief still opens with what blocks the scholar.
        """
        if self.decision.strip():
            return {}
        return {
            "decision": "Recommended: name the one decision or help you need most. Your mentor "
            "reads it first, so the meeting starts there."
        }

    def field_errors(self, changes: dict | None = None) -> dict[str, str]:
        """The rules of the agenda's fields (with `changes` applied), by field name: a main
        bottleneck, and if it is last time's again, what was tried since."""
        values = {"bottleneck": self.bottleneck, "tried": self.tried, **(changes or {})}
        bottleneck, tried = values["bottleneck"].strip(), values["tried"].strip()
        errors: dict[str, str] = {}
        if not bottleneck:
            errors["bottleneck"] = (
                "Name your one main bottleneck before submitting: what is blocking you, "
                "and what would unblock it?"
            )
        elif not tried and bottleneck.lower() == self.last_bottleneck().lower():
            errors["tried"] = (
                "Your bottleneck is the same as last time: say what you tried since, "
                "and whom you asked."
            )
        return errors

    def questions_for_mentor(self) -> models.QuerySet[Question]:
        """A question the scholar marked done or dropped is not a question for the mentor. Once
        the brief is submitted the mentor may resolve them all, which must not block later edits."""
        set_aside = [Question.Status.DROPPED] if self.is_submitted else Question.SET_ASIDE_STATES
        return self.questions.exclude(status__in=set_aside)

    def last_bottleneck(self) -> str:
        """The bottleneck of the pair's previous meeting ("" without one)."""
        previous = self.meeting.previous()
        agenda = Agenda.objects.filter(meeting=previous).first() if previous else None
        return agenda.bottleneck.strip() if agenda else ""

    def section_digests(self) -> dict[str, str]:
        """A short fingerprint of every section and question, to tell the mentor what changed."""

        def digest(text: str) -> str:
            return hashlib.sha256(text.strip().encode()).hexdigest()[:16]

        digests = {name: digest(getattr(self, name)) for name in self.SECTION_NAMES}
        for q in self.questions.all():
            if q.status != Question.Status.DROPPED:
                digests[f"q{q.pk}"] = digest(q.text)
        digests["questions"] = digest(
            "\n".join(f"{q.pk}:{q.text}" for q in self.questions.all() if q.status != "dropped")
        )
        return digests


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered in writing"
        DISCUSSED = "discussed", "Discussed"
        RESOLVED = "resolved", "Resolved"
        DROPPED = "dropped", "Dropped"

    CARRY_STATES = [Status.OPEN, Status.DISCUSSED]
    # What the scholar may do with a question on their agenda: mark it done, drop it, or put
    # it back (keep). Done and dropped questions stay on record; dropped ones leave the brief.
    SET_ASIDE_STATES = [Status.RESOLVED, Status.DROPPED]

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    rank = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # The meeting's time budget (meetings/budget.py): minutes the scholar expects the question to
    # take (None: the default), and whether it left the meeting to be answered in writing.
    estimate_minutes = models.PositiveSmallIntegerField(
        "Minutes",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    in_writing = models.BooleanField("Answer in writing", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["rank", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_answered(self) -> bool:
        return bool(self.answer) or self.status in (self.Status.ANSWERED, self.Status.RESOLVED)

    @property
    def is_set_aside(self) -> bool:
        return self.status in self.SET_ASIDE_STATES

    @classmethod
    def next_rank(cls, agenda: Agenda) -> int:
        return (agenda.questions.aggregate(m=Max("rank"))["m"] or 0) + 1


class Annotation(models.Model):
    """A mentor's comment on a section of the brief or on one question."""

    SECTION_CHOICES = [(name, heading) for name, heading, _ in Agenda.SECTIONS] + [
        ("question", "Question"),
        ("general", "General"),
    ]

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=20, choices=SECTION_CHOICES, default="general")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="annotations"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on {self.get_section_display()}"

    @property
    def is_edited(self) -> bool:
        return self.updated_at - self.created_at > timedelta(seconds=2)


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def visible_to(self, user: User) -> ActionItemQuerySet:
        return self.filter(access.action_item(user))

    def open(self) -> ActionItemQuerySet:
        return self.filter(done=False)


class ActionItem(models.Model):
    class Owner(models.TextChoices):
        SCHOLAR = "scholar", "Scholar"
        MENTOR = "mentor", "Mentor"

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    text = models.CharField(max_length=300)
    owner = models.CharField(max_length=10, choices=Owner.choices, default=Owner.SCHOLAR)
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_on", "created_at", "pk"]
        indexes = [models.Index(fields=["mentorship", "done"])]

    def __str__(self) -> str:
        return self.text

    @property
    def owner_user(self) -> User:
        m = self.mentorship
        return m.scholar if self.owner == self.Owner.SCHOLAR else m.mentor

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.due_on is not None and self.due_on < timezone.localdate()

    def can_update(self, user: User) -> bool:
        """The mentor updates every item; the scholar the items they own."""
        m = self.mentorship
        return m.mentor_id == user.pk or (
            m.scholar_id == user.pk and self.owner == self.Owner.SCHOLAR
        )

    def set_done(self, done: bool) -> None:
        self.done = done
        self.done_at = timezone.now() if done else None
        self.save(update_fields=["done", "done_at"])


class MeetingNote(models.Model):
    """The mentor's notes and decisions; append-only, so a held meeting's record stays true."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        DECISION = "decision", "Decision"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


# --- Read receipts, the mentor's private note, reminders, recurring meetings --------------------


class BriefRead(models.Model):
    """A mentor opened a submitted brief: when first and last, and what they saw then."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=0)
    digests = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agenda", "reader"], name="one_read_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader} read {self.agenda}"

    def is_current(self, agenda: Agenda) -> bool:
        """Read after the last change the scholar made."""
        return self.last_read_at >= agenda.updated_at

    def changed_sections(self, agenda: Agenda, now: dict[str, str] | None = None) -> set[str]:
        """Sections and questions ("q<pk>") whose text differs from what the reader last saw
        (`now`: the agenda's section_digests() when the caller has them already)."""
        if not self.digests:
            return set()
        now = agenda.section_digests() if now is None else now
        return {key for key, value in now.items() if self.digests.get(key) != value}

    @classmethod
    def record(
        cls,
        agenda: Agenda,
        reader: User,
        previous: BriefRead | None = None,
        now: datetime | None = None,
    ) -> set[str]:
        """Record that `reader` opened the brief now; `previous` is their earlier read (None the
        first time). Returns the sections and questions that changed since that earlier read."""
        now = now or timezone.now()
        digests = agenda.section_digests()
        changed = previous.changed_sections(agenda, digests) if previous else set()
        snapshot = {"last_read_at": now, "version": agenda.version, "digests": digests}
        # One statement (INSERT … ON CONFLICT DO UPDATE): two tabs opening the brief for the
        # first time at once both succeed, and the first read time is kept.
        cls.objects.bulk_create(
            [cls(agenda=agenda, reader=reader, first_read_at=now, **snapshot)],
            update_conflicts=True,
            unique_fields=["agenda", "reader"],
            update_fields=list(snapshot),
        )
        return changed


class MentorPrivateNote(models.Model):
    """A mentor's own note on a scholar: only that mentor ever sees it (PRIVACY.md)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes_written"
    )
    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(blank=True, max_length=4000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "scholar"], name="one_private_note_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.mentor}'s note on {self.scholar}"


class SentReminder(models.Model):
    """Each mail that must go once (a reminder, a brief notice) is claimed here before sending."""

    class Kind(models.TextChoices):
        AGENDA_DUE = "agenda_due", "Agenda due (to the scholar, 48 h before)"
        BRIEF_UNREAD = "brief_unread", "Brief not opened (to the mentor, 24 h before)"
        BRIEF_SUBMITTED = "brief_submitted", "Brief submitted (to the mentor)"
        BRIEF_UPDATED = "brief_updated", "Brief updated (to the mentor)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Distinguishes repeatable notices (an update after each read); empty for reminders.
    key = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "meeting", "recipient", "key"], name="each_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} for meeting {self.meeting_id}"


class MeetingSeries(models.Model):
    """A recurring rule for a mentorship: every interval_days from starts_at, count times."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="series")
    starts_at = models.DateTimeField()
    interval_days = models.PositiveSmallIntegerField(default=7)
    count = models.PositiveSmallIntegerField(default=8)
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    # Occurrences keep their local wall-clock time in this zone across daylight-saving changes.
    time_zone = models.CharField(max_length=64, default="UTC")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="series_interval_ge_1"),
            models.CheckConstraint(condition=Q(count__gte=1), name="series_count_ge_1"),
        ]

    def __str__(self) -> str:
        return f"Every {self.interval_days} days: {self.mentorship}"

    def occurrences(self) -> list:
        import zoneinfo

        try:
            zone = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        local = self.starts_at.astimezone(zone).replace(tzinfo=None)
        return [
            (local + timedelta(days=self.interval_days * i)).replace(tzinfo=zone)
            for i in range(self.count)
        ]

    @transaction.atomic
    def create_meetings(self) -> list[Meeting]:
        meetings = Meeting.objects.bulk_create(
            Meeting(
                mentorship=self.mentorship,
                scheduled_at=when,
                duration_minutes=self.duration_minutes,
                series=self,
                created_by=self.created_by,
            )
            for when in self.occurrences()
        )
        return meetings


class AgendaRevisionQuerySet(models.QuerySet["AgendaRevision"]):
    def visible_to(self, user: User) -> AgendaRevisionQuerySet:
        return self.filter(access.revision(user))


class AgendaRevision(models.Model):
    """Who changed what in an agenda, and when (recorded by meetings/revisions.py)."""

    class Kind(models.TextChoices):
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted"

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    # The agenda's version once this revision's last save was written.
    version = models.PositiveIntegerField()
    # {field name: {"old": value, "new": value}}
    changes = models.JSONField(default=dict)
    # Made once the agenda had been submitted: the mentor may see it.
    after_submit = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AgendaRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agenda", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} of {self.agenda_id}"


# --- Meeting mode: the meeting itself, live ----------------------------------------------------


class LiveMeeting(models.Model):
    """The shared state of a meeting in progress (meetings/live.py): which question is on,
    since when, and a counter of every change, so each open page asks only for what is new.

    `seq` grows by one with every capture and every move; `version` only with moves, so a stale
    "next question" from the other person's page is refused instead of skipping a question.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="live")
    seq = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    reading_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    current_question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question_started_at = models.DateTimeField(null=True, blank=True)
    finished = models.BooleanField(default=False)  # past the last question

    def __str__(self) -> str:
        return f"Live {self.meeting}"


class Capture(models.Model):
    """An answer, decision or action item typed during the meeting: appended, never overwritten,
    and filed into the meeting record when the meeting is marked held."""

    class Kind(models.TextChoices):
        ANSWER = "answer", "Answer"
        DECISION = "decision", "Decision"
        ACTION = "action", "Action item"

    live = models.ForeignKey(LiveMeeting, on_delete=models.CASCADE, related_name="captures")
    seq = models.PositiveIntegerField()
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    filed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["live", "seq"], name="one_capture_per_seq")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"
