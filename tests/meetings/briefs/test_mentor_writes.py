from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, Annotation, Meeting, MeetingNote, Question
from tests.factories import (
    ActionItemFactory,
    AnnotationFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_lets_the_mentor_comment_on_a_section(world):
    client = world.client_for(world.mentor)
    response = client.post(
        reverse("annotation_add", args=[world.meeting.pk]),
        {"section": "bottleneck", "body": "Start **here**"},
    )
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert (note.section, note.author, note.agenda) == ("bottleneck", world.mentor, world.agenda)
    brief = client.get(reverse("brief", args=[world.meeting.pk])).content.decode()
    assert "Start <strong>here</strong>" in brief
    # The scholar sees the comment too.
    scholar_view = world.client_for(world.scholar).get(reverse("brief", args=[world.meeting.pk]))
    assert "Start <strong>here</strong>" in scholar_view.content.decode()


def test_it_attaches_a_comment_to_a_question(world):
    question = world.agenda.questions.get()
    world.client_for(world.mentor).post(
        reverse("annotation_add", args=[world.meeting.pk]),
        {"question": question.pk, "body": "Good question"},
    )
    assert Annotation.objects.get().question == question


def test_it_refuses_a_comment_on_another_agendas_question(world):
    other = QuestionFactory()
    response = world.client_for(world.mentor).post(
        reverse("annotation_add", args=[world.meeting.pk]),
        {"question": other.pk, "body": "Sneaky"},
    )
    assert response.status_code == 404
    assert not Annotation.objects.exists()


@pytest.mark.parametrize("role", ["scholar", "other_mentor", "staff", "outsider", "manager"])
def test_it_refuses_mentor_writes_to_everyone_else(world, role):
    client = world.client_for(getattr(world, role))
    pk = world.meeting.pk
    question = world.agenda.questions.get()
    assert client.post(reverse("annotation_add", args=[pk]), {"body": "x"}).status_code == 404
    assert client.post(reverse("action_add", args=[pk]), {"text": "x"}).status_code == 404
    assert client.post(reverse("note_add", args=[pk]), {"body": "x"}).status_code == 404
    assert client.post(reverse("meeting_held", args=[pk])).status_code == 404
    response = client.post(reverse("question_answer", args=[question.pk]), {"answer": "x"})
    assert response.status_code == 404
    assert not Annotation.objects.exists() and not ActionItem.objects.exists()
    assert Meeting.objects.get(pk=pk).status == Meeting.Status.PLANNED


def test_it_lets_the_mentor_delete_only_their_own_comment(world):
    mine = AnnotationFactory(agenda=world.agenda, author=world.mentor)
    theirs = AnnotationFactory(agenda=world.agenda, author=world.other_mentor)
    client = world.client_for(world.mentor)
    assert client.post(reverse("annotation_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("annotation_delete", args=[mine.pk])).status_code == 302
    assert list(Annotation.objects.all()) == [theirs]


def test_it_records_an_answer_and_marks_the_question_answered(world):
    question = world.agenda.questions.get()
    world.client_for(world.mentor).post(
        reverse("question_answer", args=[question.pk]), {"answer": "Yes, do it.", "status": "open"}
    )
    question.refresh_from_db()
    assert question.answer == "Yes, do it."
    assert question.status == Question.Status.ANSWERED
    assert question.answered_by == world.mentor


def test_it_adds_action_items_and_returns_the_partial_for_htmx(world):
    client = world.client_for(world.mentor)
    response = client.htmx.post(
        reverse("action_add", args=[world.meeting.pk]),
        {"text": "Run 3 seeds", "owner": "scholar", "due_on": "2030-01-10"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="brief-section" id="actions"')
    item = ActionItem.objects.get()
    assert (item.text, item.owner, str(item.due_on)) == ("Run 3 seeds", "scholar", "2030-01-10")
    assert item.mentorship == world.mentorship and item.meeting == world.meeting


def test_it_refuses_an_action_item_without_text(world):
    response = world.client_for(world.mentor).post(
        reverse("action_add", args=[world.meeting.pk]), {"text": "  ", "owner": "scholar"}
    )
    assert response.status_code == 302
    assert not ActionItem.objects.exists()


def test_it_lets_the_scholar_tick_off_their_own_items_only(world):
    own = ActionItemFactory(mentorship=world.mentorship, owner="scholar")
    mentors = ActionItemFactory(mentorship=world.mentorship, owner="mentor")
    client = world.client_for(world.scholar)
    client.post(reverse("action_toggle", args=[own.pk]), {"done": "1"})
    client.post(reverse("action_toggle", args=[mentors.pk]), {"done": "1"})
    own.refresh_from_db()
    mentors.refresh_from_db()
    assert own.done and own.done_at
    assert not mentors.done
    other = world.client_for(world.other_scholar)
    assert other.post(reverse("action_toggle", args=[own.pk]), {"done": "0"}).status_code == 404


def test_it_refuses_an_open_redirect_after_toggling(world):
    own = ActionItemFactory(mentorship=world.mentorship)
    response = world.client_for(world.scholar).post(
        reverse("action_toggle", args=[own.pk]), {"done": "1", "next": "//evil.example/"}
    )
    assert response.url == reverse("home")


def test_it_marks_a_meeting_held_and_keeps_notes_append_only(world):
    client = world.client_for(world.mentor)
    client.post(reverse("note_add", args=[world.meeting.pk]), {"kind": "decision", "body": "Go"})
    Meeting.objects.filter(pk=world.meeting.pk).update(scheduled_at=timezone.now())  # started
    client.post(reverse("meeting_held", args=[world.meeting.pk]))
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    assert meeting.status == Meeting.Status.HELD and meeting.held_at
    client.post(reverse("note_add", args=[world.meeting.pk]), {"kind": "note", "body": "Later"})
    assert [n.body for n in MeetingNote.objects.all()] == ["Go", "Later"]
    response = client.post(
        reverse("annotation_add", args=[world.meeting.pk]), {"section": "general", "body": "late"}
    )
    assert response.status_code == 302
    assert not Annotation.objects.exists()


def test_it_keeps_the_brief_query_count_flat(world, django_assert_max_num_queries):
    client = world.client_for(world.mentor)
    url = reverse("brief", args=[world.meeting.pk])
    for i in range(15):
        q = QuestionFactory(agenda=world.agenda, text=f"Q{i}")
        AnnotationFactory(agenda=world.agenda, question=q, section="question", body=f"c{i}")
        AnnotationFactory(agenda=world.agenda, section="progress", body=f"s{i}")
        ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert "Q14" in response.content.decode()


def test_it_shows_the_history_with_questions_comments_and_items(
    world, django_assert_max_num_queries
):
    now = timezone.now()
    for weeks in range(1, 13):
        meeting = MeetingFactory(
            mentorship=world.mentorship,
            scheduled_at=now - timedelta(weeks=weeks),
            status=Meeting.Status.HELD,
        )
        agenda = SubmittedAgendaFactory(meeting=meeting, bottleneck=f"Bottleneck week {weeks}")
        QuestionFactory(agenda=agenda, text=f"Question week {weeks}")
        AnnotationFactory(agenda=agenda, body=f"Comment week {weeks}")
        ActionItemFactory(mentorship=world.mentorship, meeting=meeting, text=f"Item week {weeks}")
    client = world.client_for(world.mentor)
    with django_assert_max_num_queries(21):
        response = client.get(reverse("history", args=[world.scholar.pk]))
    body = response.content.decode()
    for text in ("Bottleneck week 9", "Question week 3", "Comment week 7", "Item week 1"):
        assert text in body
    assert body.index("Bottleneck week 1<") < body.index("Bottleneck week 9")
    older = client.get(reverse("history", args=[world.scholar.pk]) + "?page=2").content.decode()
    assert "Bottleneck week 12" in older and "Bottleneck week 9<" not in older


def test_it_shows_a_second_mentor_only_dates_of_the_other_mentorship(world):
    second_mentor = UserFactory(username="second")
    second = MentorshipFactory(program=world.program, scholar=world.scholar, mentor=second_mentor)
    theirs = MeetingFactory(mentorship=second, scheduled_at=timezone.now() - timedelta(days=3))
    SubmittedAgendaFactory(meeting=theirs, bottleneck="SECOND-MENTOR-ONLY bottleneck")
    response = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    body = response.content.decode()
    assert "SECRET-BOTTLENECK" in body  # own mentorship
    assert "SECOND-MENTOR-ONLY" not in body
    assert "Second" in body  # the other meeting's date/status row, with its mentor's name
    brief = world.client_for(world.mentor).get(reverse("brief", args=[theirs.pk]))
    assert brief.status_code == 404
    scholar_view = world.client_for(world.scholar).get(reverse("history", args=[world.scholar.pk]))
    assert "SECOND-MENTOR-ONLY" in scholar_view.content.decode()


def test_it_hides_an_unshared_check_in_from_the_mentor(world):
    world.agenda.wellbeing_energy = 2
    world.agenda.wellbeing_note = "PRIVATE-WELLBEING note"
    world.agenda.wellbeing_visibility = "only_me"
    world.agenda.save()
    url = reverse("brief", args=[world.meeting.pk])
    assert "PRIVATE-WELLBEING" not in world.client_for(world.mentor).get(url).content.decode()
    assert "PRIVATE-WELLBEING" in world.client_for(world.scholar).get(url).content.decode()
    history = reverse("history", args=[world.scholar.pk])
    assert "PRIVATE-WELLBEING" not in world.client_for(world.mentor).get(history).content.decode()
    world.agenda.wellbeing_visibility = "mentors"
    world.agenda.save()
    assert "PRIVATE-WELLBEING" in world.client_for(world.mentor).get(url).content.decode()


def test_it_lists_the_mentors_scholars_on_home(world, django_assert_max_num_queries):
    for _ in range(8):
        ms = MentorshipFactory(program=world.program, mentor=world.mentor)
        MeetingFactory(mentorship=ms)
    client = world.client_for(world.mentor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    body = response.content.decode()
    assert "Your scholars" in body
    assert body.count('href="/scholars/') >= 10
    assert "SECRET" not in body


@pytest.mark.parametrize(
    "role,allowed",
    [
        ("staff", True),
        ("scholar", True),
        ("mentor", True),
        ("other_staff", False),
        ("other_mentor", False),
        ("outsider", False),
    ],
)
def test_it_lets_the_pair_and_program_staff_cancel_a_meeting(world, role, allowed):
    response = world.client_for(getattr(world, role)).post(
        reverse("meeting_cancel", args=[world.meeting.pk])
    )
    status = Meeting.objects.get(pk=world.meeting.pk).status
    if allowed:
        assert response.status_code == 302 and status == Meeting.Status.CANCELLED
    else:
        assert response.status_code == 404 and status == Meeting.Status.PLANNED
