"""Decision first: the agenda's "decision or help I need most", autosaved, in the revisions,
recommended (not required) at submit, and the first thing on the brief and its PDF."""

from __future__ import annotations

from django.urls import reverse

from meetings import pdf
from meetings.agendas import domain as agendas
from meetings.briefs.domain import brief_context
from meetings.models import Agenda, AgendaRevision
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory


def _autosave(client, agenda, **data):
    url = reverse("agenda_autosave", args=[agenda.meeting_id])
    return client.htmx.post(url, {"version": agenda.version, **data})


def test_the_agenda_asks_for_it_first_and_autosaves_it(world):
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship))
    client = world.client_for(world.scholar)
    page = client.get(reverse("agenda", args=[draft.meeting_id])).content.decode()
    assert page.index('name="decision"') < page.index('name="bottleneck"')
    assert 'maxlength="300"' in page[page.index('name="decision"') - 300 :]
    response = _autosave(client, draft, decision="Pick dataset A or B")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.decision == "Pick dataset A or B"


def test_it_refuses_more_than_300_characters_and_keeps_the_old_text(world):
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship), decision="Short")
    response = _autosave(world.client_for(world.scholar), draft, decision="x" * 301)
    assert response.status_code == 422 and "300" in response.content.decode()
    draft.refresh_from_db()
    assert draft.decision == "Short"


def test_it_is_kept_in_the_revisions_with_its_label(world):
    client = world.client_for(world.scholar)
    _autosave(client, world.agenda, decision="DECISION-REVISED which run to keep")
    revision = AgendaRevision.objects.filter(agenda=world.agenda).latest("pk")
    assert revision.changes["decision"]["new"] == "DECISION-REVISED which run to keep"
    page = world.client_for(world.mentor).get(reverse("agenda_revisions", args=[world.meeting.pk]))
    html = page.content.decode()
    assert "The decision or help I need most" in html
    assert "DECISION-REVISED" in html


def test_it_is_recommended_not_required_to_submit(world):
    draft = AgendaFactory(meeting=MeetingFactory(mentorship=world.mentorship), decision="")
    QuestionFactory(agenda=draft)
    assert draft.submission_errors() == {}
    assert "decision" in draft.submission_advice()
    url = reverse("agenda", args=[draft.meeting_id])
    data = {
        "version": draft.version,
        "action": "submit",
        **{name: getattr(draft, name) for name in Agenda.SECTION_NAMES},
        "wellbeing_visibility": "only_me",
    }
    response = world.client_for(world.scholar).post(url, data, follow=True)
    draft.refresh_from_db()
    assert draft.is_submitted
    assert "Recommended: name the one decision or help you need most" in response.content.decode()
    draft.decision = "Which venue to submit to"
    assert draft.submission_advice() == {}


def test_the_brief_opens_with_it_before_the_bottleneck(world):
    agendas.save_fields(world.agenda, {"decision": "DECISION-FIRST go or no-go"}, 1)
    html = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    html = html.content.decode()
    assert html.index("DECISION-FIRST") < html.index("SECRET-BOTTLENECK")
    assert html.index("DECISION-FIRST") < html.index("SECRET-QUESTION")


def test_the_pdf_brief_opens_with_it_too(world):
    world.agenda.decision = "DECISION-FIRST in print"
    world.agenda.save()
    html = pdf.brief_html(brief_context(world.mentor, world.meeting))
    assert html.index("DECISION-FIRST") < html.index("SECRET-BOTTLENECK")


def test_the_mentor_sees_it_marked_changed_and_may_comment_on_it(world):
    client = world.client_for(world.mentor)
    client.get(reverse("brief", args=[world.meeting.pk]))  # first read
    agendas.save_fields(world.agenda, {"decision": "Changed since the read"}, 1)
    html = client.get(reverse("brief", args=[world.meeting.pk])).content.decode()
    section = html[html.index('id="decision"') : html.index('id="bottleneck"')]
    assert "changed" in section
    response = client.htmx.post(
        reverse("annotation_add", args=[world.meeting.pk]),
        {"section": "decision", "body": "Go with A."},
    )
    assert response.status_code == 200
    assert world.agenda.annotations.get().section == "decision"


def test_it_stays_private_while_the_agenda_is_a_draft(world):
    draft = AgendaFactory(
        meeting=MeetingFactory(mentorship=world.mentorship), decision="DRAFT-DECISION"
    )
    for user in (world.mentor, world.staff, world.other_scholar):
        response = world.client_for(user).get(reverse("brief", args=[draft.meeting_id]))
        assert b"DRAFT-DECISION" not in response.content


def test_the_submitted_mail_opens_with_it(world, mailoutbox, django_capture_on_commit_callbacks):
    draft = AgendaFactory(
        meeting=MeetingFactory(mentorship=world.mentorship), decision="DECISION-IN-MAIL pick one"
    )
    QuestionFactory(agenda=draft)
    with django_capture_on_commit_callbacks(execute=True):
        agendas.submit(draft)
    body = mailoutbox[-1].body
    assert body.index("DECISION-IN-MAIL") < body.index(draft.bottleneck)
