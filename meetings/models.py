"""Meetings, the scholar's agenda and questions, the mentor's annotations and action items.

Who may see what is decided here, in QuerySet methods, following ../shared/PRIVACY.md. Views look
every object up through one of these scoped querysets and answer 404 otherwise.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from accounts.models import Mentorship, User

ON_TIME_HOURS = 24
ONE_PAGE_WORDS = 450


def _anon(user) -> bool:
    return user is None or not user.is_authenticated


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings whose content the user may open: the scholar and their mentor."""
        if _anon(user):
            return self.none()
        return self.filter(Q(mentorship__scholar=user) | Q(mentorship__mentor=user))

    def schedule_visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings whose time and status the user may see (adds program staff)."""
        if _anon(user):
            return self.none()
        return self.filter(
            Q(mentorship__scholar=user)
            | Q(mentorship__mentor=user)
            | Q(mentorship__program__staff=user)
        ).distinct()

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

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["mentorship", "status", "scheduled_at"])]

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
        return (
            Meeting.objects.filter(
                mentorship_id=self.mentorship_id, scheduled_at__lt=self.scheduled_at
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
        """The scholar sees their agendas in every state; the mentor only once submitted."""
        if _anon(user):
            return self.none()
        return self.filter(
            Q(meeting__mentorship__scholar=user)
            | Q(meeting__mentorship__mentor=user, status=Agenda.Status.SUBMITTED)
        )

    def editable_by(self, user: User) -> AgendaQuerySet:
        if _anon(user):
            return self.none()
        return self.filter(
            meeting__mentorship__scholar=user, meeting__status=Meeting.Status.PLANNED
        )


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

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="agenda")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    progress = models.TextField("Progress since last time", blank=True, max_length=4000)
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

    def wellbeing_visible_to_mentor(self) -> bool:
        return self.wellbeing_visibility in (self.Visibility.MENTORS, self.Visibility.BOTH)

    def wellbeing_visible_to_manager(self) -> bool:
        return self.wellbeing_visibility in (self.Visibility.MANAGER, self.Visibility.BOTH)

    def wellbeing_visible_to(self, user: User) -> bool:
        """PRIVACY.md: the scholar always; their mentor or research manager only if shared."""
        mentorship = self.meeting.mentorship
        if user.pk == mentorship.scholar_id:
            return True
        if user.pk == mentorship.mentor_id:
            return self.wellbeing_visible_to_mentor()
        if self.wellbeing_visible_to_manager():
            return mentorship.scholar.research_managers.filter(
                manager=user, program_id=mentorship.program_id
            ).exists()
        return False

    def word_count(self) -> int:
        texts = [getattr(self, name) for name in self.SECTION_NAMES]
        texts += [q.text for q in self.questions.all()]
        return sum(len(t.split()) for t in texts)

    @property
    def over_one_page(self) -> bool:
        return self.word_count() > ONE_PAGE_WORDS

    def save_fields(self, data: dict, expected_version: int, author: User | None = None) -> bool:
        """Write the given fields only if nobody saved a newer version meanwhile.

        Returns False (and writes nothing) when the stored version is not expected_version, or
        when the meeting is no longer planned (a held meeting's record is read-only). Each save
        is kept in the revision history (meetings/revisions.py), by default as the scholar's.
        """
        now = timezone.now()
        changes = dict(data, version=F("version") + 1, updated_at=now)
        if self.is_submitted:
            changes["updated_after_submit_at"] = now
        current = Agenda.objects.filter(
            pk=self.pk, version=expected_version, meeting__status=Meeting.Status.PLANNED
        )
        with transaction.atomic():
            old = current.values(*data).first()
            written = old is not None and current.update(**changes)
            if written:
                record_edit(
                    self,
                    author or self.meeting.mentorship.scholar,
                    old,
                    data,
                    expected_version + 1,
                    now,
                )
        if written:
            self.refresh_from_db()
        return bool(written)

    def submit(self, author: User | None = None) -> None:
        now = timezone.now()
        was_status = self.status
        self.status = self.Status.SUBMITTED
        self.submitted_at = self.submitted_at or now
        self.updated_after_submit_at = None
        self.version += 1
        self.updated_at = now
        with transaction.atomic():
            self.save()
            record_submit(self, author or self.meeting.mentorship.scholar, was_status, now)

    @classmethod
    def start_for(cls, meeting: Meeting) -> Agenda:
        """The meeting's agenda, created on first use with last time's open questions."""
        with transaction.atomic():
            agenda, created = cls.objects.get_or_create(meeting=meeting)
            if created:
                agenda.carry_forward()
        return agenda

    def carry_forward(self) -> None:
        """Copy the questions that were not resolved at the previous meeting into this agenda."""
        previous = self.meeting.previous()
        if previous is None:
            return
        open_questions = Question.objects.filter(
            agenda__meeting=previous, status__in=Question.CARRY_STATES
        ).order_by("rank", "pk")
        Question.objects.bulk_create(
            Question(agenda=self, text=q.text, rank=i, carried_from=q)
            for i, q in enumerate(open_questions, start=1)
        )


class Question(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered in writing"
        DISCUSSED = "discussed", "Discussed"
        RESOLVED = "resolved", "Resolved"
        DROPPED = "dropped", "Dropped"

    CARRY_STATES = [Status.OPEN, Status.DISCUSSED]

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
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["rank", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_answered(self) -> bool:
        return bool(self.answer) or self.status in (self.Status.ANSWERED, self.Status.RESOLVED)

    @classmethod
    def next_rank(cls, agenda: Agenda) -> int:
        return (agenda.questions.aggregate(m=Max("rank"))["m"] or 0) + 1

    def move(self, offset: int) -> None:
        """Swap with the neighbour above (-1) or below (+1) and renumber the list."""
        siblings = list(self.agenda.questions.order_by("rank", "pk"))
        index = next(i for i, q in enumerate(siblings) if q.pk == self.pk)
        target = max(0, min(len(siblings) - 1, index + offset))
        siblings.insert(target, siblings.pop(index))
        Question.reorder(self.agenda, [q.pk for q in siblings])

    @classmethod
    def reorder(cls, agenda: Agenda, ordered_ids: list[int]) -> None:
        questions = {q.pk: q for q in agenda.questions.all()}
        ordered = [questions[i] for i in ordered_ids if i in questions]
        ordered += [q for pk, q in questions.items() if pk not in ordered_ids]
        for rank, question in enumerate(ordered, start=1):
            question.rank = rank
        cls.objects.bulk_update(ordered, ["rank"])


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


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def visible_to(self, user: User) -> ActionItemQuerySet:
        if _anon(user):
            return self.none()
        return self.filter(Q(mentorship__scholar=user) | Q(mentorship__mentor=user))

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


# issue 6: the agenda revision history lives in its own module (registered with the app here).
from .revisions import AgendaRevision, record_edit, record_submit  # noqa: E402, F401
