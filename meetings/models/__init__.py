"""Meetings, the scholar's agenda and questions, the mentor's annotations and action items.

Who may see what is written once, in access.py; the QuerySet methods here apply it. Views look
every object up through one of these scoped querysets and answer 404 otherwise.
"""

from meetings.models.agendas import (
    ON_TIME_HOURS,
    ONE_PAGE_WORDS,
    TRIAGE_MOVES,
    Agenda,
    AgendaQuerySet,
    AgendaRevision,
    AgendaRevisionQuerySet,
    Question,
)
from meetings.models.briefs import (
    ActionItem,
    ActionItemQuerySet,
    Annotation,
    BriefRead,
    MeetingNote,
    MentorPrivateNote,
)
from meetings.models.choices import (
    ActionItemOwner,
    AgendaRevisionKind,
    AgendaStatus,
    AgendaVisibility,
    CaptureKind,
    HelpAskedKind,
    LeadFeedbackClarity,
    LeadFeedbackFirst,
    MeetingNoteKind,
    MeetingOutcomeAnswer,
    MeetingStatus,
    PeerOfferKind,
    QuestionStatus,
    SentReminderChannel,
    SentReminderKind,
    StatusChangeAction,
)
from meetings.models.growth import GrowthSharing, GrowthSharingQuerySet
from meetings.models.meeting_mode import Capture, LiveMeeting
from meetings.models.meetings import (
    Meeting,
    MeetingQuerySet,
    MeetingSeries,
    SentReminder,
    StatusChange,
)
from meetings.models.plans import Milestone, ResearchPlan, ResearchPlanQuerySet
from meetings.models.reading import (
    ProgressLine,
    ProgressLineQuerySet,
    ReadingEntry,
    ReadingEntryQuerySet,
    ReadingRecommendation,
    ReadingRecommendationQuerySet,
)
from meetings.models.recaps import (
    LeadFeedback,
    LeadFeedbackQuerySet,
    MeetingOutcome,
    MeetingOutcomeQuerySet,
    Recap,
    RecapQuerySet,
)
from meetings.models.unstuck import HelpAsked, PeerOffer, PeerOfferQuerySet

__all__ = [
    "ActionItem",
    "ActionItemOwner",
    "ActionItemQuerySet",
    "Agenda",
    "AgendaQuerySet",
    "AgendaRevision",
    "AgendaRevisionKind",
    "AgendaRevisionQuerySet",
    "AgendaStatus",
    "AgendaVisibility",
    "Annotation",
    "BriefRead",
    "Capture",
    "CaptureKind",
    "GrowthSharing",
    "GrowthSharingQuerySet",
    "HelpAsked",
    "HelpAskedKind",
    "LeadFeedback",
    "LeadFeedbackClarity",
    "LeadFeedbackFirst",
    "LeadFeedbackQuerySet",
    "LiveMeeting",
    "Meeting",
    "MeetingNote",
    "MeetingNoteKind",
    "MeetingOutcome",
    "MeetingOutcomeAnswer",
    "MeetingOutcomeQuerySet",
    "MeetingQuerySet",
    "MeetingSeries",
    "MeetingStatus",
    "MentorPrivateNote",
    "Milestone",
    "ONE_PAGE_WORDS",
    "ON_TIME_HOURS",
    "PeerOffer",
    "PeerOfferKind",
    "PeerOfferQuerySet",
    "ProgressLine",
    "ProgressLineQuerySet",
    "Question",
    "QuestionStatus",
    "ReadingEntry",
    "ReadingEntryQuerySet",
    "ReadingRecommendation",
    "ReadingRecommendationQuerySet",
    "Recap",
    "RecapQuerySet",
    "ResearchPlan",
    "ResearchPlanQuerySet",
    "SentReminder",
    "SentReminderKind",
    "SentReminderChannel",
    "StatusChange",
    "StatusChangeAction",
    "TRIAGE_MOVES",
]
