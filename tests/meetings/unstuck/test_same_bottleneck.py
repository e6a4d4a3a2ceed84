"""The scholar's "still the same bottleneck as last meeting": a ticked agenda continues the stuck
streak from the one before, whatever the words, on the agenda, the brief, the history and the
staff's flag; the box is offered only after a submitted agenda, autosaves and is labelled in the
Changes."""

from datetime import timedelta

import pytest
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.agendas.revisions import rows_for
from meetings.models import Agenda, Meeting
from meetings.unstuck import streaks as stuck
from meetings.unstuck.streaks import recompute_pair
from tests.factories import AgendaFactory, MeetingFactory, QuestionFactory, past_agenda
from tests.meetings.briefs.test_query_counts import MENTOR_QUERIES, SCHOLAR_QUERIES

# Two wordings the detector does not link (no word in common that counts).
BEFORE = "SENTINEL-EARLIER my sparse-autoencoder features look dead on layer twelve"
NOW = "SENTINEL-NOW the SAE dictionary learns nothing useful past the middle of the network"
SIMILAR_BEFORE = "Evaluating the reward model fails on the cluster: jobs run out of memory."
SIMILAR_NOW = "The reward model evaluation keeps running out of memory on the cluster."


def _now(world, ticked: bool, text: str = NOW, before: str = BEFORE) -> Agenda:
    """The world's submitted agenda, after a held meeting a week ago (bottleneck `before`)."""
    past_agenda(world.mentorship, 7, before)
    Agenda.objects.filter(pk=world.agenda.pk).update(
        bottleneck=text, bottleneck_same_as_last=ticked
    )
    recompute_pair(world.mentorship.pk)
    return Agenda.objects.get(pk=world.agenda.pk)


def _on(when) -> str:
    return date(timezone.localtime(when), "j M")


def test_it_has_two_wordings_the_detector_does_not_link(world):
    assert not stuck.stuck_streak(_now(world, ticked=False))


# --- The streak ------------------------------------------------------------------------------


def test_it_counts_a_ticked_agenda_as_stuck_whatever_the_words(world):
    streak = stuck.stuck_streak(_now(world, ticked=True))
    assert streak.is_stuck and streak.meetings == 2
    assert [a.bottleneck for a in streak.earlier] == [BEFORE]


def test_it_continues_the_earlier_agendas_own_streak(world):
    past_agenda(world.mentorship, 14, SIMILAR_BEFORE)
    past_agenda(world.mentorship, 7, SIMILAR_NOW)
    Agenda.objects.filter(pk=world.agenda.pk).update(bottleneck=NOW, bottleneck_same_as_last=True)
    recompute_pair(world.mentorship.pk)
    assert stuck.stuck_streak(Agenda.objects.get(pk=world.agenda.pk)).meetings == 3
    # Without the tick, the new wording starts afresh.
    Agenda.objects.filter(pk=world.agenda.pk).update(bottleneck_same_as_last=False)
    recompute_pair(world.mentorship.pk)
    assert not stuck.stuck_streak(Agenda.objects.get(pk=world.agenda.pk))


def test_an_earlier_ticked_agenda_links_the_one_before_it_in_every_function(world):
    first = past_agenda(world.mentorship, 14, BEFORE)
    second = past_agenda(world.mentorship, 7, NOW, bottleneck_same_as_last=True)
    Agenda.objects.filter(pk=world.agenda.pk).update(
        bottleneck=NOW + " again", bottleneck_same_as_last=False
    )
    recompute_pair(world.mentorship.pk)
    current = Agenda.objects.get(pk=world.agenda.pk)
    assert [a.pk for a in stuck.stuck_streak(current).earlier] == [first.pk, second.pk]
    pairs = [world.mentorship.pk]
    assert stuck.current_streaks(pairs)[world.mentorship.pk].meetings == 3
    assert stuck.streaks_by_agenda(pairs)[second.pk].meetings == 2
    lines = stuck.timeline(pairs, Agenda.objects.all())
    assert [line.in_stretch for line in lines] == [True, True, True]


def test_the_bulk_functions_still_take_one_query(world, django_assert_num_queries):
    _now(world, ticked=True)
    pairs = [world.mentorship.pk]
    with django_assert_num_queries(1):
        assert stuck.current_streaks(pairs)[world.mentorship.pk].meetings == 2
    with django_assert_num_queries(1):
        assert stuck.streaks_by_agenda(pairs)[world.agenda.pk].meetings == 2
    with django_assert_num_queries(1):
        assert stuck.stuck_mentorship_ids(pairs) == {world.mentorship.pk}


# --- Where it shows --------------------------------------------------------------------------


def test_the_brief_says_stuck_for_two_meetings_and_that_the_scholar_said_so(world):
    _now(world, ticked=True)
    url = reverse("brief", args=[world.meeting.pk])
    mentor_html = world.client_for(world.mentor).get(url).content.decode()
    assert "Stuck for 2 meetings" in mentor_html
    assert "The scholar says this is the same bottleneck as last time." in mentor_html
    scholar_html = world.client_for(world.scholar).get(url).content.decode()
    assert "Stuck for 2 meetings" in scholar_html
    assert "You say this is the same bottleneck as last time." in scholar_html


def test_the_history_timeline_marks_the_stretch(world):
    _now(world, ticked=True)
    html = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    timeline = html.content.decode()[html.content.decode().index('id="bottleneck-timeline"') :]
    assert "Stuck for 2 meetings" in timeline
    assert timeline.count("in-stuck") == 2


def test_staff_and_the_manager_see_the_flag_never_the_text(world):
    _now(world, ticked=True)
    staff = world.client_for(world.staff)
    flagged = staff.get(reverse("cadence", args=[world.program.slug]) + "?flag=stuck")
    assert [r.mentorship.pk for r in flagged.context["rows"]] == [world.mentorship.pk]
    managed = world.client_for(world.manager).get(
        reverse("managed_scholars", args=[world.program.slug])
    )
    assert managed.context["stuck_count"] == 1
    for response in (flagged, managed):
        assert "SENTINEL" not in response.content.decode()


def test_unticked_different_words_are_not_stuck_anywhere(world):
    _now(world, ticked=False)
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    assert "Stuck for" not in brief.content.decode()
    assert "same bottleneck as last time" not in brief.content.decode()
    history = world.client_for(world.mentor).get(reverse("history", args=[world.scholar.pk]))
    assert "Stuck for" not in history.content.decode()
    flagged = world.client_for(world.staff).get(
        reverse("cadence", args=[world.program.slug]) + "?flag=stuck"
    )
    assert list(flagged.context["rows"]) == []
    assert stuck.stuck_mentorship_ids([world.mentorship.pk]) == set()


# --- The box on the agenda ---------------------------------------------------------------------


def test_the_box_is_not_offered_on_a_first_agenda(world):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    assert 'name="bottleneck_same_as_last"' not in html.content.decode()


def test_the_box_is_not_offered_after_a_draft_or_a_cancelled_meeting_only(world):
    AgendaFactory(
        meeting=MeetingFactory(
            mentorship=world.mentorship, scheduled_at=timezone.now() - timedelta(days=14)
        ),
        bottleneck="A draft never submitted",
    )
    cancelled = past_agenda(world.mentorship, 7, BEFORE)
    Meeting.objects.filter(pk=cancelled.meeting_id).update(status=Meeting.Status.CANCELLED)
    html = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    assert 'name="bottleneck_same_as_last"' not in html.content.decode()


def test_the_box_quotes_the_last_submitted_bottleneck_with_its_date(world):
    earlier = _now(world, ticked=False).meeting.mentorship.meetings.get(agenda__bottleneck=BEFORE)
    html = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    page = html.content.decode()
    assert 'name="bottleneck_same_as_last"' in page
    assert 'name="bottleneck_same_as_last_shown"' in page
    quote = f"({_on(earlier.scheduled_at)}: “SENTINEL-EARLIER my sparse-autoencoder features look dead on layer …”)"
    assert quote in page


def _autosave(world, agenda, **fields):
    data = {"version": agenda.version, **fields}
    return world.htmx_client_for(world.scholar).post(
        reverse("agenda_autosave", args=[agenda.meeting_id]), data
    )


def test_autosave_ticks_the_box_and_the_prompt_follows(world):
    agenda = _now(world, ticked=False)
    response = _autosave(
        world, agenda, bottleneck_same_as_last="on", bottleneck_same_as_last_shown="1"
    )
    assert response.status_code == 200
    assert Agenda.objects.get(pk=agenda.pk).bottleneck_same_as_last
    html = response.content.decode()
    assert 'id="stuck-prompt"' in html and 'hx-swap-oob="outerHTML"' in html
    assert "You say this is the same bottleneck as on" in html
    assert "whom did you ask?" in html


def test_autosave_unticks_the_box_only_when_the_page_showed_it(world):
    agenda = _now(world, ticked=True)
    # A post from a page without the box (its marker absent) leaves it as it is.
    _autosave(world, agenda, progress="Typed")
    agenda = Agenda.objects.get(pk=agenda.pk)
    assert agenda.bottleneck_same_as_last and agenda.progress == "Typed"
    response = _autosave(world, agenda, bottleneck_same_as_last_shown="1")
    assert response.status_code == 200
    assert not Agenda.objects.get(pk=agenda.pk).bottleneck_same_as_last
    assert "You named a similar" not in response.content.decode()


def test_a_stale_tick_is_refused_with_both_versions_named(world):
    agenda = _now(world, ticked=False)
    stale = agenda.version
    _autosave(world, agenda, progress="Typed elsewhere")
    agenda.version = stale
    response = _autosave(
        world, agenda, bottleneck_same_as_last="on", bottleneck_same_as_last_shown="1"
    )
    assert response.status_code == 409
    assert not Agenda.objects.get(pk=agenda.pk).bottleneck_same_as_last
    html = response.content.decode()
    assert "<dt>Still the same bottleneck as last meeting</dt>" in html
    assert '<span class="label">Saved version</span><div>not ticked</div>' in html
    assert '<span class="label">Your text</span><div>ticked</div>' in html


def test_the_changes_page_labels_the_box_as_on_the_form(world):
    agenda = _now(world, ticked=False)
    agendas.save_fields(agenda, {"bottleneck_same_as_last": True}, agenda.version, world.scholar)
    rows = [row for rev in agenda.revisions.all() for row in rows_for(rev, world.mentor)]
    (row,) = [r for r in rows if r["field"] == "bottleneck_same_as_last"]
    assert row["label"] == "Still the same bottleneck as last meeting"
    assert (row["kind"], row["before"], row["after"]) == ("choice", "not ticked", "ticked")
    html = world.client_for(world.mentor).get(reverse("agenda_revisions", args=[world.meeting.pk]))
    assert "<dt>Still the same bottleneck as last meeting</dt>" in html.content.decode()


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("earlier", [1, 4])
def test_the_brief_costs_the_same_ticked_as_stuck_by_the_words(
    world, earlier, django_assert_num_queries
):
    for days in range(earlier, 0, -1):
        past_agenda(world.mentorship, 7 * days + 7, SIMILAR_BEFORE)
    agenda = _now(world, ticked=False, text=SIMILAR_NOW, before=SIMILAR_BEFORE)
    url = reverse("brief", args=[world.meeting.pk])
    mentor, scholar = world.client_for(world.mentor), world.client_for(world.scholar)
    mentor.get(url)  # the first open records the read receipt
    for ticked, text in [(False, SIMILAR_NOW), (True, NOW)]:
        Agenda.objects.filter(pk=agenda.pk).update(bottleneck=text, bottleneck_same_as_last=ticked)
        recompute_pair(world.mentorship.pk)
        with django_assert_num_queries(MENTOR_QUERIES):
            assert "Stuck for" in mentor.get(url).content.decode()
        # A stuck scholar's brief also reads the peers who got past something similar.
        with django_assert_num_queries(SCHOLAR_QUERIES + 1):
            assert "Stuck for" in scholar.get(url).content.decode()


@pytest.mark.parametrize("earlier", [1, 4])
def test_the_agenda_page_costs_the_same_ticked_as_stuck_by_the_words(
    world, earlier, django_assert_num_queries
):
    """Stuck either way: the page reads the same (the streak, then the peers' suggestions)."""
    for days in range(earlier, 0, -1):
        past_agenda(world.mentorship, 7 * days + 7, SIMILAR_BEFORE)
    client = world.client_for(world.scholar)
    url = reverse("agenda", args=[world.meeting.pk])
    agenda = _now(world, ticked=False, text=SIMILAR_NOW, before=SIMILAR_BEFORE)
    QuestionFactory(agenda=agenda)
    client.get(url)  # warm up: the first visit may carry things forward
    with django_assert_num_queries(AGENDA_PAGE_QUERIES):
        assert "You named a similar bottleneck" in client.get(url).content.decode()
    Agenda.objects.filter(pk=agenda.pk).update(bottleneck=NOW, bottleneck_same_as_last=True)
    recompute_pair(world.mentorship.pk)
    with django_assert_num_queries(AGENDA_PAGE_QUERIES):
        assert "You say this is the same bottleneck" in client.get(url).content.decode()


# Measured at 1 and 4 earlier agendas. The box adds no query: the streak's one query of the
# earlier agendas also brings the agenda it quotes (tests/meetings/test_peer_suggestions.py
# counts the same page, unchanged).
AGENDA_PAGE_QUERIES = 21
