"""factory-boy factories for every model; tests build exactly the data they need.

Defaults fill only what a row needs to be valid (tests/test_factories.py holds every factory to
that), so a test's row carries what the test names and nothing it might stumble on: optional
text stays blank, and related rows come from the same pair (a note's author is the meeting's
mentor, a capture's the live meeting's).
"""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.api_tokens import ApiToken
from accounts.models import (
    Invite,
    Mentorship,
    PendingMentorship,
    Program,
    ResearchManagerAssignment,
    SlackConnection,
    User,
)
from meetings.models import (
    ActionItem,
    Agenda,
    AgendaRevision,
    Annotation,
    BriefRead,
    Capture,
    GrowthSharing,
    HelpAsked,
    LeadFeedback,
    LiveMeeting,
    Meeting,
    MeetingNote,
    MeetingOutcome,
    MeetingSeries,
    MentorPrivateNote,
    Milestone,
    PeerOffer,
    ProgressLine,
    Question,
    ReadingEntry,
    ReadingRecommendation,
    Recap,
    ResearchPlan,
    SentReminder,
    StatusChange,
    WebhookDelivery,
    WebhookSubscription,
)
from meetings.unstuck.streaks import recompute_pair, recompute_pairs


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


class ResearchManagerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchManagerAssignment

    program = factory.SubFactory(ProgramFactory)
    manager = factory.SubFactory(UserFactory)
    scholar = factory.SubFactory(UserFactory)


class InviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invite

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email)
    role = Invite.Role.SCHOLAR


class PendingMentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingMentorship
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    scholar = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)

    @factory.post_generation
    def invites(self, create, extracted, **kwargs):
        if create and extracted:
            self.invites.add(*extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    mentorship = factory.SubFactory(MentorshipFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    status = Meeting.Status.PLANNED

    @factory.post_generation
    def stored_figures(obj, create, extracted, **kwargs):
        """The pair's stored figures (its last held meeting), as the scheduling domain leaves
        them (a test that changes a meeting behind the domain's back calls recompute_pair)."""
        if create:
            recompute_pairs([obj.mentorship_id])


class HeldMeetingFactory(MeetingFactory):
    """A meeting two days back, marked held: what recaps, outcomes and feedback hang on."""

    scheduled_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    status = Meeting.Status.HELD
    held_at = factory.LazyAttribute(lambda o: o.scheduled_at)


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    mentorship = factory.SubFactory(MentorshipFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    meeting = factory.SubFactory(HeldMeetingFactory)
    action = StatusChange.Action.HELD
    by = factory.LazyAttribute(lambda o: o.meeting.mentorship.mentor)


class SentReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SentReminder

    kind = SentReminder.Kind.AGENDA_DUE
    meeting = factory.SubFactory(MeetingFactory)
    recipient = factory.LazyAttribute(lambda o: o.meeting.mentorship.scholar)


class AgendaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agenda
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    bottleneck = "My training runs diverge after 2k steps."
    tried = "Lowered the learning rate; asked Priya."
    progress = "Baseline done."
    reading = "The Adam paper."
    asks = "A decision on the next experiment."

    @factory.post_generation
    def stored_streaks(obj, create, extracted, **kwargs):
        """The pair's stored stuck streaks, as agendas.submit would leave them (a test that
        changes an agenda or meeting behind the domain's back calls recompute_pair itself)."""
        if create:
            recompute_pair(obj.meeting.mentorship_id)
            obj.refresh_from_db(fields=["bottleneck_stems", "stuck_run"])


class SubmittedAgendaFactory(AgendaFactory):
    status = Agenda.Status.SUBMITTED
    submitted_at = factory.LazyAttribute(lambda o: o.meeting.scheduled_at - timedelta(hours=48))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    agenda = factory.SubFactory(AgendaFactory)
    text = factory.Sequence(lambda n: f"Question number {n}?")
    rank = factory.Sequence(lambda n: n + 1)


class AgendaRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaRevision

    agenda = factory.SubFactory(AgendaFactory)
    author = factory.LazyAttribute(lambda o: o.agenda.meeting.mentorship.scholar)
    version = 1
    changes = factory.LazyFunction(lambda: {"bottleneck": {"old": "", "new": "A first draft."}})


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


class BriefReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BriefRead

    agenda = factory.SubFactory(SubmittedAgendaFactory)
    reader = factory.LazyAttribute(lambda o: o.agenda.meeting.mentorship.mentor)


class MentorPrivateNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorPrivateNote

    mentor = factory.SubFactory(UserFactory)
    scholar = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Private note {n}")


class RecapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recap

    meeting = factory.SubFactory(HeldMeetingFactory)
    takeaway = factory.Sequence(lambda n: f"Takeaway {n}")
    next_steps = factory.Sequence(lambda n: f"Next step {n}")


class MeetingOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingOutcome

    meeting = factory.SubFactory(HeldMeetingFactory)
    answer = MeetingOutcome.Answer.YES


class LeadFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadFeedback

    meeting = factory.SubFactory(HeldMeetingFactory)
    mentor = factory.LazyAttribute(lambda o: o.meeting.mentorship.mentor)
    clarity = LeadFeedback.Clarity.CLEAR
    important_first = LeadFeedback.First.YES


class ResearchPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchPlan

    scholar = factory.SubFactory(UserFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    plan = factory.SubFactory(ResearchPlanFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")


class PeerOfferFactory(factory.django.DjangoModelFactory):
    """An offer on a bottleneck shared on the program's board."""

    class Meta:
        model = PeerOffer

    agenda = factory.SubFactory(
        SubmittedAgendaFactory,
        bottleneck_shared=True,
        bottleneck_shared_at=factory.LazyFunction(timezone.now),
    )
    author = factory.SubFactory(UserFactory)


class HelpAskedFactory(factory.django.DjangoModelFactory):
    """Whom the scholar asked; by default their mentor, which needs no name."""

    class Meta:
        model = HelpAsked

    agenda = factory.SubFactory(AgendaFactory)
    kind = HelpAsked.Kind.MENTOR


class ReadingRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingRecommendation

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Recommended paper {n}")


class ReadingEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingEntry

    scholar = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")


class ProgressLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressLine

    scholar = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Small win {n}")


class LiveMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveMeeting

    meeting = factory.SubFactory(MeetingFactory)


class CaptureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capture

    live = factory.SubFactory(LiveMeetingFactory)
    seq = factory.Sequence(lambda n: n + 1)
    author = factory.LazyAttribute(lambda o: o.live.meeting.mentorship.mentor)
    kind = Capture.Kind.DECISION
    text = factory.Sequence(lambda n: f"Captured {n}")


class GrowthSharingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrowthSharing

    scholar = factory.SubFactory(UserFactory)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A read token; its secret is unknown (tests that call the API use create_token)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Token {n}")
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")


class SlackConnectionFactory(factory.django.DjangoModelFactory):
    """A confirmed Slack link (Slack ids are upper-case letters and digits)."""

    class Meta:
        model = SlackConnection

    user = factory.SubFactory(UserFactory)
    slack_user_id = factory.Sequence(lambda n: f"U{n:08d}")
    confirmed_at = factory.LazyFunction(timezone.now)


def past_agenda(mentorship, days_ago: int, bottleneck: str, **fields) -> Agenda:
    """A submitted agenda of a meeting `days_ago` days back (held unless `status` says
    otherwise): the stuck detector's and peer help's tests build a pair's history with it."""
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=timezone.now() - timedelta(days=days_ago),
        status=fields.pop("status", Meeting.Status.HELD),
    )
    return SubmittedAgendaFactory(meeting=meeting, bottleneck=bottleneck, **fields)


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    """A person's own endpoint; its address refuses connections (nothing listens on port 9)."""

    class Meta:
        model = WebhookSubscription

    owner = factory.SubFactory(UserFactory)
    url = "https://127.0.0.1:9/hook"
    events = factory.LazyFunction(lambda: ["brief.submitted"])


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    message_id = factory.Sequence(lambda n: f"msg_factory{n}")
    event = "webhook.test"
    body = '{"type":"webhook.test","timestamp":"2026-01-01T00:00:00Z","data":{}}'


class SocialAccountFactory(factory.django.DjangoModelFactory):
    """A provider sign-in linked to an account (django-allauth), by the provider's `sub`."""

    class Meta:
        model = "socialaccount.SocialAccount"

    user = factory.SubFactory(UserFactory)
    provider = "uni"
    uid = factory.Sequence(lambda n: f"sub-{n}")
    extra_data = factory.LazyAttribute(
        lambda o: {"userinfo": {"sub": o.uid, "email": o.user.email, "email_verified": True}}
    )
