"""Every choice list of the meetings models, in a module that imports no model: access rules and
forms can name a status without importing the models."""

from django.db import models


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class AgendaStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class AgendaVisibility(models.TextChoices):
    ONLY_ME = "only_me", "Only me"
    MENTORS = "mentors", "My mentors"
    MANAGER = "manager", "My research manager"
    BOTH = "both", "My mentors and research manager"


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered in writing"
    DISCUSSED = "discussed", "Discussed"
    RESOLVED = "resolved", "Resolved"
    DROPPED = "dropped", "Dropped"


class ActionItemOwner(models.TextChoices):
    SCHOLAR = "scholar", "Scholar"
    MENTOR = "mentor", "Mentor"


class MeetingNoteKind(models.TextChoices):
    NOTE = "note", "Note"
    DECISION = "decision", "Decision"


class SentReminderKind(models.TextChoices):
    AGENDA_DUE = "agenda_due", "Agenda due (to the scholar, 48 h before)"
    BRIEF_UNREAD = "brief_unread", "Brief not opened (to the mentor, 24 h before)"
    BRIEF_SUBMITTED = "brief_submitted", "Brief submitted (to the mentor)"
    BRIEF_UPDATED = "brief_updated", "Brief updated (to the mentor)"
    MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled (to the pair)"
    MEETING_MOVED = "meeting_moved", "Meeting moved (to the pair)"
    MEETING_CANCELLED = "meeting_cancelled", "Meeting cancelled (to the pair)"
    MEETING_RESTORED = "meeting_restored", "Cancellation undone (to the pair)"
    PEER_OFFER = "peer_offer", "A peer offered help (to the scholar)"
    RECAP_TO_CONFIRM = "recap_to_confirm", "Recap to confirm (to the mentor)"
    PEER_ASKED = "peer_asked", "Listed under whom I asked (to the peer)"


class SentReminderChannel(models.TextChoices):
    MAIL = "mail", "Mail"
    SLACK = "slack", "Slack"


class AgendaRevisionKind(models.TextChoices):
    EDIT = "edit", "Edited"
    SUBMIT = "submit", "Submitted"


class MeetingOutcomeAnswer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class LeadFeedbackClarity(models.TextChoices):
    CLEAR = "clear", "Clear"
    MOSTLY = "mostly", "Mostly clear"
    UNCLEAR = "unclear", "Hard to follow"


class LeadFeedbackFirst(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Not quite"
    NO = "no", "No"


class PeerOfferKind(models.TextChoices):
    SOLVED = "solved", "I've solved something like this"
    TALK = "talk", "Happy to talk"


class StatusChangeAction(models.TextChoices):
    HELD = "held", "Marked held"
    CANCELLED = "cancelled", "Cancelled"
    UNDONE = "undone", "Undone"


class HelpAskedKind(models.TextChoices):
    PEER = "peer", "A peer in the program"
    MENTOR = "mentor", "My mentor"
    OUTSIDE = "outside", "Someone outside the program"
    FORUM = "forum", "A forum or chat"


class CaptureKind(models.TextChoices):
    ANSWER = "answer", "Answer"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action item"


# (field name, label, why it matters): the growth page's parts a scholar may share with their
# mentors, in order (GrowthSharing has a field for each).
GROWTH_PARTS = [
    ("leading", "Leading meetings", "Mentors value a scholar who steers the meeting."),
    ("unstuck", "Getting unstuck", "Thriving scholars keep going and ask for help early."),
    ("reading", "Reading", "Reading widely changes what you try next."),
    ("peers", "Peer help", "Scholars who learn from peers get unstuck sooner."),
]
GROWTH_PART_NAMES = [name for name, _, _ in GROWTH_PARTS]
