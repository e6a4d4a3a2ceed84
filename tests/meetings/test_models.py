from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.models import ActionItem, Agenda, Meeting, Question
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_scopes_meetings_to_the_pair(world):
    assert list(Meeting.objects.visible_to(world.scholar).filter(pk=world.meeting.pk))
    assert list(Meeting.objects.visible_to(world.mentor).filter(pk=world.meeting.pk))
    for user in (world.other_scholar, world.other_mentor, world.staff, world.outsider):
        assert not Meeting.objects.visible_to(user).filter(pk=world.meeting.pk).exists()


def test_it_lets_staff_see_schedules_but_not_content(world):
    assert Meeting.objects.schedule_visible_to(world.staff).filter(pk=world.meeting.pk).exists()
    assert not Meeting.objects.schedule_visible_to(world.other_staff).exists()
    assert not Agenda.objects.visible_to(world.staff).exists()


def test_it_hides_a_draft_from_the_mentor(world):
    world.agenda.status = Agenda.Status.DRAFT
    world.agenda.save()
    assert Agenda.objects.visible_to(world.scholar).filter(pk=world.agenda.pk).exists()
    assert not Agenda.objects.visible_to(world.mentor).filter(pk=world.agenda.pk).exists()


def test_it_stops_editing_once_the_meeting_is_held(world):
    assert Agenda.objects.editable_by(world.scholar).filter(pk=world.agenda.pk).exists()
    world.meeting.mark_held()
    assert not Agenda.objects.editable_by(world.scholar).filter(pk=world.agenda.pk).exists()
    assert not Agenda.objects.editable_by(world.mentor).exists()


def test_it_refuses_a_stale_write_and_keeps_the_newer_text():
    agenda = AgendaFactory(bottleneck="first")
    assert agendas.save_fields(agenda, {"bottleneck": "second"}, expected_version=1)
    assert agenda.version == 2
    stale = Agenda.objects.get(pk=agenda.pk)
    assert not agendas.save_fields(stale, {"bottleneck": "stale"}, expected_version=1)
    agenda.refresh_from_db()
    assert agenda.bottleneck == "second"


def test_it_marks_a_submitted_agenda_as_updated_when_edited():
    agenda = AgendaFactory()
    QuestionFactory(agenda=agenda)
    agendas.submit(agenda)
    assert agenda.is_submitted and not agenda.is_updated
    first_submitted = agenda.submitted_at
    agendas.save_fields(agenda, {"progress": "More progress"}, agenda.version)
    assert agenda.is_updated
    assert agenda.submitted_at == first_submitted


def test_it_counts_on_time_only_24_hours_ahead():
    meeting = MeetingFactory(scheduled_at=timezone.now() + timedelta(days=3))
    agenda = SubmittedAgendaFactory(
        meeting=meeting, submitted_at=meeting.scheduled_at - timedelta(hours=25)
    )
    assert agenda.submitted_on_time
    agenda.submitted_at = meeting.scheduled_at - timedelta(hours=23)
    assert not agenda.submitted_on_time


def test_it_carries_unresolved_questions_into_the_next_agenda():
    mentorship = MentorshipFactory()
    earlier = MeetingFactory(mentorship=mentorship, scheduled_at=timezone.now() - timedelta(days=7))
    old = SubmittedAgendaFactory(meeting=earlier)
    open_q = QuestionFactory(agenda=old, text="Still open?", rank=2)
    discussed = QuestionFactory(
        agenda=old, text="Discussed, not settled", rank=1, status=Question.Status.DISCUSSED
    )
    QuestionFactory(agenda=old, text="Resolved", status=Question.Status.RESOLVED)
    QuestionFactory(agenda=old, text="Answered", status=Question.Status.ANSWERED, answer="Yes")
    earlier.mark_held()
    nxt = MeetingFactory(mentorship=mentorship)
    agenda = agendas.start(nxt)
    carried = list(agenda.questions.all())
    assert [q.text for q in carried] == ["Discussed, not settled", "Still open?"]
    assert [q.carried_from_id for q in carried] == [discussed.pk, open_q.pk]
    # Starting it again does not copy twice.
    assert agendas.start(nxt).questions.count() == 2


def test_it_does_not_carry_questions_from_another_mentorship():
    scholar = UserFactory()
    one = MentorshipFactory(scholar=scholar)
    two = MentorshipFactory(scholar=scholar, program=one.program)
    past = MeetingFactory(mentorship=one, scheduled_at=timezone.now() - timedelta(days=3))
    QuestionFactory(agenda=AgendaFactory(meeting=past))
    agenda = agendas.start(MeetingFactory(mentorship=two))
    assert agenda.questions.count() == 0


def test_it_reorders_questions_and_moves_with_buttons():
    agenda = AgendaFactory()
    a, b, c = (QuestionFactory(agenda=agenda, text=t, rank=i) for i, t in enumerate("abc", 1))
    scholar = agenda.meeting.mentorship.scholar
    agendas.reorder_questions(agenda, [c.pk, a.pk, b.pk], scholar)
    assert [q.text for q in agenda.questions.all()] == ["c", "a", "b"]
    b.refresh_from_db()
    agendas.move_question(b, -1, scholar)
    assert [q.text for q in agenda.questions.all()] == ["c", "b", "a"]
    c.refresh_from_db()
    agendas.move_question(c, -1, scholar)  # already first: stays first
    assert [q.text for q in agenda.questions.all()] == ["c", "b", "a"]


def test_it_lets_the_scholar_update_only_their_own_action_items(world):
    own = ActionItemFactory(mentorship=world.mentorship, owner=ActionItem.Owner.SCHOLAR)
    mentors = ActionItemFactory(mentorship=world.mentorship, owner=ActionItem.Owner.MENTOR)
    assert own.can_update(world.scholar) and own.can_update(world.mentor)
    assert not mentors.can_update(world.scholar) and mentors.can_update(world.mentor)
    assert not own.can_update(world.other_mentor)


def test_it_counts_words_and_flags_over_one_page():
    agenda = AgendaFactory(progress="word " * 10, bottleneck="", tried="", reading="", asks="")
    QuestionFactory(agenda=agenda, text="two words")
    assert agenda.word_count() == 12
    assert not agenda.over_one_page
    agenda.progress = "word " * 600
    agenda.save(update_fields=["progress"])  # the count is stored with the text
    assert agenda.over_one_page


@pytest.mark.parametrize(
    "visibility,mentor,manager",
    [
        (Agenda.Visibility.ONLY_ME, False, False),
        (Agenda.Visibility.MENTORS, True, False),
        (Agenda.Visibility.MANAGER, False, True),
        (Agenda.Visibility.BOTH, True, True),
    ],
)
def test_it_shows_the_check_in_only_to_whom_the_scholar_chose(world, visibility, mentor, manager):
    world.agenda.wellbeing_visibility = visibility
    assert world.agenda.wellbeing_visible_to(world.scholar)
    assert world.agenda.wellbeing_visible_to(world.mentor) is mentor
    assert world.agenda.wellbeing_visible_to(world.manager) is manager
    for user in (world.staff, world.other_mentor, world.other_scholar, world.outsider):
        assert not world.agenda.wellbeing_visible_to(user)
