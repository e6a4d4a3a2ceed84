"""factory-boy factories for every model; tests build exactly the data they need."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Mentorship, Program, User
from meetings.models import ActionItem, Agenda, Annotation, Meeting, MeetingNote, Question


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    time_zone = "UTC"
    password = factory.django.Password("pw")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    starts_on = factory.LazyFunction(lambda: (timezone.now() - timedelta(days=120)).date())

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create and extracted:
            self.staff.add(*extracted)


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    program = factory.SubFactory(ProgramFactory)
    scholar = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    cadence_days = 7
    started_on = factory.LazyAttribute(lambda o: o.program.starts_on)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    mentorship = factory.SubFactory(MentorshipFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    status = Meeting.Status.PLANNED


class AgendaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agenda

    meeting = factory.SubFactory(MeetingFactory)
    bottleneck = "My training runs diverge after 2k steps."
    tried = "Lowered the learning rate; asked Priya."
    progress = "Baseline done."
    reading = "The Adam paper."
    asks = "A decision on the next experiment."


class SubmittedAgendaFactory(AgendaFactory):
    status = Agenda.Status.SUBMITTED
    submitted_at = factory.LazyAttribute(lambda o: o.meeting.scheduled_at - timedelta(hours=48))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    agenda = factory.SubFactory(AgendaFactory)
    text = factory.Sequence(lambda n: f"Question number {n}?")
    rank = factory.Sequence(lambda n: n + 1)


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    agenda = factory.SubFactory(SubmittedAgendaFactory)
    author = factory.LazyAttribute(lambda o: o.agenda.meeting.mentorship.mentor)
    section = "bottleneck"
    body = "Start here."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    mentorship = factory.SubFactory(MentorshipFactory)
    text = factory.Sequence(lambda n: f"Action {n}")
    owner = ActionItem.Owner.SCHOLAR


class MeetingNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingNote

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda o: o.meeting.mentorship.mentor)
    body = "We decided to keep going."


def past_agenda(mentorship, days_ago: int, bottleneck: str, **fields) -> Agenda:
    """A submitted agenda of a meeting `days_ago` days back (held unless `status` says
    otherwise): the stuck detector's and peer help's tests build a pair's history with it."""
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=fields.pop("status", Meeting.Status.HELD),
    )
    return SubmittedAgendaFactory(meeting=meeting, bottleneck=bottleneck, **fields)
