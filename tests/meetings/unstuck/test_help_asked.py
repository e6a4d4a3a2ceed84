"""Whom I asked: adding and removing entries on the agenda (htmx and plain POST), the revision
they leave, and what the mentor, a peer named in them and staff may see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaRevision, HelpAsked, Meeting
from tests.factories import (
    AgendaFactory,
    HelpAskedFactory,
    MeetingFactory,
    MentorshipFactory,
    UserFactory,
)


@pytest.fixture
def draft(world):
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(days=5)
    )
    return AgendaFactory(meeting=meeting)


def _add(client, agenda, htmx=True, **data):
    url = reverse("help_add", args=[agenda.meeting_id])
    return (client.htmx if htmx else client).post(url, data)


def test_the_scholar_adds_a_peer_from_the_program(world, draft):
    client = world.client_for(world.scholar)
    response = _add(client, draft, kind="peer", peer=world.other_scholar.pk, outcome="Sent a paper")
    assert response.status_code == 200
    entry = HelpAsked.objects.get(agenda=draft)
    assert (entry.kind, entry.peer, entry.outcome) == ("peer", world.other_scholar, "Sent a paper")
    html = response.content.decode()
    assert f"{world.other_scholar.name} (peer)" in html and "Sent a paper" in html
    revision = AgendaRevision.objects.filter(agenda=draft).first()
    assert (
        revision.changes["help_asked"]["new"] == f"{world.other_scholar.name} (peer): Sent a paper"
    )


def test_without_javascript_it_redirects_back_to_the_list(world, draft):
    client = world.client_for(world.scholar)
    response = _add(client, draft, htmx=False, kind="forum", name="#interp-help")
    assert response.status_code == 302
    assert response["Location"].endswith("#help-asked")
    assert HelpAsked.objects.get(agenda=draft).label == "#interp-help (forum)"


def test_a_peer_outside_the_program_cannot_be_picked(world, draft):
    stranger = MentorshipFactory().scholar
    client = world.client_for(world.scholar)
    response = _add(client, draft, kind="peer", peer=stranger.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not HelpAsked.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "peer"}, "Pick the peer you asked."),
        ({"kind": "outside"}, "Name the person you asked."),
        ({"kind": "forum", "name": "   "}, "Name the forum or chat."),
        ({"kind": "nonsense"}, "Select a valid choice"),
    ],
)
def test_incomplete_entries_are_refused_with_a_message(world, draft, data, message):
    client = world.client_for(world.scholar)
    response = _add(client, draft, outcome="KEEP-THIS-OUTCOME", **data)
    html = response.content.decode()
    assert message in html
    assert "KEEP-THIS-OUTCOME" in html  # what was typed is kept
    assert not HelpAsked.objects.exists()


def test_the_scholar_removes_an_entry(world, draft):
    entry = HelpAskedFactory(agenda=draft, kind="mentor")
    client = world.client_for(world.scholar)
    response = client.htmx.post(reverse("help_delete", args=[entry.pk]))
    assert response.status_code == 200
    assert "Removed: my mentor (mentor)." in response.content.decode()
    assert not HelpAsked.objects.exists()


def test_entries_are_fixed_once_the_meeting_is_held(world, draft):
    entry = HelpAskedFactory(agenda=draft, kind="mentor")
    Meeting.objects.filter(pk=draft.meeting_id).update(status=Meeting.Status.HELD)
    client = world.client_for(world.scholar)
    assert client.post(reverse("help_delete", args=[entry.pk])).status_code == 404
    assert _add(client, draft, kind="mentor").status_code == 404
    assert HelpAsked.objects.count() == 1


def test_nobody_else_adds_or_removes(world, draft):
    entry = HelpAskedFactory(agenda=draft, kind="mentor")
    for user in (world.mentor, world.other_scholar, world.staff, world.manager):
        client = world.client_for(user)
        assert _add(client, draft, kind="mentor").status_code == 404
        assert client.post(reverse("help_delete", args=[entry.pk])).status_code == 404
    assert HelpAsked.objects.count() == 1


def test_the_mentor_sees_them_on_the_brief_and_the_peer_sees_nothing(world):
    HelpAskedFactory(
        agenda=world.agenda, kind="peer", peer=world.other_scholar, outcome="SENTINEL-OUTCOME"
    )
    brief = reverse("brief", args=[world.meeting.pk])
    html = world.client_for(world.mentor).get(brief).content.decode()
    assert "Whom they asked" in html and "SENTINEL-OUTCOME" in html
    assert world.client_for(world.other_scholar).get(brief).status_code == 404
    home = world.client_for(world.other_scholar).get(reverse("home")).content.decode()
    assert "SENTINEL-OUTCOME" not in home and "SECRET-BOTTLENECK" not in home


def test_staff_see_people_asked_per_meeting_and_no_names(world):
    HelpAskedFactory(agenda=world.agenda, kind="outside", name="SENTINEL-NAME")
    HelpAskedFactory(agenda=world.agenda, kind="forum", name="SENTINEL-FORUM")
    other = SubmittedAgenda(world)
    url = reverse("scholar_summary", args=[world.program.slug, world.scholar.pk])
    response = world.client_for(world.staff).get(url)
    html = response.content.decode()
    assert response.context["people_asked"] == 1.0  # 2 entries over 2 submitted agendas
    assert "People asked per meeting" in html
    assert "SENTINEL-NAME" not in html and "SENTINEL-FORUM" not in html
    assert other.bottleneck not in html


def SubmittedAgenda(world):
    from tests.factories import SubmittedAgendaFactory

    meeting = MeetingFactory(
        mentorship=world.mentorship,
        scheduled_at=timezone.now() - timedelta(days=7),
        status=Meeting.Status.HELD,
    )
    return SubmittedAgendaFactory(meeting=meeting, bottleneck="SENTINEL-OLD-BOTTLENECK")


def test_peers_offered_are_the_programs_other_scholars(world, draft):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id]))
    options = html.context["help_form"].fields["peer"].queryset
    assert world.other_scholar in options
    assert world.scholar not in options
    assert UserFactory(username="nobody-here") not in options


def test_the_revision_history_names_the_change(world, draft):
    client = world.client_for(world.scholar)
    _add(client, draft, kind="outside", name="Prof. Okafor", outcome="Use a smaller model")
    html = client.get(reverse("agenda_revisions", args=[draft.meeting_id])).content.decode()
    assert "Whom I asked" in html and "Prof. Okafor (outside): Use a smaller model" in html


def test_an_entry_is_edited_to_say_what_came_of_it(world):
    entry = HelpAskedFactory(agenda=world.agenda, kind="peer", peer=world.other_scholar)
    client = world.client_for(world.scholar)
    html = client.get(reverse("agenda", args=[world.meeting.pk])).content.decode()
    assert f'action="{reverse("help_edit", args=[entry.pk])}"' in html
    assert f'id="help{entry.pk}-outcome"' in html
    url = reverse("help_edit", args=[entry.pk])
    data = {"kind": "peer", "peer": world.other_scholar.pk, "outcome": "Sent me their script"}
    response = client.htmx.post(url, data)
    assert response.status_code == 200 and "Sent me their script" in response.content.decode()
    entry.refresh_from_db()
    assert entry.outcome == "Sent me their script"
    change = AgendaRevision.objects.get(agenda=world.agenda).changes["help_asked"]
    assert change["new"].endswith("Sent me their script")
    world.agenda.refresh_from_db()
    assert world.agenda.is_updated  # a submitted brief shows the change to the mentor
    # Spaces alone change nothing; a plain post (no JavaScript) comes back to the agenda.
    again = client.post(url, {**data, "outcome": "Sent me  their script "})
    assert again.status_code == 302
    assert AgendaRevision.objects.filter(agenda=world.agenda).count() == 1


def test_an_edit_with_a_mistake_is_shown_again_with_its_message(world):
    entry = HelpAskedFactory(agenda=world.agenda, kind="mentor")
    response = world.client_for(world.scholar).htmx.post(
        reverse("help_edit", args=[entry.pk]), {"kind": "outside", "outcome": "Kept"}
    )
    html = response.content.decode()
    assert "Name the person you asked." in html and 'value="Kept"' in html
    entry.refresh_from_db()
    assert entry.kind == "mentor"


@pytest.mark.parametrize("who", ["mentor", "other_scholar"])
def test_only_the_scholar_edits_an_entry(world, who):
    entry = HelpAskedFactory(agenda=world.agenda, kind="mentor")
    response = world.client_for(getattr(world, who)).post(
        reverse("help_edit", args=[entry.pk]), {"kind": "mentor", "outcome": "Theirs"}
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.outcome == ""


@pytest.mark.parametrize("value", [None, "", 2, "2", 7, "99"])
@pytest.mark.parametrize("attrs", [{"id": "help-peer"}, {"id": "help3-peer", "required": True}])
def test_the_peer_list_is_the_markup_of_djangos_select(value, attrs):
    """The peers' list joins its options in one tag, for speed (a program's hundreds of scholars
    in every entry's form): the markup is Django's select's to the byte, names escaped, the
    first option holding the value selected."""
    from django import forms

    from accounts.forms import JoinedSelect

    choices = [("", "Pick a peer…"), (2, "Ada <b>Lovelace</b>"), (7, "Zoë & co"), (2, "Ada again")]
    ours = JoinedSelect(choices=choices, attrs=attrs).render("peer", value)
    djangos = forms.Select(choices=choices, attrs=attrs).render("peer", value)
    assert ours == djangos
    assert "<b>" not in ours
    assert ours.count(" selected") == (0 if value == "99" else 1)  # None chooses the empty one
