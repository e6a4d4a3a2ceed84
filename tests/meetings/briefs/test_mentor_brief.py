"""The brief, read receipts, changed-since markers, annotation, triage, read-only."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.briefs import domain as briefs
from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    BriefRead,
    Meeting,
    MeetingNote,
    Question,
)
from meetings.scheduling.lifecycle import NotPlanned
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    AnnotationFactory,
    MeetingFactory,
    QuestionFactory,
)


def _no_tokens(html: str) -> str:
    """The page without its CSRF tokens (a new one in every response)."""
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', "", html)


def _brief(world, user, **kw):
    return world.client_for(user).get(reverse("brief", args=[world.meeting.pk]), **kw)


# --- The brief's order ------------------------------------------------------------------------


def test_it_puts_bottleneck_and_questions_before_the_other_sections(world):
    html = _brief(world, world.mentor).content.decode()
    order = [
        html.index('id="bottleneck"'),
        html.index('id="questions"'),
        html.index('id="progress"'),
        html.index('id="tried"'),
        html.index('id="reading"'),
        html.index('id="asks"'),
        html.index('id="actions"'),
    ]
    assert order == sorted(order)


def test_it_shows_carried_forward_action_items_with_their_state(world):
    earlier = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=timezone.now() - timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    ActionItemFactory(
        mentorship=world.mentorship,
        meeting=earlier,
        text="Rerun seeds",
        due_on=timezone.localdate() - timedelta(days=1),
    )
    html = _brief(world, world.mentor).content.decode()
    assert "Rerun seeds" in html
    assert "carried from" in html
    assert "(overdue)" in html


# --- Read receipts and status -----------------------------------------------------------------


def test_it_records_a_read_receipt_when_the_mentor_opens_a_submitted_brief(world):
    assert not BriefRead.objects.exists()
    _brief(world, world.mentor)
    read = BriefRead.objects.get()
    assert read.reader == world.mentor and read.agenda == world.agenda
    first = read.first_read_at
    _brief(world, world.mentor)
    read.refresh_from_db()
    assert read.first_read_at == first and read.last_read_at >= first


@pytest.mark.parametrize("role", ["scholar"])
def test_it_does_not_record_a_read_for_the_scholar(world, role):
    _brief(world, getattr(world, role))
    assert not BriefRead.objects.exists()


def test_it_does_not_record_a_read_of_a_draft(world):
    world.agenda.refresh_from_db()
    world.agenda.status = Agenda.Status.DRAFT
    world.agenda.save()
    _brief(world, world.mentor)
    assert not BriefRead.objects.exists()


def test_it_shows_the_scholar_who_read_the_brief_and_when(world):
    html = _brief(world, world.scholar).content.decode()
    assert "Not opened by" in html
    _brief(world, world.mentor)
    html = _brief(world, world.scholar).content.decode()
    assert f"Read by {world.mentor.name} at" in html


def test_it_shows_the_mentor_list_brief_status_through_read_and_updated(world):
    home = reverse("home")
    client = world.client_for(world.mentor)

    def status_of_scholar():  # from the page as shown
        html = client.get(home).content.decode()
        row = re.search(
            rf"<strong>{re.escape(world.scholar.name)}</strong>.*?"
            r'<span class="badge status-[a-z-]+">([^<]+)</span>',
            html,
            re.S,
        )
        return row.group(1)

    assert status_of_scholar() == "submitted"
    _brief(world, world.mentor)
    assert status_of_scholar() == "read"
    world.agenda.refresh_from_db()
    assert agendas.save_fields(world.agenda, {"progress": "New results"}, world.agenda.version)
    assert status_of_scholar() == "updated"
    _brief(world, world.mentor)
    assert status_of_scholar() == "read"
    world.agenda.refresh_from_db()
    world.agenda.status = Agenda.Status.DRAFT
    world.agenda.save()
    assert status_of_scholar() == "draft"
    world.agenda.delete()
    assert status_of_scholar() == "not started"


def test_it_lists_the_mentors_scholars_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    client = world.client_for(world.mentor)
    client.get(reverse("home"))
    for _ in range(4):
        meeting = MeetingFactory(mentorship__mentor=world.mentor, mentorship__program=world.program)
        AgendaFactory(meeting=meeting, status=Agenda.Status.SUBMITTED)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))
    assert len(response.context["as_mentor"]) == 6


# --- Changed since last read ------------------------------------------------------------------


def test_it_marks_sections_changed_since_the_mentors_last_read(world):
    _brief(world, world.mentor)
    world.agenda.refresh_from_db()
    assert agendas.save_fields(world.agenda, {"reading": "A new paper"}, world.agenda.version)
    new_q = QuestionFactory(agenda=world.agenda, text="A brand new question?", rank=2)
    agendas.touch(world.agenda)
    response = _brief(world, world.mentor)
    assert response.context["changed"] >= {"reading", f"q{new_q.pk}"}
    assert "bottleneck" not in response.context["changed"]
    html = response.content.decode()
    assert "Since you last opened this brief" in html
    assert "What I read" in response.context["changed_labels"]
    # Opening it again: the mentor has now seen the change.
    response = _brief(world, world.mentor)
    assert response.context["changed"] == set()
    assert "Since you last opened" not in response.content.decode()


def test_it_shows_no_changed_markers_on_the_first_read(world):
    response = _brief(world, world.mentor)
    assert response.context["changed"] == set()


def test_it_keeps_the_brief_query_count_small(world, django_assert_max_num_queries):
    for i in range(5):
        q = QuestionFactory(agenda=world.agenda, rank=i + 2)
        AnnotationFactory(agenda=world.agenda, section="question", question=q)
        ActionItemFactory(mentorship=world.mentorship)
    for name in Agenda.SECTION_NAMES:
        AnnotationFactory(agenda=world.agenda, section=name)
    client = world.client_for(world.mentor)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("brief", args=[world.meeting.pk]))
    assert response.status_code == 200


# --- Annotations ------------------------------------------------------------------------------


def test_it_adds_a_comment_inline_and_returns_the_section_partial(world):
    url = reverse("annotation_add", args=[world.meeting.pk])
    response = world.htmx_client_for(world.mentor).post(
        url, {"section": "progress", "body": "Nice *plot*"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ann-progress"' in html and "<em>plot</em>" in html
    assert "<html" not in html
    assert Annotation.objects.get().section == "progress"


def test_it_adds_a_comment_without_javascript_and_redirects(world):
    url = reverse("annotation_add", args=[world.meeting.pk])
    response = world.client_for(world.mentor).post(url, {"section": "tried", "body": "Ok"})
    assert response.status_code == 302 and response.url.endswith("#tried")


def test_it_keeps_the_text_of_an_empty_comment_error(world):
    url = reverse("annotation_add", args=[world.meeting.pk])
    response = world.htmx_client_for(world.mentor).post(url, {"section": "tried", "body": "  "})
    assert "A comment needs some text" in response.content.decode()
    assert not Annotation.objects.exists()


def test_it_comments_on_a_question(world):
    q = world.agenda.questions.get()
    url = reverse("annotation_add", args=[world.meeting.pk])
    response = world.htmx_client_for(world.mentor).post(
        url, {"question": q.pk, "body": "Good question"}
    )
    assert f'id="ann-q{q.pk}"' in response.content.decode()
    assert Annotation.objects.get().question == q


@pytest.mark.parametrize(
    "role,expected", [("scholar", 404), ("other_mentor", 404), ("staff", 404), ("outsider", 404)]
)
def test_it_lets_only_the_mentor_comment(world, role, expected):
    url = reverse("annotation_add", args=[world.meeting.pk])
    response = world.client_for(getattr(world, role)).post(url, {"body": "x"})
    assert response.status_code == expected
    assert not Annotation.objects.exists()


def test_it_edits_and_deletes_only_ones_own_comment(world):
    note = AnnotationFactory(agenda=world.agenda, body="first")
    other = world.client_for(world.scholar)
    assert (
        other.post(reverse("annotation_edit", args=[note.pk]), {"body": "hacked"}).status_code
        == 404
    )
    assert other.post(reverse("annotation_delete", args=[note.pk])).status_code == 404
    client = world.client_for(world.mentor)
    Annotation.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    response = client.htmx.post(reverse("annotation_edit", args=[note.pk]), {"body": "second"})
    assert "second" in response.content.decode() and "edited" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "second"
    response = client.htmx.post(reverse("annotation_delete", args=[note.pk]))
    assert response.status_code == 200
    assert not Annotation.objects.exists()


def test_it_refuses_an_empty_edit_and_keeps_the_comment(world):
    note = AnnotationFactory(agenda=world.agenda, body="keep me")
    client = world.client_for(world.mentor)
    response = client.htmx.post(reverse("annotation_edit", args=[note.pk]), {"body": ""})
    assert "needs some text" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "keep me"


# --- Questions: answered async, triage, carry-forward -----------------------------------------


def test_it_answers_a_question_in_writing(world):
    q = world.agenda.questions.get()
    response = world.htmx_client_for(world.mentor).post(
        reverse("question_answer", args=[q.pk]), {"answer": "Use **AdamW**"}
    )
    assert response.status_code == 200
    assert "<strong>AdamW</strong>" in response.content.decode()
    q.refresh_from_db()
    assert q.status == Question.Status.ANSWERED
    assert q.answered_by == world.mentor and q.answered_at is not None


@pytest.mark.parametrize("role", ["scholar", "other_mentor", "staff", "outsider"])
def test_it_lets_only_the_mentor_answer_or_triage(world, role):
    q = world.agenda.questions.get()
    client = world.client_for(getattr(world, role))
    assert client.post(reverse("question_answer", args=[q.pk]), {"answer": "x"}).status_code == 404
    assert (
        client.post(reverse("question_status", args=[q.pk]), {"status": "resolved"}).status_code
        == 404
    )
    q.refresh_from_db()
    assert q.status == Question.Status.OPEN and q.answer == ""


def test_it_marks_questions_discussed_and_resolved(world):
    q = world.agenda.questions.get()
    client = world.client_for(world.mentor)
    url = reverse("question_status", args=[q.pk])
    response = client.htmx.post(url, {"status": "discussed"})
    assert "Discussed" in response.content.decode()
    q.refresh_from_db()
    assert q.status == Question.Status.DISCUSSED
    client.post(url, {"status": "resolved"})
    q.refresh_from_db()
    assert q.status == Question.Status.RESOLVED
    response = client.htmx.post(url, {"status": "nonsense"})
    assert "This question is resolved: it can only be reopened." in response.content.decode()
    q.refresh_from_db()
    assert q.status == Question.Status.RESOLVED


def test_it_carries_unresolved_questions_into_the_next_agenda(world):
    agenda = world.agenda
    QuestionFactory(agenda=agenda, text="Discussed one", rank=2, status="discussed")
    QuestionFactory(agenda=agenda, text="Resolved one", rank=3, status="resolved")
    QuestionFactory(agenda=agenda, text="Answered one", rank=4, status="answered")
    world.meeting.mark_held()
    nxt = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=world.meeting.scheduled_at + timedelta(days=7)
    )
    carried = [q.text for q in agendas.start(nxt).questions.all()]
    assert carried == ["SECRET-QUESTION one?", "Discussed one"]


# --- Read-only after held ---------------------------------------------------------------------


def test_it_refuses_every_change_to_a_held_meetings_record(world):
    q = world.agenda.questions.get()
    note = AnnotationFactory(agenda=world.agenda, body="before")
    world.meeting.mark_held()
    mentor = world.client_for(world.mentor)
    scholar = world.client_for(world.scholar)
    mentor.post(reverse("annotation_add", args=[world.meeting.pk]), {"body": "late"})
    mentor.post(reverse("annotation_edit", args=[note.pk]), {"body": "changed"})
    mentor.post(reverse("annotation_delete", args=[note.pk]))
    mentor.post(reverse("question_answer", args=[q.pk]), {"answer": "late"})
    mentor.post(reverse("question_status", args=[q.pk]), {"status": "resolved"})
    mentor.post(
        reverse("action_add", args=[world.meeting.pk]), {"text": "late", "owner": "scholar"}
    )
    assert (
        scholar.post(reverse("question_edit", args=[q.pk]), {"text": "changed?"}).status_code == 404
    )
    assert scholar.post(reverse("question_delete", args=[q.pk])).status_code == 404
    assert scholar.get(reverse("agenda", args=[world.meeting.pk])).status_code == 302
    note.refresh_from_db()
    q.refresh_from_db()
    assert note.body == "before"
    assert Annotation.objects.count() == 1
    assert q.answer == "" and q.status == Question.Status.OPEN and q.text == "SECRET-QUESTION one?"
    assert not ActionItem.objects.exists()


def test_the_mentors_writes_refuse_a_held_meeting_where_meeting_mode_still_files(world):
    note = AnnotationFactory(agenda=world.agenda, body="before")
    world.meeting.mark_held()
    agenda = Agenda.objects.select_related("meeting").get(pk=world.agenda.pk)
    q = Question.objects.select_related("agenda__meeting").get(agenda=agenda)
    note = Annotation.objects.select_related("agenda__meeting").get(pk=note.pk)
    writes = [
        lambda: briefs.add_comment(agenda, world.mentor, "late", "general", None),
        lambda: briefs.edit_annotation(note, "changed"),
        lambda: briefs.delete_annotation(note),
        lambda: briefs.answer_in_writing(q, world.mentor, Question.Status.ANSWERED, "late"),
        lambda: briefs.triage(q, world.mentor, Question.Status.RESOLVED),
        lambda: briefs.add_action_item(agenda.meeting, world.mentor, {"text": "late"}),
    ]
    for write in writes:
        with pytest.raises(NotPlanned):
            write()
    assert list(Annotation.objects.values_list("body", flat=True)) == ["before"]
    assert not ActionItem.objects.exists()
    # Meeting mode files what it captured as the meeting is marked held.
    briefs.annotate(agenda, world.mentor, "Filed", "general", None)
    briefs.answer(q, world.mentor, Question.Status.DISCUSSED)
    assert Annotation.objects.filter(body="Filed").exists()
    assert Question.objects.get(pk=q.pk).status == Question.Status.DISCUSSED


def test_it_answers_409_and_reloads_htmx_writes_on_a_held_meeting(world):
    world.meeting.mark_held()
    response = world.htmx_client_for(world.mentor).post(
        reverse("annotation_add", args=[world.meeting.pk]), {"body": "late"}
    )
    assert response.status_code == 409
    assert response["HX-Refresh"] == "true"
    assert not Annotation.objects.exists()


def test_it_hides_the_editing_controls_on_a_held_brief_but_still_takes_notes(world):
    world.meeting.mark_held()
    client = world.client_for(world.mentor)
    html = client.get(reverse("brief", args=[world.meeting.pk])).content.decode()
    assert "Add comment" not in html and "Answer in writing" not in html
    assert "Add action item" not in html and "Mark meeting held" not in html
    assert "Add a later note" in html
    response = client.htmx.post(
        reverse("note_add", args=[world.meeting.pk]), {"kind": "note", "body": "Later"}
    )
    assert "added after the meeting" in response.content.decode()
    assert MeetingNote.objects.get().body == "Later"


def test_it_adds_an_action_item_with_owner_and_due_date(world):
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = world.htmx_client_for(world.mentor).post(
        reverse("action_add", args=[world.meeting.pk]),
        {"text": "Send the draft", "owner": "mentor", "due_on": due},
    )
    assert "Send the draft" in response.content.decode()
    item = ActionItem.objects.get()
    assert item.owner == "mentor" and item.due_on.isoformat() == due
    assert item.meeting == world.meeting


def test_it_keeps_the_text_when_an_action_item_is_invalid(world):
    response = world.htmx_client_for(world.mentor).post(
        reverse("action_add", args=[world.meeting.pk]),
        {"text": "Keep this text", "owner": "mentor", "due_on": "not-a-date"},
    )
    html = response.content.decode()
    assert 'value="Keep this text"' in html and "valid date" in html
    assert not ActionItem.objects.exists()


def test_it_answers_404_for_a_question_of_another_agenda_and_400_for_garbage(world):
    other_q = QuestionFactory()
    url = reverse("annotation_add", args=[world.meeting.pk])
    client = world.client_for(world.mentor)
    assert client.post(url, {"question": other_q.pk, "body": "x"}).status_code == 404
    assert client.post(url, {"question": "abc", "body": "x"}).status_code == 400
    assert not Annotation.objects.exists()
