"""The end-of-program report: one scholar's program compiled, for retrospectives and reference
letters (a web page and one PDF).

Who reads it is access.report_scholars (the scholar; their mentors once the scholar shares it).
Inside the report every kind of data goes through its own rule in access.py, so a shared report
never shows more than the viewer may see elsewhere: a mentor gets the text of their own
mentorship's meetings and only dates and figures of the others'; never a check-in, an outcome
comment, a private note, or another mentor's feedback on leading. Staff get the figures alone
(`report_figures`, on the scholar summary).

Each kind of data is read in one query, so the report costs the same whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accounts.models import Mentorship, User
from meetings import access
from meetings.models import (
    ActionItem,
    Agenda,
    LeadFeedback,
    Meeting,
    Milestone,
    Question,
    ReadingEntry,
    Recap,
    ResearchPlan,
)
from meetings.unstuck import streaks as stuck

SETTLED = [Question.Status.ANSWERED, Question.Status.RESOLVED]
# The long lists load only the columns the report shows, and no related rows: a full row per
# meeting, question and agenda, and its meeting, pair and mentor, cost more to build than to
# query.


@dataclass(frozen=True)
class ReportFigures:
    """Counts only: what program staff see, and the report's own summary line."""

    meetings_held: int
    questions_asked: int
    questions_resolved: int
    readings: int
    milestones_done: int
    milestones_total: int
    recaps: int
    actions_done: int
    actions_open: int


@dataclass(frozen=True)
class MeetingLine:
    """A held meeting on the report: when, with whom, and whether the viewer may read its
    content (`full`; else its date and figures only)."""

    pk: int
    scheduled_at: datetime
    mentor: User
    full: bool


@dataclass(frozen=True)
class QuestionLine:
    """A question on the report: its meeting's time, its text, state and written answer."""

    when: datetime
    text: str
    status: str
    answer: str
    answer_html: str  # as stored when the answer was written

    @property
    def status_label(self) -> str:
        return Question.Status(self.status).label


@dataclass
class BottleneckLine:
    """One submitted agenda's bottleneck: when, its stuck stretch, how it was resolved."""

    agenda: Agenda  # with its meeting's time and status
    line: stuck.TimelineLine
    mentor: User  # the meeting's mentor
    takeaway: str = ""  # the recap's takeaway of that meeting as HTML, when there is one


@dataclass
class Report:
    scholar: User
    mentorships: list[Mentorship]
    figures: ReportFigures
    meetings: list[MeetingLine]  # held, oldest first
    bottlenecks: list[BottleneckLine]
    questions: list[QuestionLine]
    readings: list[ReadingEntry]
    plan: ResearchPlan | None
    milestones: list[Milestone]
    recaps: list[Recap]
    lead_feedback: list[LeadFeedback]
    is_own: bool = False  # the scholar reading their own report
    partial: bool = False  # some meetings are another mentorship's: dates and figures only

    @property
    def first_meeting(self) -> datetime | None:
        return self.meetings[0].scheduled_at if self.meetings else None

    @property
    def last_meeting(self) -> datetime | None:
        return self.meetings[-1].scheduled_at if self.meetings else None


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset, as a scalar subquery (no GROUP BY)."""
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(counted.values("n")[:1]), 0, output_field=IntegerField())


def _latest_copies(prefix: str = "") -> Q:
    """A question carried to a later submitted agenda is the same question: count its newest
    copy only (its state is the one that counts)."""
    carried = Question.objects.filter(
        carried_from=OuterRef(f"{prefix}pk"), agenda__status=Agenda.Status.SUBMITTED
    )
    return ~Exists(carried)


def report_figures(scholar_id: int, program_id: int | None = None) -> ReportFigures:
    """The report's figures for one scholar (within one program when `program_id` is given,
    as the program's staff see them). One query; never any text."""
    scope = {"mentorship__scholar_id": OuterRef("pk")}
    if program_id is not None:
        scope["mentorship__program_id"] = program_id
    meeting_scope = {f"meeting__{k}": v for k, v in scope.items()}
    agenda_scope = {f"agenda__meeting__{k}": v for k, v in scope.items()}
    questions = Question.objects.filter(
        _latest_copies(), agenda__status=Agenda.Status.SUBMITTED, **agenda_scope
    )
    # Milestones belong to the scholar, not to a pair: the same in every program.
    milestones = Milestone.objects.filter(plan__scholar_id=OuterRef("pk"))
    row = (
        User.objects.filter(pk=scholar_id)
        .annotate(
            meetings_held=_count(Meeting.objects.held().filter(**scope)),
            questions_asked=_count(questions),
            questions_resolved=_count(questions.filter(status__in=SETTLED)),
            readings=_count(ReadingEntry.objects.filter(scholar_id=OuterRef("pk"))),
            milestones_done=_count(milestones.filter(done_on__isnull=False)),
            milestones_total=_count(milestones),
            recaps=_count(Recap.objects.filter(**meeting_scope)),
            actions_done=_count(ActionItem.objects.filter(done=True, **scope)),
            actions_open=_count(ActionItem.objects.filter(done=False, **scope)),
        )
        .values(*ReportFigures.__dataclass_fields__)
        .first()
    )
    if row is None:
        return ReportFigures(*[0] * len(ReportFigures.__dataclass_fields__))
    return ReportFigures(**row)


def build_report(viewer: User, scholar: User) -> Report:
    """The report on `scholar` as `viewer` may read it (the caller has looked the scholar up
    through access.report_scholars). About a dozen queries, whatever the program's length.

    The long lists read rows, not related objects: a meeting's mentor is one of the scholar's
    pairs' (`mentorships`, read first), a question comes with its meeting's time."""
    mentorships = list(
        Mentorship.objects.filter(scholar=scholar)
        .select_related("mentor", "program")
        .order_by("program__name", "pk")
    )
    mentors = {pair.pk: pair.mentor for pair in mentorships}
    meetings = [
        MeetingLine(pk, scheduled_at, mentors[pair], full)
        for pk, scheduled_at, pair, full in Meeting.objects.held()
        .filter(mentorship__scholar=scholar)
        .annotate(
            full=ExpressionWrapper(access.meeting_content(viewer), output_field=BooleanField())
        )
        .order_by("scheduled_at", "pk")
        .values_list("pk", "scheduled_at", "mentorship_id", "full")
    ]
    visible_agendas = Agenda.objects.visible_to(viewer).filter(
        meeting__mentorship__scholar=scholar, status=Agenda.Status.SUBMITTED
    )
    recaps = list(
        Recap.objects.filter(access.recap(viewer), meeting__mentorship__scholar=scholar)
        .select_related("meeting__mentorship__mentor", "confirmed_by")
        .order_by("meeting__scheduled_at", "pk")
    )
    return Report(
        scholar=scholar,
        mentorships=mentorships,
        figures=report_figures(scholar.pk),
        meetings=meetings,
        bottlenecks=_bottlenecks(mentors, visible_agendas, recaps),
        questions=[
            QuestionLine(*row)
            for row in Question.objects.for_mentor()
            .filter(_latest_copies(), agenda__in=visible_agendas)
            .order_by("agenda__meeting__scheduled_at", "rank", "pk")
            .values_list("agenda__meeting__scheduled_at", "text", "status", "answer", "answer_html")
        ],
        readings=list(
            ReadingEntry.objects.filter(access.reading(viewer), scholar=scholar).order_by(
                "read_on", "pk"
            )
        ),
        plan=ResearchPlan.objects.filter(access.research_plan(viewer), scholar=scholar).first(),
        milestones=list(
            Milestone.objects.filter(access.research_plan(viewer, "plan__"), plan__scholar=scholar)
        ),
        recaps=recaps,
        lead_feedback=list(
            LeadFeedback.objects.filter(
                access.lead_feedback(viewer), meeting__mentorship__scholar=scholar
            )
            .select_related("meeting", "mentor")
            .order_by("meeting__scheduled_at", "pk")
        ),
        is_own=viewer.pk == scholar.pk,
        partial=any(not m.full for m in meetings),
    )


def _bottlenecks(
    mentors: dict[int, User], visible_agendas: QuerySet, recaps: list[Recap]
) -> list[BottleneckLine]:
    """The submitted agendas the viewer may read, oldest first, each with its stuck stretch
    (meetings/unstuck/streaks.py), how it was resolved and the recap's takeaway. Two queries: the
    timeline's agendas (whom the scholar asked is not shown here) and the agendas' resolutions.
    `mentors`: the mentor of each of the scholar's pairs."""
    timeline = stuck.timeline(list(mentors), visible_agendas, with_asked=False)
    agendas = {
        agenda.pk: agenda
        for agenda in visible_agendas.exclude(meeting__status=Meeting.Status.CANCELLED)
        .exclude(bottleneck="")
        .select_related("meeting")
        .only(
            "meeting__scheduled_at",
            "meeting__status",
            "meeting__mentorship_id",
            "bottleneck_html",
            "bottleneck_resolution",
            "bottleneck_resolved_at",
        )
    }
    takeaways = {recap.meeting_id: recap.takeaway_html for recap in recaps}
    lines = [
        BottleneckLine(
            agenda=agendas[line.agenda.pk],
            line=line,
            mentor=mentors[agendas[line.agenda.pk].meeting.mentorship_id],
            takeaway=takeaways.get(agendas[line.agenda.pk].meeting_id, ""),
        )
        for line in reversed(timeline)
        if line.agenda.pk in agendas
    ]
    return lines
