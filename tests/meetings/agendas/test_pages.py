import pytest
from django.urls import reverse

from meetings.agendas import domain as agendas
from meetings.models import Agenda, Question
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _post(client, meeting, **fields):
    agenda = Agenda.objects.get(meeting=meeting)
    data = {
        "version": agenda.version,
        "bottleneck": agenda.bottleneck,
        "tried": agenda.tried,
        "progress": agenda.progress,
        "reading": agenda.reading,
        "asks": agenda.asks,
        "wellbeing_visibility": "only_me",
        "action": "save",
    }
    data.update(fields)
    return client.post(reverse("agenda", args=[meeting.pk]), data)


@pytest.fixture
def draft(world):
    meeting = MeetingFactory(mentorship=world.mentorship)
    agendas.start(meeting)
    return meeting


def test_it_creates_the_agenda_on_first_open(world):
    meeting = MeetingFactory(mentorship=world.mentorship)
    response = world.client_for(world.scholar).get(reverse("agenda", args=[meeting.pk]))
    assert response.status_code == 200
    assert Agenda.objects.get(meeting=meeting).status == Agenda.Status.DRAFT
    assert "one sentence: what is blocking you" in response.content.decode().lower()


def test_it_saves_a_draft(world, draft):
    client = world.client_for(world.scholar)
    response = _post(client, draft, bottleneck="Stuck on the proof", progress="Wrote lemma 2")
    assert response.status_code == 302
    agenda = Agenda.objects.get(meeting=draft)
    assert (agenda.bottleneck, agenda.progress, agenda.status) == (
        "Stuck on the proof",
        "Wrote lemma 2",
        Agenda.Status.DRAFT,
    )


def test_it_refuses_to_submit_without_a_bottleneck_and_keeps_the_text(world, draft):
    client = world.client_for(world.scholar)
    QuestionFactory(agenda=draft.agenda)
    response = _post(client, draft, action="submit", bottleneck="  ", progress="Kept text 123")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Name your one main bottleneck" in body
    assert "Kept text 123" in body
    agenda = Agenda.objects.get(meeting=draft)
    assert agenda.status == Agenda.Status.DRAFT
    assert agenda.progress == "Kept text 123"  # the draft is saved even though submit failed


def test_it_refuses_to_submit_without_a_question(world, draft):
    response = _post(world.client_for(world.scholar), draft, action="submit", bottleneck="X")
    assert "Add at least one question" in response.content.decode()
    assert Agenda.objects.get(meeting=draft).status == Agenda.Status.DRAFT


def test_it_asks_what_was_tried_when_the_bottleneck_repeats(world):
    # world.meeting (earlier, with a submitted agenda) comes before this one.
    world.meeting.scheduled_at = world.meeting.scheduled_at.replace(year=2020)
    world.meeting.save()
    meeting = MeetingFactory(mentorship=world.mentorship)
    agendas.start(meeting)
    QuestionFactory(agenda=meeting.agenda)
    response = _post(
        world.client_for(world.scholar),
        meeting,
        action="submit",
        bottleneck="secret-bottleneck TEXT",
        tried="",
    )
    assert "same as last time" in response.content.decode()
    assert Agenda.objects.get(meeting=meeting).status == Agenda.Status.DRAFT


def test_it_submits_and_shows_the_brief(world, draft):
    QuestionFactory(agenda=draft.agenda, text="Is this right?")
    response = _post(world.client_for(world.scholar), draft, action="submit", bottleneck="Data")
    assert response.status_code == 302
    assert response.url == reverse("brief", args=[draft.pk])
    agenda = Agenda.objects.get(meeting=draft)
    assert agenda.is_submitted and agenda.submitted_at


def test_it_refuses_over_long_text_with_a_message_and_keeps_it(world, draft):
    long_text = "x" * 1001
    response = _post(world.client_for(world.scholar), draft, bottleneck=long_text)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ensure this value has at most 1000 characters" in body
    assert long_text in body
    assert Agenda.objects.get(meeting=draft).bottleneck == ""


def test_it_refuses_a_stale_save_and_shows_both_versions(world, draft):
    client = world.client_for(world.scholar)
    agenda = Agenda.objects.get(meeting=draft)
    agendas.save_fields(agenda, {"bottleneck": "Saved in the other tab"}, agenda.version)
    response = _post(client, draft, version=1, bottleneck="Typed in this tab")
    assert response.status_code == 409
    body = response.content.decode()
    assert "Saved in the other tab" in body and "Typed in this tab" in body
    assert "changed elsewhere" in body
    assert Agenda.objects.get(meeting=draft).bottleneck == "Saved in the other tab"


def test_it_shows_the_mentor_an_updated_brief_after_an_edit(world):
    client = world.client_for(world.scholar)
    _post(client, world.meeting, progress="New result")
    agenda = Agenda.objects.get(pk=world.agenda.pk)
    assert agenda.is_submitted and agenda.is_updated
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    assert "Updated" in brief.content.decode()


def test_it_makes_a_held_meeting_read_only(world):
    world.meeting.mark_held()
    client = world.client_for(world.scholar)
    response = _post(client, world.meeting, bottleneck="Rewritten history")
    assert response.status_code == 302
    assert Agenda.objects.get(pk=world.agenda.pk).bottleneck == "SECRET-BOTTLENECK text"
    question = world.agenda.questions.first()
    response = client.post(reverse("question_edit", args=[question.pk]), {"text": "changed"})
    assert response.status_code == 404
    assert Question.objects.get(pk=question.pk).text == "SECRET-QUESTION one?"


def test_it_adds_ranks_and_deletes_questions(world, draft):
    client = world.client_for(world.scholar)
    url = reverse("question_add", args=[draft.pk])
    client.post(url, {"text": "First?"})
    client.post(url, {"text": "Second?"})
    agenda = Agenda.objects.get(meeting=draft)
    first, second = agenda.questions.all()
    assert (first.rank, second.rank) == (1, 2)
    client.post(reverse("question_move", args=[second.pk]), {"direction": "up"})
    assert [q.text for q in agenda.questions.all()] == ["Second?", "First?"]
    client.post(reverse("question_delete", args=[first.pk]))
    assert [q.text for q in agenda.questions.all()] == ["Second?"]


def test_it_refuses_an_empty_question_with_a_message(world, draft):
    client = world.client_for(world.scholar)
    response = client.htmx.post(reverse("question_add", args=[draft.pk]), {"text": "   "})
    assert response.status_code == 200
    assert "A question needs some text" in response.content.decode()
    assert not Agenda.objects.get(meeting=draft).questions.exists()


def test_it_answers_question_partials_for_htmx(world, draft):
    client = world.client_for(world.scholar)
    response = client.htmx.post(reverse("question_add", args=[draft.pk]), {"text": "Via htmx?"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="questions"')
    assert "Via htmx?" in body and "<html" not in body


@pytest.mark.parametrize("role", ["mentor", "other_scholar", "staff", "outsider"])
def test_it_refuses_question_writes_to_others(world, role):
    client = world.client_for(getattr(world, role))
    question = world.agenda.questions.first()
    assert (
        client.post(reverse("question_add", args=[world.meeting.pk]), {"text": "x"}).status_code
        == 404
    )
    assert (
        client.post(reverse("question_edit", args=[question.pk]), {"text": "x"}).status_code == 404
    )
    assert client.post(reverse("question_delete", args=[question.pk])).status_code == 404
    assert Question.objects.filter(pk=question.pk, text="SECRET-QUESTION one?").exists()


def test_it_lets_the_mentor_see_that_no_agenda_was_submitted(world):
    meeting = MeetingFactory(mentorship=world.mentorship)
    AgendaFactory(meeting=meeting, bottleneck="DRAFT-ONLY text")
    response = world.client_for(world.mentor).get(reverse("brief", args=[meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "has not submitted an agenda" in body
    assert "DRAFT-ONLY" not in body


def test_it_shows_the_scholar_when_the_mentor_read_the_brief(world):
    url = reverse("agenda", args=[world.meeting.pk])
    scholar = world.client_for(world.scholar)
    assert "Read by" not in scholar.get(url).content.decode()
    world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    body = scholar.get(url).content.decode()
    assert "Read by Mentor at" in body
    assert "before your latest changes" not in body
    _post(scholar, world.meeting, progress="A newer result")
    assert "before your latest changes" in scholar.get(url).content.decode()


def test_no_empty_stuck_box_under_a_bottleneck_that_is_not_stuck(world):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    html = html.content.decode()
    region = html[html.index('id="stuck-prompt"') :]
    region = region[: region.index("</div>")]
    # Only the empty live region the autosave swaps: no box, not even whitespace in it.
    assert "stuck-prompt" not in region.replace('id="stuck-prompt"', "")
    assert region.endswith(">")
