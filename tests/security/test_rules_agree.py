"""The rules that answer for one object already loaded, per row and without a query, restate
their `Q` in Python (meetings/access.py). For every role of the security world and every object
of the kind, in each state the rule tells apart, the Python answer must be the `Q`'s."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models import (
    ActionItem,
    Agenda,
    AgendaRevision,
    Meeting,
    MeetingOutcome,
)
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    MeetingFactory,
    SubmittedAgendaFactory,
)

from .conftest import ROLES, SecurityWorld, with_second_mentor


@dataclass
class Rule:
    rows: Callable[[], QuerySet]  # every object of the kind, loaded as the callers load it
    q: Callable[[object], Q]  # the rule's Q, for a viewer
    python: Callable[[object, object], bool]  # the rule for (viewer, loaded object)


RULES = {
    "checkin": Rule(
        lambda: Agenda.objects.select_related("meeting__mentorship"),
        access.checkin,
        access.may_see_checkin,
    ),
    "checkin_history": Rule(
        lambda: AgendaRevision.objects.select_related("agenda__meeting__mentorship"),
        access.checkin_history,
        access.may_see_checkin_history,
    ),
    "action_item_updatable": Rule(
        lambda: ActionItem.objects.select_related("mentorship"),
        access.action_item_updatable,
        access.may_update_action_item,
    ),
    "recap_writer": Rule(
        lambda: Meeting.objects.select_related("mentorship"),
        access.recap_writer,
        access.may_write_recap,
    ),
    "recap_reviewer": Rule(
        lambda: Meeting.objects.select_related("mentorship"),
        access.recap_reviewer,
        access.may_review_recap,
    ),
    "meeting_outcome": Rule(
        lambda: MeetingOutcome.objects.select_related("meeting__mentorship"),
        access.meeting_outcome,
        lambda user, outcome: access.may_see_outcome_answer(
            user, outcome.meeting.mentorship.scholar_id, outcome.meeting.mentorship.mentor_id
        ),
    ),
    "outcome_comment": Rule(
        lambda: MeetingOutcome.objects.select_related("meeting__mentorship"),
        access.outcome_comment,
        access.may_see_outcome_comment,
    ),
    # Partly Python (the scholar's own reading is answered without a query).
    "reading_scholars": Rule(
        lambda: User.objects.all(),
        access.reading_scholars,
        lambda user, scholar: access.may_see_reading(user, scholar.pk),
    ),
}


@pytest.fixture
def every_state(sec: SecurityWorld) -> SecurityWorld:
    """The security world with its second pair, and an object in each state the rules tell
    apart that it lacks: a check-in shared with both mentors and manager, a draft whose check-in
    would be shared once submitted, items owned by the mentor, answers to "did you get what you
    came for?" in both pairs and the other scholar's, and the other scholar's history."""
    sec = with_second_mentor(sec)
    now = timezone.now()
    for days, factory, visibility in [
        (20, SubmittedAgendaFactory, Agenda.Visibility.BOTH),
        (21, AgendaFactory, Agenda.Visibility.BOTH),
        (22, AgendaFactory, Agenda.Visibility.MANAGER),
    ]:
        factory(
            meeting=MeetingFactory(mentorship=sec.mentorship, scheduled_at=now + timedelta(days)),
            wellbeing_energy=3,
            wellbeing_visibility=visibility,
        )
    ActionItemFactory(mentorship=sec.mentorship, owner=ActionItem.Owner.MENTOR)
    ActionItemFactory(mentorship=sec.other_meeting.mentorship)
    ActionItemFactory(mentorship=sec.other_meeting.mentorship, owner=ActionItem.Owner.MENTOR)
    second_meeting = Meeting.objects.get(mentorship__mentor=sec.second_mentor)
    for meeting in (sec.held_meeting, sec.other_meeting, second_meeting):
        MeetingOutcome.objects.create(meeting=meeting, answer="partly", comment="Why")
    AgendaRevision.objects.create(
        agenda=sec.other_meeting.agenda,
        author=sec.other_scholar,
        version=1,
        changes={"wellbeing_note": {"old": "", "new": "Tired"}},
        after_submit=True,
    )
    return sec


@pytest.mark.parametrize("name", RULES)
def test_the_python_rule_and_its_q_agree_for_every_role(every_state, name):
    rule = RULES[name]
    rows = list(rule.rows())
    answers = set()
    disagreements = []
    for role in ROLES:
        user = every_state.user(role) or AnonymousUser()
        by_q = set(rule.rows().filter(rule.q(user)).values_list("pk", flat=True))
        for row in rows:
            python = rule.python(user, row)
            answers.add(python)
            if python != (row.pk in by_q):
                disagreements.append(f"{role} on {row!r}: Python says {python}, the Q the other")
    assert disagreements == []
    assert answers == {True, False}  # the world tells the rule's answers apart
