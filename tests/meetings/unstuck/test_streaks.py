"""The stuck detector over a sequence of agendas, and its prompt on the scholar's agenda page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Agenda, Meeting
from meetings.unstuck import streaks as stuck
from meetings.unstuck.similarity import similar
from tests.factories import (
    AgendaFactory,
    HelpAskedFactory,
    MeetingFactory,
    MentorshipFactory,
    QuestionFactory,
    past_agenda,
)
from tests.meetings.unstuck.bottlenecks import EVAL_1, EVAL_2, EVAL_3, OTHER


@pytest.fixture
def pair(db):
    return MentorshipFactory()


def upcoming(mentorship, bottleneck: str, tried: str = "") -> Agenda:
    meeting = MeetingFactory(mentorship=mentorship, scheduled_at=timezone.now() + timedelta(days=2))
    agenda = AgendaFactory(meeting=meeting, bottleneck=bottleneck, tried=tried)
    QuestionFactory(agenda=agenda)
    return agenda


def test_two_earlier_similar_bottlenecks_make_three_meetings_stuck(pair):
    first, second = past_agenda(pair, 14, EVAL_1), past_agenda(pair, 7, EVAL_2)
    streak = stuck.stuck_streak(upcoming(pair, EVAL_3))
    assert [a.pk for a in streak.earlier] == [first.pk, second.pk]
    assert streak.meetings == 3
    assert streak.is_stuck
    assert streak.asked_nobody == 3


def test_a_different_bottleneck_is_not_stuck(pair):
    past_agenda(pair, 14, EVAL_1), past_agenda(pair, 7, EVAL_2)
    streak = stuck.stuck_streak(upcoming(pair, OTHER))
    assert not streak
    assert streak.meetings == 0


def test_a_different_bottleneck_in_between_breaks_the_streak(pair):
    past_agenda(pair, 21, EVAL_1)
    past_agenda(pair, 14, OTHER)
    last = past_agenda(pair, 7, EVAL_2)
    streak = stuck.stuck_streak(upcoming(pair, EVAL_3))
    assert [a.pk for a in streak.earlier] == [last.pk]
    assert streak.meetings == 2


def test_a_long_run_counts_every_meeting_of_it(pair):
    """A new bottleneck is compared with the run's last LOOK_BACK only, but the run counts all:
    six meetings in a row are "stuck for 6", not capped at four."""
    for days in (35, 28, 21, 14, 7):
        past_agenda(pair, days, EVAL_1)
    assert stuck.stuck_streak(upcoming(pair, EVAL_2)).meetings == 6


def test_drafts_cancelled_meetings_and_other_pairs_do_not_count(pair):
    AgendaFactory(
        meeting=MeetingFactory(mentorship=pair, scheduled_at=timezone.now() - timedelta(days=14)),
        bottleneck=EVAL_1,
    )
    past_agenda(pair, 10, EVAL_1, status=Meeting.Status.CANCELLED)
    other_pair = MentorshipFactory(scholar=pair.scholar, program=pair.program)
    past_agenda(other_pair, 7, EVAL_2)
    assert not stuck.stuck_streak(upcoming(pair, EVAL_3))


def test_asked_nobody_counts_back_to_the_last_meeting_with_someone_asked(pair):
    first = past_agenda(pair, 14, EVAL_1)
    HelpAskedFactory(agenda=first, kind="forum", name="#help")
    past_agenda(pair, 7, EVAL_2)
    assert stuck.stuck_streak(upcoming(pair, EVAL_3)).asked_nobody == 2


def test_bulk_streaks_agree_with_the_single_one_in_one_query(pair, django_assert_num_queries):
    past_agenda(pair, 21, OTHER)
    past_agenda(pair, 14, EVAL_1)
    latest = past_agenda(pair, 7, EVAL_2)
    calm = MentorshipFactory(program=pair.program)
    past_agenda(calm, 7, EVAL_1)
    with django_assert_num_queries(1):
        current = stuck.current_streaks([pair.pk, calm.pk])
    assert current[pair.pk].meetings == 2 == stuck.stuck_streak(latest).meetings
    assert not current[calm.pk]
    with django_assert_num_queries(1):
        assert stuck.stuck_mentorship_ids([pair.pk, calm.pk]) == {pair.pk}
    with django_assert_num_queries(1):
        by_agenda = stuck.streaks_by_agenda([pair.pk])
    assert by_agenda[latest.pk].meetings == 2


# --- The prompt on the agenda page -----------------------------------------------------------


@pytest.fixture
def stuck_scholar(pair, client):
    past_agenda(pair, 14, EVAL_1)
    past_agenda(pair, 7, EVAL_2)
    agenda = upcoming(pair, EVAL_3)
    client.force_login(pair.scholar)
    return agenda


def test_the_agenda_page_names_the_earlier_dates(stuck_scholar, client):
    page = client.get(reverse("agenda", args=[stuck_scholar.meeting_id])).content.decode()
    dates = [(timezone.now() - timedelta(days=d)).strftime("%-d %b").lstrip("0") for d in (14, 7)]
    assert f"You named a similar bottleneck on {dates[0]} and {dates[1]}" in page
    assert "whom did you ask?" in page


def test_no_prompt_for_a_new_bottleneck(pair, client):
    past_agenda(pair, 7, EVAL_1)
    agenda = upcoming(pair, OTHER)
    client.force_login(pair.scholar)
    page = client.get(reverse("agenda", args=[agenda.meeting_id])).content.decode()
    assert "You named a similar bottleneck" not in page


def test_autosave_of_the_bottleneck_refreshes_the_prompt(pair, client):
    past_agenda(pair, 7, EVAL_1)
    agenda = upcoming(pair, OTHER)
    client.force_login(pair.scholar)
    url = reverse("agenda_autosave", args=[agenda.meeting_id])
    answer = client.htmx.post(
        url, {"bottleneck": EVAL_2, "version": agenda.version}
    ).content.decode()
    assert 'id="stuck-prompt"' in answer and 'hx-swap-oob="outerHTML"' in answer
    assert "You named a similar bottleneck" in answer
    answer = client.htmx.post(
        url, {"bottleneck": OTHER, "version": agenda.version + 1}
    ).content.decode()
    assert 'id="stuck-prompt"' in answer
    assert "You named a similar bottleneck" not in answer


def test_submit_asks_first_then_submits_anyway(stuck_scholar, client):
    url = reverse("agenda", args=[stuck_scholar.meeting_id])
    data = {
        "version": stuck_scholar.version,
        "bottleneck": EVAL_3,
        "tried": "",
        "progress": "",
        "reading": "",
        "asks": "",
        "wellbeing_visibility": "only_me",
        "action": "submit",
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Before you submit" in page.content.decode()
    assert 'value="submit_anyway"' in page.content.decode()
    stuck_scholar.refresh_from_db()
    assert stuck_scholar.status == Agenda.Status.DRAFT
    data.update(version=stuck_scholar.version, action="submit_anyway")
    assert client.post(url, data).status_code == 302
    stuck_scholar.refresh_from_db()
    assert stuck_scholar.status == Agenda.Status.SUBMITTED


def test_submit_goes_straight_through_once_tried_and_asked_are_filled(stuck_scholar, client):
    HelpAskedFactory(agenda=stuck_scholar, kind="mentor")
    url = reverse("agenda", args=[stuck_scholar.meeting_id])
    data = {
        "version": stuck_scholar.version,
        "bottleneck": EVAL_3,
        "tried": "Sharded the eval across two nodes.",
        "progress": "",
        "reading": "",
        "asks": "",
        "wellbeing_visibility": "only_me",
        "action": "submit",
    }
    assert client.post(url, data).status_code == 302
    stuck_scholar.refresh_from_db()
    assert stuck_scholar.status == Agenda.Status.SUBMITTED


# --- One run, no drift: the demo's defect -------------------------------------------------------

TOPIC = "sparse autoencoder features for factual recall"
SEEDS = f"My {TOPIC} results don't replicate across seeds; I need to know whether to debug further or change the setup."
COMPUTE = f"Compute: the {TOPIC} sweep needs ~3× my budget. Should I shrink the model or the grid?"
FRAMING = f"I'm stuck choosing between two framings for the {TOPIC} write-up."


def test_a_topic_written_into_every_bottleneck_does_not_join_other_problems(pair):
    """The demo's scholar1: the history bracketed seven meetings (seeds, compute, framing) as
    one stretch while the badge said 4. The topic's words are the scholar's usual words once
    their earlier bottlenecks show it; only the three framings in a row are a stretch."""
    texts = [SEEDS, COMPUTE, SEEDS, FRAMING, FRAMING, FRAMING, COMPUTE]
    for days, text in zip(range(7 * len(texts), 0, -7), texts, strict=True):
        past_agenda(pair, days, text)
    lines = stuck.timeline([pair.pk], Agenda.objects.all())[::-1]  # oldest first
    assert [line.streak.meetings for line in lines] == [0, 0, 0, 0, 2, 3, 0]
    assert [line.in_stretch for line in lines] == [False] * 3 + [True] * 3 + [False]
    assert [line.stretch_end for line in lines] == [False] * 5 + [True, False]


def test_a_run_does_not_drift_through_a_middle_bottleneck(pair):
    """Each new bottleneck must be like every one of the run's latest, not just the last: jobs
    dying after a driver update is like the third wording (the cluster, jobs dying) but not like
    the reward model's evaluation of the first two."""
    past_agenda(pair, 21, EVAL_1)
    past_agenda(pair, 14, EVAL_2)
    past_agenda(pair, 7, EVAL_3)
    assert stuck.current_streaks([pair.pk])[pair.pk].meetings == 3
    drifted = "Jobs die out of memory on the cluster since the driver update."
    assert similar(drifted, EVAL_3) and not similar(drifted, EVAL_2)
    assert stuck.stuck_streak(upcoming(pair, drifted)).meetings == 0


def test_a_tick_joins_the_last_meeting_not_a_run_it_did_not_continue(pair):
    """Ticked "same as last" joins the meeting right before; it does not bridge back over that
    meeting to an earlier run because the ticked words happen to be like it."""
    past_agenda(pair, 14, EVAL_1)
    past_agenda(pair, 7, OTHER)  # a new problem: the evaluation's run ended
    agenda = upcoming(pair, EVAL_2)  # like the evaluation, ticked "same as" the venue
    Agenda.objects.filter(pk=agenda.pk).update(bottleneck_same_as_last=True)
    agenda.refresh_from_db()
    streak = stuck.stuck_streak(agenda)
    assert streak.meetings == 2
    assert [a.bottleneck for a in streak.earlier] == [OTHER]


def test_a_long_run_lists_its_latest_bottlenecks_and_counts_the_rest(pair, client):
    """Stuck for seven meetings: the agenda page's prompt and the brief name the latest
    SHOWN_EARLIER earlier bottlenecks, count the others since the run began, and the brief links
    to the history that has them all."""
    texts = [f"{EVAL_1} (week {n})" for n in range(6)]
    for days, text in zip((42, 35, 28, 21, 14, 7), texts, strict=True):
        past_agenda(pair, days, text)
    agenda = upcoming(pair, EVAL_2)
    streak = stuck.stuck_streak(agenda)
    assert streak.meetings == 7 and len(streak.earlier) == 6
    assert [a.bottleneck for a in streak.shown_earlier] == texts[-stuck.SHOWN_EARLIER :]
    assert streak.not_shown == 6 - stuck.SHOWN_EARLIER

    client.force_login(pair.scholar)
    page = client.get(reverse("agenda", args=[agenda.meeting_id])).content.decode()
    first = timezone.localtime(streak.first.scheduled_at)
    assert f"each of your last 6 meetings since {first.day} {first:%b %Y}, most recently" in page
    for text in texts[:3]:
        assert text not in page
    for text in texts[3:]:
        assert text in page

    agenda.status = Agenda.Status.SUBMITTED
    agenda.save()
    stuck.recompute_pair(pair.pk)
    brief = client.get(reverse("brief", args=[agenda.meeting_id])).content.decode()
    assert "Stuck for 7 meetings" in brief
    assert f"3 earlier meetings since {first.day} {first:%b %Y}" in brief
    assert f'href="{reverse("history", args=[pair.scholar_id])}">history</a>' in brief
    assert [text in brief for text in texts] == [False] * 3 + [True] * 3
