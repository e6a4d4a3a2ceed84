"""The agenda page as the scholar reads it: what stops a submit and a link to each field, the
question list while empty, the energy scale's ends, and only the check-in audiences that exist
for this scholar (refused server-side too)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import ResearchManagerAssignment
from meetings.agendas import domain as agendas
from meetings.models import Agenda, Meeting
from tests.factories import (
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    ResearchManagerAssignmentFactory,
)


@pytest.fixture
def draft(world):
    """A draft of the world's scholar (who has a research manager) with nothing in it yet."""
    return agendas.start(MeetingFactory(mentorship=world.mentorship))


@pytest.fixture
def lone(world):
    """A draft of a scholar in the same program with no research manager."""
    mentorship = MentorshipFactory(program=world.program, mentor=world.mentor)
    return agendas.start(MeetingFactory(mentorship=mentorship))


def _submit(client, agenda, **fields):
    data = {"version": agenda.version, "wellbeing_visibility": "only_me", "action": "submit"}
    return client.post(reverse("agenda", args=[agenda.meeting_id]), data | fields)


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no summary of what stops the submit"
    return match.group(0)


# --- What stops a submit ---------------------------------------------------------------------


def test_a_failed_submit_lists_each_reason_with_a_link_to_its_field(world, draft):
    response = _submit(world.client_for(world.scholar), draft, asks="Kept text")
    summary = _summary(response.content.decode())
    assert response.status_code == 200
    assert "Your draft is saved, but it cannot be submitted yet:" in summary
    links = re.findall(r'<a href="#([\w-]+)"[^>]*>([^<]+)</a>: ([^<]+)</li>', summary)
    assert [(target, label) for target, label, _ in links] == [
        ("id_bottleneck", "Main bottleneck"),
        ("id_new_question", "Questions"),
    ]
    assert links[0][2].startswith("Name your one main bottleneck")
    assert links[1][2].startswith("Add at least one question")
    stored = Agenda.objects.get(pk=draft.pk)
    assert stored.status == Agenda.Status.DRAFT and stored.asks == "Kept text"


def test_a_failed_submit_links_to_what_i_tried_when_the_bottleneck_is_last_times(world):
    world.meeting.status = Meeting.Status.HELD
    world.meeting.save()
    later = world.meeting.scheduled_at + timedelta(days=7)
    draft = agendas.start(MeetingFactory(mentorship=world.mentorship, scheduled_at=later))
    QuestionFactory(agenda=draft)
    response = _submit(
        world.client_for(world.scholar), draft, bottleneck="SECRET-BOTTLENECK text", tried=""
    )
    summary = _summary(response.content.decode())
    assert '<a href="#id_tried" data-focus="id_tried">What I tried and whom I asked</a>' in summary
    assert "id_bottleneck" not in summary


def test_a_successful_submit_shows_no_summary(world, draft):
    QuestionFactory(agenda=draft)
    client = world.client_for(world.scholar)
    response = _submit(client, draft, bottleneck="Stuck", tried="x")
    assert response.status_code == 302
    assert "error-summary" not in client.get(reverse("agenda", args=[draft.meeting_id])).text


def test_a_save_refused_for_a_too_long_text_lists_it_too(world, draft):
    url = reverse("agenda", args=[draft.meeting_id])
    data = {"version": draft.version, "wellbeing_visibility": "only_me", "action": "save"}
    response = world.client_for(world.scholar).post(url, data | {"bottleneck": "x" * 1001})
    summary = _summary(response.content.decode())
    assert "Not saved yet" in summary and 'href="#id_bottleneck"' in summary
    assert Agenda.objects.get(pk=draft.pk).bottleneck == ""


# --- The question list and the energy scale --------------------------------------------------


def test_an_empty_question_list_is_a_sentence_not_a_numbered_item(world, draft):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id])).text
    questions = html[html.index('id="questions"') : html.index('class="add-question"')]
    assert '<p class="muted empty-questions" id="question-list-empty">No questions yet.</p>' in (
        questions
    )
    assert "<ol" not in questions and "<li" not in questions


def test_a_question_list_is_numbered_once_there_are_questions(world, draft):
    QuestionFactory(agenda=draft, text="First one?")
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id])).text
    assert '<ol class="question-list" id="question-list">' in html
    assert "No questions yet." not in html


def test_the_energy_scale_names_its_ends(world, draft):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id])).text
    scale = html[html.index('<div class="energy">') :]
    scale = scale[: scale.index("</div>")]
    labels = [" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in scale.split("</label>")]
    labels = labels[:-1]
    assert labels == ["Skip", "1 drained", "2", "3", "4", "5 energised"]


# --- Check-in audiences ----------------------------------------------------------------------


def _options(html: str) -> list[str]:
    select = html[html.index('name="wellbeing_visibility"') :]
    return re.findall(r'<option value="(\w+)"', select[: select.index("</select>")])


def test_a_scholar_without_a_research_manager_is_not_offered_one(world, lone):
    client = world.client_for(lone.meeting.mentorship.scholar)
    html = client.get(reverse("agenda", args=[lone.meeting_id])).text
    assert _options(html) == ["only_me", "mentors"]
    assert "research manager</option>" not in html


def test_a_scholar_with_a_research_manager_is_offered_every_audience(world, draft):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id])).text
    assert _options(html) == ["only_me", "mentors", "manager", "both"]


def test_a_research_manager_of_another_program_does_not_count(world, lone):
    scholar = lone.meeting.mentorship.scholar
    ResearchManagerAssignmentFactory(
        program=world.other_program, manager=world.other_staff, scholar=scholar
    )
    html = world.client_for(scholar).get(reverse("agenda", args=[lone.meeting_id])).text
    assert _options(html) == ["only_me", "mentors"]


@pytest.mark.parametrize("audience", ["manager", "both"])
def test_the_autosave_refuses_a_research_manager_the_scholar_does_not_have(world, lone, audience):
    client = world.client_for(lone.meeting.mentorship.scholar)
    url = reverse("agenda_autosave", args=[lone.meeting_id])
    response = client.htmx.post(
        url, {"version": lone.version, "wellbeing_visibility": audience, "bottleneck": "B"}
    )
    assert response.status_code == 422
    assert "You have no research manager in this program" in response.text
    stored = Agenda.objects.get(pk=lone.pk)
    assert stored.wellbeing_visibility == "only_me" and stored.bottleneck == ""


def test_the_full_save_refuses_a_research_manager_the_scholar_does_not_have(world, lone):
    client = world.client_for(lone.meeting.mentorship.scholar)
    data = {"version": lone.version, "wellbeing_visibility": "both", "action": "save"}
    response = client.post(reverse("agenda", args=[lone.meeting_id]), data | {"tried": "Kept"})
    assert response.status_code == 200
    summary = _summary(response.text)
    assert 'href="#id_wellbeing_visibility"' in summary and "no research manager" in summary
    assert 'id="id_tried"' in response.text and ">\nKept</textarea>" in response.text
    assert Agenda.objects.get(pk=lone.pk).wellbeing_visibility == "only_me"


def test_the_autosave_accepts_the_research_manager_the_scholar_has(world, draft):
    url = reverse("agenda_autosave", args=[draft.meeting_id])
    response = world.htmx_client_for(world.scholar).post(
        url, {"version": draft.version, "wellbeing_visibility": "both"}
    )
    assert response.status_code == 200
    assert Agenda.objects.get(pk=draft.pk).wellbeing_visibility == "both"


def test_a_check_in_once_shared_with_a_manager_who_is_gone_shows_what_is_left(world, draft):
    Agenda.objects.filter(pk=draft.pk).update(wellbeing_visibility="both")
    ResearchManagerAssignment.objects.filter(scholar=world.scholar).delete()
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id])).text
    assert '<option value="mentors" selected>' in html


def test_the_audience_check_adds_no_query_to_the_autosave(world, lone, django_assert_num_queries):
    client = world.client_for(lone.meeting.mentorship.scholar)
    url = reverse("agenda_autosave", args=[lone.meeting_id])
    data = {"version": lone.version, "wellbeing_visibility": "mentors", "bottleneck": "Typed"}
    # six, and one for the stuck prompt since the bottleneck changed
    with django_assert_num_queries(7):
        assert client.htmx.post(url, data).status_code == 200
