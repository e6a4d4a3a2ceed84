"""A world full of sentinel strings: each one may only ever appear in the pages of certain roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import (
    Agenda,
    Meeting,
)
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    AgendaRevisionFactory,
    AnnotationFactory,
    CaptureFactory,
    HelpAskedFactory,
    LiveMeetingFactory,
    MeetingFactory,
    MeetingNoteFactory,
    MentorshipFactory,
    PeerOfferFactory,
    ProgressLineFactory,
    QuestionFactory,
    ReadingEntryFactory,
    ReadingRecommendationFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

ROLES = [
    "anon",
    "scholar",
    "other_scholar",
    "mentor",
    "second_mentor",
    "other_mentor",
    "staff",
    "other_staff",
    "manager",
    "outsider",
]

# sentinel -> roles that may see it (in at least one page). Every other role must never get it.
PAIR = {"scholar", "mentor"}
SENTINELS: dict[str, set[str]] = {
    "SECRET-BOTTLENECK": PAIR,  # the submitted agenda (tests/conftest.py)
    "SECRET-QUESTION": PAIR,
    "SECRET-TRIED-TEXT": PAIR,
    "SECRET-ANNOTATION": PAIR,
    "SECRET-ANSWER": PAIR,
    "SECRET-ACTION": PAIR,
    "SECRET-MEETING-NOTE": PAIR,
    "SECRET-HELP-OUTCOME": PAIR,  # whom I asked: what came of it
    "SECRET-HELP-NAME": PAIR,  # whom I asked: someone outside the program
    "SECRET-CAPTURE": PAIR,  # typed in meeting mode, not filed yet
    "SECRET-DRAFT-ONLY": {"scholar"},  # a draft agenda: the scholar alone
    "SECRET-WB-ONLYME": {"scholar"},  # a check-in kept private
    "SECRET-WB-MENTORS": PAIR,  # shared with mentors
    "SECRET-WB-MANAGER": {"scholar", "manager"},  # shared with the research manager only
    "SECRET-OTHER-SCHOLAR": {"other_scholar", "mentor"},  # the other scholar's brief
    "SECRET-DRAFT-HISTORY": {"scholar"},  # a revision made before submitting
    "SECRET-WB-REVISION": {"scholar"},  # a check-in change in the revision history
    "SECRET-REVISED-BOTTLENECK": PAIR,  # a revision after submitting
    # the scholar's meeting with their second mentor: each mentor sees only their own pair's
    "SECRET-SECOND-PAIR": {"scholar", "second_mentor"},
    # peer help: an offer on the scholar's shared bottleneck, from the other scholar
    "SECRET-PEER-OFFER": {"scholar", "other_scholar"},
    # the reading list and progress log: the scholar and their mentors (second_mentor is one)
    "SECRET-READING-TAKEAWAY": {"scholar", "mentor", "second_mentor"},
    "SECRET-RECOMMENDATION": {"scholar", "mentor", "second_mentor"},
    "SECRET-PROGRESS-LINE": {"scholar", "mentor", "second_mentor"},
}


def forbidden_for(role: str) -> list[str]:
    return [s for s, allowed in SENTINELS.items() if role not in allowed]


@dataclass
class SecurityWorld:
    base: object  # tests.conftest.World
    meeting: Meeting  # planned, submitted agenda
    agenda: Agenda
    question: object
    annotation: object
    action: object
    note: object
    draft_meeting: Meeting
    held_meeting: Meeting
    other_meeting: Meeting
    second_mentor: object = None  # mentors the same scholar in a pair of their own

    def __getattr__(self, name):
        return getattr(self.base, name)

    def user(self, role: str):
        return None if role == "anon" else getattr(self, role)


def sentinel_world(world) -> SecurityWorld:
    """The world (tests/conftest.py) filled with the sentinels: the one world every test of who
    sees what builds on (the staff pages' tests in tests/meetings/staff too)."""
    now = timezone.now()
    agenda = world.agenda
    agenda.tried = "SECRET-TRIED-TEXT"
    agenda.wellbeing_energy = 2
    agenda.wellbeing_note = "SECRET-WB-ONLYME"
    agenda.wellbeing_visibility = Agenda.Visibility.ONLY_ME
    agenda.save()
    question = agenda.questions.get()
    question.answer = "SECRET-ANSWER in writing"
    question.save()
    annotation = AnnotationFactory(agenda=agenda, body="SECRET-ANNOTATION here")
    action = ActionItemFactory(
        mentorship=world.mentorship, meeting=world.meeting, text="SECRET-ACTION item"
    )
    note = MeetingNoteFactory(meeting=world.meeting, body="SECRET-MEETING-NOTE decided")
    # Whom the scholar asked: a peer of the program (who may learn only that they were asked)
    # and someone outside; the pair alone sees them.
    HelpAskedFactory(
        agenda=agenda, kind="peer", peer=world.other_scholar, outcome="SECRET-HELP-OUTCOME"
    )
    HelpAskedFactory(agenda=agenda, kind="outside", name="SECRET-HELP-NAME", position=2)
    live = LiveMeetingFactory(meeting=world.meeting, seq=1)
    CaptureFactory(
        live=live, seq=1, author=world.mentor, kind="decision", text="SECRET-CAPTURE decided live"
    )

    draft_meeting = MeetingFactory(mentorship=world.mentorship, scheduled_at=now + timedelta(9))
    AgendaFactory(meeting=draft_meeting, bottleneck="SECRET-DRAFT-ONLY")

    held_meeting = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=now - timedelta(days=7),
        status=Meeting.Status.HELD,
        held_at=now - timedelta(days=7),
    )
    held_agenda = SubmittedAgendaFactory(
        meeting=held_meeting,
        bottleneck="Older bottleneck",
        # shared with the program's scholars: on the peer board (not a sentinel)
        bottleneck_shared=True,
        bottleneck_shared_at=now - timedelta(days=7),
        wellbeing_energy=4,
        wellbeing_note="SECRET-WB-MENTORS",
        wellbeing_visibility=Agenda.Visibility.MENTORS,
    )
    manager_meeting = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=now - timedelta(days=14),
        status=Meeting.Status.HELD,
    )
    SubmittedAgendaFactory(
        meeting=manager_meeting,
        wellbeing_energy=3,
        wellbeing_note="SECRET-WB-MANAGER",
        wellbeing_visibility=Agenda.Visibility.MANAGER,
    )
    AgendaRevisionFactory(
        agenda=agenda,
        author=world.scholar,
        version=1,
        changes={"asks": {"old": "", "new": "SECRET-DRAFT-HISTORY"}},
        after_submit=False,
    )
    AgendaRevisionFactory(
        agenda=agenda,
        author=world.scholar,
        version=2,
        changes={
            "bottleneck": {"old": "x", "new": "SECRET-REVISED-BOTTLENECK"},
            "wellbeing_note": {"old": "", "new": "SECRET-WB-REVISION"},
        },
        after_submit=True,
    )
    PeerOfferFactory(
        agenda=held_agenda, author=world.other_scholar, message="SECRET-PEER-OFFER here"
    )
    ReadingRecommendationFactory(
        program=world.program,
        mentor=world.mentor,
        scholar=world.scholar,
        title="SECRET-RECOMMENDATION paper",
    )
    ReadingEntryFactory(
        scholar=world.scholar, title="A paper", takeaway="SECRET-READING-TAKEAWAY line"
    )
    ProgressLineFactory(scholar=world.scholar, text="SECRET-PROGRESS-LINE win")
    other_meeting = Meeting.objects.get(mentorship__scholar=world.other_scholar)
    other_agenda = SubmittedAgendaFactory(
        meeting=other_meeting, bottleneck="SECRET-OTHER-SCHOLAR stuck"
    )
    QuestionFactory(agenda=other_agenda, text="Other question?")
    return SecurityWorld(
        base=world,
        meeting=world.meeting,
        agenda=agenda,
        question=question,
        annotation=annotation,
        action=action,
        note=note,
        draft_meeting=draft_meeting,
        held_meeting=held_meeting,
        other_meeting=other_meeting,
    )


@pytest.fixture
def sec(world) -> SecurityWorld:
    return sentinel_world(world)


def with_second_mentor(sec: SecurityWorld) -> SecurityWorld:
    """The world's scholar also mentored by `second_mentor`, in a pair of their own with a
    submitted agenda whose check-in is shared with mentors: only that mentor and the scholar
    may see it (the permission matrix's world; other tests count the scholar's meetings)."""
    second = MentorshipFactory(
        program=sec.program, scholar=sec.scholar, mentor=UserFactory(username="secondmentor")
    )
    SubmittedAgendaFactory(
        meeting=MeetingFactory(mentorship=second, scheduled_at=timezone.now() - timedelta(days=3)),
        bottleneck="SECRET-SECOND-PAIR bottleneck",
        wellbeing_energy=3,
        wellbeing_note="SECRET-SECOND-PAIR check-in",
        wellbeing_visibility=Agenda.Visibility.MENTORS,
    )
    sec.second_mentor = second.mentor
    return sec
