"""Peer suggestions for a stuck scholar: the peers of the same program who shared a similar
bottleneck and marked it resolved, on the agenda's stuck prompt and the scholar's own brief.

Nothing unshared is ever used, shown or counted; another program's scholars never appear."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.models import Agenda, HelpAsked, Meeting
from meetings.unstuck import peers
from meetings.unstuck.streaks import recompute_pair
from tests.factories import (
    MentorshipFactory,
    UserFactory,
    past_agenda,
)

EARLIER = [
    "Evaluating the reward model fails on the cluster: jobs run out of GPU memory.",
    "The reward model evaluation keeps running out of GPU memory on the cluster.",
]
STUCK = "Reward model evaluation still runs out of GPU memory on the cluster."
SIMILAR = "My reward model evaluation runs out of GPU memory on the cluster jobs."
UNRELATED = "I need to choose a venue for the workshop paper."


def _solved(mentorship, bottleneck=SIMILAR, resolution="Gradient checkpointing", days_ago=30):
    """A peer's shared bottleneck, marked resolved (long ago: no board window applies)."""
    when = timezone.now() - timedelta(days=days_ago)
    return past_agenda(
        mentorship,
        days_ago,
        bottleneck,
        bottleneck_shared=True,
        bottleneck_shared_at=when,
        bottleneck_resolved_at=when + timedelta(days=1),
        bottleneck_resolution=resolution,
    )


def _peer(world, name: str, program=None):
    """A new scholar with an active pair in the world's program (or another)."""
    scholar = UserFactory(username=name.split()[0].lower(), display_name=name)
    return MentorshipFactory(program=program or world.program, scholar=scholar)


@pytest.fixture
def stuck(world):
    """The world's scholar names the same bottleneck for the third meeting in a row."""
    for days, text in zip((14, 7), EARLIER, strict=True):
        past_agenda(world.mentorship, days, text)
    world.agenda.bottleneck = STUCK
    world.agenda.save()
    recompute_pair(world.mentorship.pk)
    return world


def _agenda_page(world) -> str:
    response = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _suggested(world) -> list[str]:
    return [s.peer.username for s in peers.suggestions(world.agenda, viewer=world.scholar)]


def test_it_suggests_a_peer_who_resolved_a_similar_shared_bottleneck(stuck):
    dana = _peer(stuck, "Dana Ruiz")
    _solved(dana, resolution="Gradient checkpointing on the eval jobs")
    html = _agenda_page(stuck)
    prompt = html[html.index('id="stuck-prompt"') : html.index('id="questions"')]
    assert "Dana Ruiz" in prompt
    assert "Ask Dana about “Gradient checkpointing on the eval jobs”" in prompt
    assert f'name="peer" value="{dana.scholar.pk}"' in prompt
    assert '<span class="visually-hidden">Dana Ruiz </span>to whom I asked</button>' in prompt


def test_without_a_resolution_it_asks_about_their_bottleneck_shortened(stuck):
    long = SIMILAR + " " + "And the scheduler keeps preempting the long jobs too. " * 4
    _solved(_peer(stuck, "Dana Ruiz"), bottleneck=long, resolution="")
    [suggestion] = peers.suggestions(stuck.agenda, viewer=stuck.scholar)
    assert suggestion.line.startswith("Ask Dana about “My reward model evaluation runs out")
    assert suggestion.line.endswith("…”")
    assert len(suggestion.line) <= len("Ask Dana about “”") + peers.ASK_ABOUT_CHARS


@pytest.mark.parametrize(
    "case",
    ["unshared", "unresolved", "draft", "other program", "unrelated", "peer left", "own"],
)
def test_it_never_suggests(stuck, case):
    dana = _peer(stuck, "Dana Ruiz")
    if case == "own":
        _solved(stuck.mentorship)
    elif case == "other program":
        _solved(_peer(stuck, "Sam Okoye", program=stuck.other_program))
    elif case == "unrelated":
        _solved(dana, bottleneck=UNRELATED)
    else:
        agenda = _solved(dana)
        if case == "unshared":
            Agenda.objects.filter(pk=agenda.pk).update(bottleneck_shared=False)
        elif case == "unresolved":
            Agenda.objects.filter(pk=agenda.pk).update(bottleneck_resolved_at=None)
        elif case == "draft":
            Agenda.objects.filter(pk=agenda.pk).update(status=Agenda.Status.DRAFT)
        elif case == "peer left":
            dana.active = False
            dana.save()
    assert _suggested(stuck) == []
    html = _agenda_page(stuck)
    assert "to whom I asked</button>" not in html and "got past something similar" not in html


def test_a_scholar_whose_own_pair_ended_is_suggested_no_one(stuck):
    _solved(_peer(stuck, "Dana Ruiz"))
    assert _suggested(stuck) == ["dana"]
    stuck.mentorship.active = False
    stuck.mentorship.save()
    assert _suggested(stuck) == []


def test_a_scholar_who_is_not_stuck_is_suggested_no_one(world):
    _solved(_peer(world, "Dana Ruiz"), bottleneck="SECRET-BOTTLENECK text")
    html = _agenda_page(world)
    assert "Ask Dana" not in html and "to whom I asked</button>" not in html


def test_at_most_three_best_first_and_one_per_peer(stuck):
    texts = {
        "Ana": "Evaluating the reward model still runs out of GPU memory on the cluster.",
        "Bea": SIMILAR,
        "Cy": "The reward model evaluation runs out of memory on our cluster.",
        "Dee": "Reward model runs out of GPU memory when evaluating.",
    }
    for name, text in texts.items():
        _solved(_peer(stuck, name), bottleneck=text)
    ana = Agenda.objects.get(meeting__mentorship__scholar__username="ana").meeting.mentorship
    _solved(ana, bottleneck=SIMILAR, days_ago=60)  # a second, weaker one of Ana's
    found = peers.suggestions(stuck.agenda, viewer=stuck.scholar)
    assert len(found) == 3
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    assert len({s.peer.pk for s in found}) == 3
    everyone = peers.suggestions(stuck.agenda, viewer=stuck.scholar, limit=10)
    assert [s.peer.username for s in everyone][:3] == [s.peer.username for s in found]
    assert [s.peer.username for s in everyone].count("ana") == 1


def test_the_scholar_sees_them_on_their_brief_and_the_mentor_never(stuck):
    _solved(_peer(stuck, "Dana Ruiz"), resolution="SENTINEL-HOW checkpointing")
    url = reverse("brief", args=[stuck.meeting.pk])
    mine = stuck.client_for(stuck.scholar).get(url).content.decode()
    assert "Ask Dana about “SENTINEL-HOW checkpointing”" in mine
    assert f'action="{reverse("help_add", args=[stuck.meeting.pk])}"' in mine
    theirs = stuck.client_for(stuck.mentor).get(url).content.decode()
    assert "Stuck for 3 meetings" in theirs
    assert "SENTINEL-HOW" not in theirs and "Dana Ruiz" not in theirs


def test_add_to_whom_i_asked_lists_the_peer_with_htmx_and_without(stuck):
    dana = _peer(stuck, "Dana Ruiz")
    _solved(dana)
    client = stuck.client_for(stuck.scholar)
    url = reverse("help_add", args=[stuck.meeting.pk])
    data = {"kind": "peer", "peer": dana.scholar.pk}
    answer = client.htmx.post(url, data).content.decode()
    entry = HelpAsked.objects.get(agenda=stuck.agenda)
    assert (entry.kind, entry.peer_id) == ("peer", dana.scholar.pk)
    assert "Dana Ruiz (peer)" in answer
    oob = answer[answer.index('id="peer-suggestions"') :]
    assert 'hx-swap-oob="outerHTML"' in oob[:80]
    assert "In whom I asked" in oob and "to whom I asked</button>" not in oob
    entry.delete()
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.endswith("#help-asked")
    assert HelpAsked.objects.get(agenda=stuck.agenda).peer_id == dana.scholar.pk


def test_autosave_refreshes_the_suggestions_with_the_bottleneck(stuck):
    _solved(_peer(stuck, "Dana Ruiz"))
    stuck.agenda.bottleneck = UNRELATED
    stuck.agenda.save()
    response = stuck.htmx_client_for(stuck.scholar).post(
        reverse("agenda_autosave", args=[stuck.meeting.pk]),
        {"version": stuck.agenda.version, "bottleneck": STUCK},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="stuck-prompt"' in html and "Ask Dana about “Gradient checkpointing”" in html


UNSHARED = "UNSHARED-SENTINEL reward model evaluation runs out of GPU memory on the cluster"
UNSHARED_HOW = "UNSHARED-HOW gradient checkpointing"


def test_an_unshared_bottleneck_never_appears_for_anyone_but_the_pair(stuck):
    """The sentinel test: a resolved, similar bottleneck kept unshared is in no response to
    anyone but its own scholar and their mentor."""
    dana = _peer(stuck, "Dana Ruiz")
    agenda = _solved(dana, bottleneck=UNSHARED, resolution=UNSHARED_HOW)
    Agenda.objects.filter(pk=agenda.pk).update(bottleneck_shared=False)
    # the same pair's shared, resolved bottleneck is still suggested (not a sentinel)
    _solved(dana, days_ago=40)
    scholar_pages = [
        reverse("agenda", args=[stuck.meeting.pk]),
        reverse("brief", args=[stuck.meeting.pk]),
        reverse("home"),
        reverse("peer_board", args=[stuck.program.slug]),
    ]
    for user in (stuck.scholar, stuck.other_scholar, stuck.mentor, stuck.staff, stuck.outsider):
        client = stuck.client_for(user)
        for url in [*scholar_pages, reverse("history", args=[stuck.scholar.pk])]:
            html = client.get(url).content.decode()
            assert "UNSHARED" not in html, (user.username, url)
    autosave = stuck.htmx_client_for(stuck.scholar).post(
        reverse("agenda_autosave", args=[stuck.meeting.pk]),
        {"version": stuck.agenda.version, "bottleneck": STUCK + " Again."},
    )
    assert "Ask Dana about “Gradient checkpointing”" in autosave.content.decode()
    assert "UNSHARED" not in autosave.content.decode()
    pair_page = stuck.client_for(dana.scholar).get(reverse("history", args=[dana.scholar.pk]))
    assert "UNSHARED-SENTINEL" in pair_page.content.decode()  # the test can fail


@pytest.mark.parametrize("peers_count", [1, 10])
def test_the_agenda_page_and_prompt_take_the_same_queries_whatever_the_peers(
    stuck, django_assert_num_queries, peers_count
):
    for i in range(peers_count):
        _solved(_peer(stuck, f"Peer{i} Name"))
    client = stuck.client_for(stuck.scholar)
    url = reverse("agenda", args=[stuck.meeting.pk])
    client.get(url)  # warm up: the first visit may start or carry things forward
    with django_assert_num_queries(AGENDA_PAGE_QUERIES):
        html = client.get(url).content.decode()
    assert html.count("to whom I asked</button>") == min(peers_count, 3)
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        client.htmx.post(
            reverse("agenda_autosave", args=[stuck.meeting.pk]),
            {"version": Agenda.objects.get(pk=stuck.agenda.pk).version, "bottleneck": SIMILAR},
        )


# Measured, the same at 1 and 10 candidate peers: the suggestions are one query of them all.
AGENDA_PAGE_QUERIES = 21
# A submitted agenda: revision, mentor notice, and its stored stuck streak written again (the
# pair's lock, its agendas read, the changed ones updated).
AUTOSAVE_QUERIES = 21


def test_the_demo_has_a_stuck_scholar_who_is_suggested_a_peer(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    tom = User.objects.get(username="scholar3")
    meeting = Meeting.objects.get(mentorship__scholar=tom, status=Meeting.Status.PLANNED)
    client = Client()
    client.force_login(tom)
    html = client.get(reverse("agenda", args=[meeting.pk])).content.decode()
    assert "You named a similar bottleneck on" in html
    assert "Ask Grace about “Fixed the data order and averaged the probe over seeds”" in html
    client.force_login(User.objects.get(username="scholar1"))
    home = client.get(reverse("home")).content.decode()
    assert "Tom Becker</strong> listed you as someone they asked" in home
    assert "reading group" not in home
