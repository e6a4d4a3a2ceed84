"""The scholar's agenda, its ranked questions and its revision history."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models.choices import (
    AgendaRevisionKind,
    AgendaStatus,
    AgendaVisibility,
    QuestionStatus,
)
from meetings.models.derived import (
    DerivedFieldsMixin,
    DerivedQuerySet,
    MarkdownHTMLField,
    WordCountField,
)
from meetings.models.meetings import Meeting

ON_TIME_HOURS = 24


ONE_PAGE_WORDS = 450


class AgendaQuerySet(DerivedQuerySet):
    def visible_to(self, user: User) -> AgendaQuerySet:
        return self.filter(access.agenda(user))

    def wellbeing_shared_with_manager(self, user: User) -> AgendaQuerySet:
        """Agendas with a check-in the scholar shared with this research manager."""
        return self.filter(access.checkin_shared_with_manager(user)).filter(
            Q(wellbeing_energy__isnull=False) | ~Q(wellbeing_note="")
        )

    def editable_by(self, user: User) -> AgendaQuerySet:
        return self.filter(access.agenda_editable(user))


class Agenda(DerivedFieldsMixin, models.Model):
    Status = AgendaStatus

    Visibility = AgendaVisibility

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
    # the stuck detector (meetings/unstuck/streaks.py) matches words and misses some paraphrases.
    bottleneck_same_as_last = models.BooleanField(
        "Still the same bottleneck as last meeting", default=False
    )
    # The stuck detector's figures, stored by its one definition (meetings/unstuck/streaks.py,
    # recompute_pair) whenever they may change, so that no page works them out from the text:
    # the bottleneck's content words, stemmed, space-separated; and the meetings in a row, this
    # one included, whose bottleneck was the same problem (0: not counted, e.g. a draft or a
    # cancelled meeting's agenda; 1: a new bottleneck; 2 or more: stuck).
    bottleneck_stems = models.TextField(blank=True, default="", editable=False)
    stuck_run = models.PositiveSmallIntegerField(default=0, editable=False)
    tried = models.TextField("What I tried and whom I asked", blank=True, max_length=3000)
    reading = models.TextField("What I read", blank=True, max_length=3000)
    asks = models.TextField("What I want from this meeting", blank=True, max_length=2000)
    # Stored when the text is written (meetings/models/derived.py): the sections' words (the
    # brief's word count adds its questions' `words`) and each section as sanitised HTML.
    section_words = WordCountField(sources=SECTION_NAMES)
    decision_html = MarkdownHTMLField(sources="decision")
    bottleneck_html = MarkdownHTMLField(sources="bottleneck")
    tried_html = MarkdownHTMLField(sources="tried")
    progress_html = MarkdownHTMLField(sources="progress")
    reading_html = MarkdownHTMLField(sources="reading")
    asks_html = MarkdownHTMLField(sources="asks")
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
        """Words on the brief: the sections and every question that was not dropped, as
        stored when they were written."""
        return self.section_words + sum(
            q.words for q in self.questions.all() if q.status != Question.Status.DROPPED
        )

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
        if not bottleneck and self.is_submitted:
            # Said while the mentor already has the brief: "before submitting" would be wrong.
            errors["bottleneck"] = (
                "Your mentor already has this brief, so it keeps a main bottleneck: "
                "what is blocking you, and what would unblock it?"
            )
        elif not bottleneck:
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


class QuestionQuerySet(DerivedQuerySet):
    def for_mentor(self) -> QuestionQuerySet:
        """The questions a mentor sees: every one but those the scholar dropped. The one
        definition for the brief, meeting mode, the report, the history, its search and the
        exports: a dropped question stays in the agenda's changes, nowhere else."""
        return self.exclude(status=QuestionStatus.DROPPED)


class Question(DerivedFieldsMixin, models.Model):
    Status = QuestionStatus

    CARRY_STATES = [Status.OPEN, Status.DISCUSSED]
    # What the scholar may do with a question on their agenda: mark it done, drop it, or put
    # it back (keep). Done and dropped questions stay on record; dropped ones leave the brief.
    SET_ASIDE_STATES = [Status.RESOLVED, Status.DROPPED]

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    words = WordCountField(sources="text")
    rank = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True, max_length=4000)
    answer_html = MarkdownHTMLField(sources="answer")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # The meeting's time budget (meetings/meeting_mode/budget.py): minutes the scholar expects the question to
    # take (None: the default), and whether it left the meeting to be answered in writing.
    estimate_minutes = models.PositiveSmallIntegerField(
        "Minutes",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    in_writing = models.BooleanField("Answer in writing", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = QuestionQuerySet.as_manager()

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


class AgendaRevisionQuerySet(models.QuerySet["AgendaRevision"]):
    def visible_to(self, user: User) -> AgendaRevisionQuerySet:
        return self.filter(access.revision(user))


class AgendaRevision(models.Model):
    """Who changed what in an agenda, and when (recorded by meetings/agendas/revisions.py)."""

    Kind = AgendaRevisionKind

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
