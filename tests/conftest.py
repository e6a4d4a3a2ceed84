"""Shared fixtures: a small world with every role the privacy rules distinguish."""

from dataclasses import dataclass

import django.test
import pytest
from django.db import connection

from accounts.models import Mentorship, Program, User
from meetings.models import Agenda, Meeting

from .factories import (
    MeetingFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    ResearchManagerAssignmentFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

# The `oidc` fixture: a real OpenID Connect provider, for the sign-in tests.
pytest_plugins = ["tests.oidc_provider"]


class Client(django.test.Client):
    """A test client; `client.htmx` sends its requests as htmx does, in the same session."""

    @property
    def htmx(self) -> django.test.Client:
        twin = django.test.Client(headers={"HX-Request": "true"})
        twin.cookies = self.cookies  # the same jar: one session, whichever of the two signs in
        return twin


@pytest.fixture
def client() -> Client:
    """pytest-django's `client`, with its `client.htmx` twin."""
    return Client()


@dataclass
class World:
    program: Program
    other_program: Program
    scholar: User  # owner of the meeting
    mentor: User  # the scholar's mentor
    other_scholar: User  # same mentor, same program
    other_mentor: User  # mentors someone else in the same program
    staff: User  # staff of the program
    other_staff: User  # staff of another program
    outsider: User  # logged in, in no program
    manager: User  # program staff and the scholar's research manager
    mentorship: Mentorship
    meeting: Meeting
    agenda: Agenda

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def htmx_client_for(self, user: User | None) -> django.test.Client:
        """A client whose every request is an htmx request (it sends HX-Request: true)."""
        return self.client_for(user).htmx


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, django_db_blocker):
    """pytest-django's, after SQLite was asked whether it has JSON functions: Django asks once per
    connection (three queries of its own) the first time a query builds a JSON object (the
    cadence figures), which is not a page's cost and would land in whichever count came first."""
    with django_db_blocker.unblock():
        connection.features.supports_json_field  # noqa: B018 - evaluated for its cached answer
    return django_assert_num_queries


@pytest.fixture
def world(db) -> World:
    staff = UserFactory(username="staff")
    other_staff = UserFactory(username="otherstaff")
    program = ProgramFactory(name="Winter", slug="winter", staff=[staff])
    other_program = ProgramFactory(name="Summer", slug="summer", staff=[other_staff])
    scholar = UserFactory(username="scholar")
    mentor = UserFactory(username="mentor")
    other_scholar = UserFactory(username="otherscholar")
    other_mentor = UserFactory(username="othermentor")
    mentorship = MentorshipFactory(program=program, scholar=scholar, mentor=mentor)
    other_ms = MentorshipFactory(program=program, scholar=other_scholar, mentor=mentor)
    MentorshipFactory(
        program=program, scholar=UserFactory(username="thirdscholar"), mentor=other_mentor
    )
    MeetingFactory(mentorship=other_ms)
    manager = UserFactory(username="manager")
    program.staff.add(manager)
    ResearchManagerAssignmentFactory(program=program, manager=manager, scholar=scholar)
    meeting = MeetingFactory(mentorship=mentorship)
    agenda = SubmittedAgendaFactory(meeting=meeting, bottleneck="SECRET-BOTTLENECK text")
    QuestionFactory(agenda=agenda, text="SECRET-QUESTION one?", rank=1)
    return World(
        program=program,
        other_program=other_program,
        scholar=scholar,
        mentor=mentor,
        other_scholar=other_scholar,
        other_mentor=other_mentor,
        staff=staff,
        other_staff=other_staff,
        outsider=UserFactory(username="outsider"),
        manager=manager,
        mentorship=mentorship,
        meeting=meeting,
        agenda=agenda,
    )
