"""Meetings, the scholar's agenda and questions, the mentor's annotations and action items.

Who may see what is written once, in access.py; the QuerySet methods here apply it. Views look
every object up through one of these scoped querysets and answer 404 otherwise.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

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
    # The ICS SEQUENCE: grows at each move, cancellation and undone cancellation, so calendar
    # apps replace their copy of the event.
    reschedule_count = models.PositiveSmallIntegerField(default=0)

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

    @property
    def has_started(self) -> bool:
        """Its start time has come: only then may it be marked held."""
        return self.scheduled_at <= timezone.now()

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
    # Fields whose change does not make a submitted brief "updated" for the mentor.
    SCHOLAR_ONLY_FIELDS = [*CHECKIN_FIELDS, "bottleneck_shared"]

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="agenda")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    progress = models.TextField("Progress since last time", blank=True, max_length=4000)
    decision = models.TextField("The decision or help I need most", blank=True, max_length=300)
    bottleneck = models.TextField("Main bottleneck", blank=True, max_length=1000)
    # The scholar's word that this is last meeting's bottleneck again, however it is worded:
    # the stuck detector (meetings/stuck.py) matches words and misses some paraphrases.
    bottleneck_same_as_last = models.BooleanField(
        "Still the same bottleneck as last meeting", default=False
    )
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
    # Peer help: the scholar may share this agenda's bottleneck with the scholars of their
    # program (opt-in, off by default); peers see it once the agenda is submitted (access.py).
    bottleneck_shared = models.BooleanField(
        "Share this bottleneck with the scholars of my program", default=False
    )
    bottleneck_shared_at = models.DateTimeField(null=True, blank=True)
    bottleneck_resolved_at = models.DateTimeField(null=True, blank=True)
    bottleneck_resolution = models.CharField("How I got past it", max_length=200, blank=True)

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

    @property
    def triage_moves(self) -> list[str]:
        """The states the mentor may move this question to in the meeting (briefs.triage)."""
        return TRIAGE_MOVES.get(self.status, [])

    @classmethod
    def next_rank(cls, agenda: Agenda) -> int:
        return (agenda.questions.aggregate(m=Max("rank"))["m"] or 0) + 1


# The mentor's moves in the meeting from each state of a question. Reopening a question answered
# in writing would leave it answered (Question.is_answered), so an answered one is only taken
# further; the scholar alone drops a question.
TRIAGE_MOVES = {
    Question.Status.OPEN: [Question.Status.DISCUSSED, Question.Status.RESOLVED],
    Question.Status.ANSWERED: [Question.Status.DISCUSSED, Question.Status.RESOLVED],
    Question.Status.DISCUSSED: [Question.Status.RESOLVED, Question.Status.OPEN],
    Question.Status.RESOLVED: [Question.Status.OPEN],
}


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
        MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled (to the pair)"
        MEETING_MOVED = "meeting_moved", "Meeting moved (to the pair)"
        MEETING_CANCELLED = "meeting_cancelled", "Meeting cancelled (to the pair)"
        MEETING_RESTORED = "meeting_restored", "Cancellation undone (to the pair)"
        PEER_OFFER = "peer_offer", "A peer offered help (to the scholar)"

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


class RecapQuerySet(models.QuerySet["Recap"]):
    def visible_to(self, user: User) -> RecapQuerySet:
        return self.filter(access.recap(user))


class Recap(models.Model):
    """The scholar's three lines after a held meeting; the mentor confirms them or adds a
    correction. The recap opens the pair's next agenda."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="recap")
    takeaway = models.TextField("What I take away", max_length=600)
    next_steps = models.TextField("What I'll do next", max_length=600)
    still_need = models.TextField("What I still need", max_length=600, blank=True)
    version = models.PositiveIntegerField(default=1)
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    correction = models.TextField("Correction or addition", max_length=1000, blank=True)

    objects = RecapQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Recap of {self.meeting_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class MeetingOutcomeQuerySet(models.QuerySet["MeetingOutcome"]):
    def visible_to(self, user: User) -> MeetingOutcomeQuerySet:
        return self.filter(access.meeting_outcome(user))


class MeetingOutcome(models.Model):
    """The scholar's private answer to "Did you get what you came for?"."""

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="outcome")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    comment = models.CharField("Anything to add (only you see this)", max_length=300, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    objects = MeetingOutcomeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.get_answer_display()} for {self.meeting_id}"


class LeadFeedbackQuerySet(models.QuerySet["LeadFeedback"]):
    def visible_to(self, user: User) -> LeadFeedbackQuerySet:
        return self.filter(access.lead_feedback(user))


class LeadFeedback(models.Model):
    """A mentor's short feedback to the scholar on how they led the meeting."""

    class Clarity(models.TextChoices):
        CLEAR = "clear", "Clear"
        MOSTLY = "mostly", "Mostly clear"
        UNCLEAR = "unclear", "Hard to follow"

    class First(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Not quite"
        NO = "no", "No"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="lead_feedback")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    clarity = models.CharField("How clear was the meeting?", max_length=8, choices=Clarity.choices)
    important_first = models.CharField(
        "Did the most important point come first?", max_length=8, choices=First.choices
    )
    note = models.TextField("A note for the scholar", max_length=600, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LeadFeedbackQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "mentor"], name="one_feedback_per_mentor")
        ]

    def __str__(self) -> str:
        return f"Feedback by {self.mentor_id} on {self.meeting_id}"


class ResearchPlanQuerySet(models.QuerySet["ResearchPlan"]):
    def visible_to(self, user: User) -> ResearchPlanQuerySet:
        return self.filter(access.research_plan(user))


class ResearchPlan(models.Model):
    """A scholar's short plan: the goal, the theory of change and milestones with target dates."""

    scholar = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_plan"
    )
    goal = models.TextField("Goal", max_length=600, blank=True)
    theory_of_change = models.TextField("Theory of change", max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ResearchPlanQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Research plan of {self.scholar_id}"


class Milestone(models.Model):
    plan = models.ForeignKey(ResearchPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("Milestone", max_length=200)
    target_on = models.DateField("Target date", null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The agendas whose progress the scholar tagged as advancing this milestone.
    agendas = models.ManyToManyField(Agenda, related_name="milestones", blank=True)

    class Meta:
        ordering = ["position", "target_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today) -> bool:
        return not self.is_done and self.target_on is not None and self.target_on < today


# --- Peer help, reading, the progress log ------------------------------------------------------


class PeerOfferQuerySet(models.QuerySet["PeerOffer"]):
    def visible_to(self, user: User) -> PeerOfferQuerySet:
        return self.filter(access.peer_offer(user))


class PeerOffer(models.Model):
    """A scholar's offer to a peer whose bottleneck is on the program's board: only the two of
    them ever see it (PRIVACY.md)."""

    class Kind(models.TextChoices):
        SOLVED = "solved", "I've solved something like this"
        TALK = "talk", "Happy to talk"

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="peer_offers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_offers_made"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TALK)
    message = models.CharField("Message (optional)", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = PeerOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agenda", "author"], name="one_offer_per_peer")
        ]

    def __str__(self) -> str:
        return f"{self.author} offers help on agenda {self.agenda_id}"


class ReadingRecommendationQuerySet(models.QuerySet["ReadingRecommendation"]):
    def for_scholar(self, scholar_id: int) -> ReadingRecommendationQuerySet:
        return self.filter(access.recommendations_for_scholar(scholar_id))


class ReadingRecommendation(models.Model):
    """A mentor's recommended reading, for one of their scholars or (no scholar) for every
    scholar of the program."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.CASCADE, related_name="reading_recommendations"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reading_recommended",
    )
    title = models.CharField(max_length=200)
    link = models.URLField(max_length=500, blank=True)
    note = models.CharField("Why (optional)", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReadingRecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """A meeting marked held or cancelled, or such a change undone: who did it and when.

    The record an undo leaves (a held meeting's record is otherwise fixed), and what tells
    whether the latest change may still be undone: until the end of the day it was made, in the
    time zone of the person who made it (kept here, so changing one's zone later moves nothing).
    """

    class Action(models.TextChoices):
        HELD = "held", "Marked held"
        CANCELLED = "cancelled", "Cancelled"
        UNDONE = "undone", "Undone"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["meeting", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} meeting {self.meeting_id} at {self.at:%Y-%m-%d %H:%M}"

    def undo_day(self) -> date:
        """The day the change was made, in its author's time zone: it may be undone until that
        day ends."""
        return self.at.astimezone(self._zone()).date()

    def undo_deadline(self) -> datetime:
        """The end of undo_day, in its author's time zone."""
        return datetime.combine(self.undo_day() + timedelta(days=1), time.min, tzinfo=self._zone())

    def _zone(self):
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class ReadingEntryQuerySet(models.QuerySet["ReadingEntry"]):
    def visible_to(self, user: User) -> ReadingEntryQuerySet:
        return self.filter(access.reading(user))


class ReadingEntry(models.Model):
    """Something the scholar read, with the one line it changed in their model."""

    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_entries"
    )
    title = models.CharField(max_length=200)
    link = models.URLField(max_length=500, blank=True)
    takeaway = models.CharField("What changed in my model", max_length=300, blank=True)
    read_on = models.DateField("Read on", default=timezone.localdate)
    agenda = models.ForeignKey(
        Agenda, on_delete=models.SET_NULL, null=True, blank=True, related_name="reading_entries"
    )
    recommendation = models.ForeignKey(
        ReadingRecommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReadingEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-read_on", "-pk"]
        indexes = [models.Index(fields=["scholar", "read_on"])]

    def __str__(self) -> str:
        return self.title


class ProgressLineQuerySet(models.QuerySet["ProgressLine"]):
    def visible_to(self, user: User) -> ProgressLineQuerySet:
        return self.filter(access.reading(user))


class ProgressLine(models.Model):
    """A small win or finding the scholar jotted down between meetings, in one line."""

    scholar = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_lines"
    )
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProgressLineQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scholar", "created_at"])]

    def __str__(self) -> str:
        return self.text


# --- Whom I asked: the scholar's help-seeking, one entry per person or channel ------------------


class HelpAsked(models.Model):
    """Someone the scholar asked about their bottleneck before the meeting, and what came of it.

    Part of the agenda (editable while the meeting is planned); a peer in the program is linked
    so that the only thing that peer may ever learn is that they were asked (PRIVACY.md)."""

    class Kind(models.TextChoices):
        PEER = "peer", "A peer in the program"
        MENTOR = "mentor", "My mentor"
        OUTSIDE = "outside", "Someone outside the program"
        FORUM = "forum", "A forum or chat"

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="help_asked")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField("Person or channel", max_length=120, blank=True)
    outcome = models.CharField("What came of it", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The peer asked hides the "you were asked" notice on their home page (peers.py).
    peer_dismissed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "help asked"

    def __str__(self) -> str:
        return self.label

    @property
    def who(self) -> str:
        """The person or channel as the scholar's agenda names them."""
        if self.kind == self.Kind.PEER and self.peer_id:
            return self.peer.name
        if self.kind == self.Kind.MENTOR and not self.name:
            return "my mentor"
        return self.name

    @property
    def label(self) -> str:
        """ "Dana (peer)", "#interp-help (forum)": one entry on a history line."""
        short = {"peer": "peer", "mentor": "mentor", "outside": "outside", "forum": "forum"}
        return f"{self.who} ({short[self.kind]})"


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


# --- My growth and the end-of-program report --------------------------------------------------


class GrowthSharingQuerySet(models.QuerySet["GrowthSharing"]):
    def visible_to(self, user: User) -> GrowthSharingQuerySet:
        return self.filter(access.growth_sharing(user))


class GrowthSharing(models.Model):
    """What a scholar shares with their mentors of their growth page and end-of-program report.
    Nothing is shared until the scholar ticks it; the check-in energy trend is never shareable."""

    # (field name, label, why it matters): the growth page's parts a scholar may share, in order.
    PARTS = [
        ("leading", "Leading meetings", "Mentors value a scholar who steers the meeting."),
        ("unstuck", "Getting unstuck", "Thriving scholars keep going and ask for help early."),
        ("reading", "Reading", "Reading widely changes what you try next."),
        ("peers", "Peer help", "Scholars who learn from peers get unstuck sooner."),
    ]
    PART_NAMES = [name for name, _, _ in PARTS]

    scholar = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_sharing"
    )
    leading = models.BooleanField("Leading meetings", default=False)
    unstuck = models.BooleanField("Getting unstuck", default=False)
    reading = models.BooleanField("Reading", default=False)
    peers = models.BooleanField("Peer help", default=False)
    report = models.BooleanField("My end-of-program report", default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = GrowthSharingQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Growth sharing of {self.scholar_id}"

    @property
    def shared_parts(self) -> set[str]:
        return {name for name in self.PART_NAMES if getattr(self, name)}
