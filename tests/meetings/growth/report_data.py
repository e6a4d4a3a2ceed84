"""Hand-made data for the end-of-program report's tests: a scholar's program, held meetings with
everything the report compiles, and a second mentorship whose text the first mentor never sees."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from meetings.models import (
    Agenda,
    GrowthSharing,
    Meeting,
    Question,
)
from meetings.plans import domain as plans
from tests.factories import (
    ActionItemFactory,
    LeadFeedbackFactory,
    MeetingFactory,
    MeetingOutcomeFactory,
    MentorPrivateNoteFactory,
    MentorshipFactory,
    QuestionFactory,
    ReadingEntryFactory,
    RecapFactory,
    SubmittedAgendaFactory,
    UserFactory,
)


def held_meeting(pair, days_ago: int, bottleneck: str, **agenda) -> Meeting:
    when = timezone.now() - timedelta(days=days_ago)
    meeting = MeetingFactory(
        mentorship=pair, scheduled_at=when, status=Meeting.Status.HELD, held_at=when
    )
    SubmittedAgendaFactory(meeting=meeting, bottleneck=bottleneck, **agenda)
    return meeting


def add_meetings(world, n: int, first_days_ago: int = 100) -> list[Meeting]:
    """`n` held meetings of the world's pair, each with a resolved question, its recap, a reading
    entry, a milestone and an action item (the data the report shows)."""
    meetings = []
    for i in range(n):
        meeting = held_meeting(world.mentorship, first_days_ago - 7 * i, f"Bottleneck number {i}")
        QuestionFactory(
            agenda=meeting.agenda, text=f"Question {i}?", status="resolved", answer=f"Answer {i}"
        )
        RecapFactory(meeting=meeting, takeaway=f"Takeaway {i}", next_steps=f"Next {i}")
        ReadingEntryFactory(scholar=world.scholar, title=f"Paper {i}", takeaway=f"Took {i}")
        plans.add_milestone(world.scholar, f"Milestone {i}", date(2026, 1, 1) + timedelta(i))
        ActionItemFactory(mentorship=world.mentorship, meeting=meeting, done=bool(i % 2))
        meetings.append(meeting)
    return meetings


def share_report(scholar, shared: bool = True) -> None:
    GrowthSharing.objects.update_or_create(scholar=scholar, defaults={"report": shared})


def second_mentorship(world, text: str = "SECRET-SECOND-MENTOR bottleneck"):
    """The scholar's second mentor, in the same program, with one held meeting whose texts
    (bottleneck, question, recap, lead feedback) the first mentor may never read."""
    second = UserFactory(username="secondmentor")
    pair = MentorshipFactory(program=world.program, scholar=world.scholar, mentor=second)
    meeting = held_meeting(pair, 30, text)
    QuestionFactory(agenda=meeting.agenda, text="SECRET-SECOND-QUESTION?")
    RecapFactory(meeting=meeting, takeaway="SECRET-SECOND-RECAP", next_steps="SECRET-SECOND-NEXT")
    LeadFeedbackFactory(
        meeting=meeting,
        mentor=second,
        clarity="clear",
        important_first="yes",
        note="SECRET-SECOND-FEEDBACK",
    )
    return second, meeting


def private_things(world, meeting: Meeting) -> None:
    """What a mentor never reads in a report: a check-in kept private, an outcome comment, the
    other mentor's private note."""
    Agenda.objects.filter(meeting=meeting).update(
        wellbeing_energy=2, wellbeing_note="SECRET-CHECKIN", wellbeing_visibility="only_me"
    )
    MeetingOutcomeFactory(meeting=meeting, answer="partly", comment="SECRET-OUTCOME")
    MentorPrivateNoteFactory(
        mentor=UserFactory(username="notewriter"), scholar=world.scholar, text="SECRET-NOTE"
    )
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="SECRET-OWN-NOTE")


__all__ = ["Question", "add_meetings", "held_meeting", "private_things", "second_mentorship"]
