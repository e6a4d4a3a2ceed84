"""The scholar's drafting experience: autosave, ranking, brevity, carry-forward, rules."""

import re
from datetime import timedelta

import pytest
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone

from meetings.agendas import domain as agendas
from meetings.models import ONE_PAGE_WORDS, ActionItem, Agenda, Question
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    MeetingFactory,
    QuestionFactory,
)

ROLES_REFUSED = ["mentor", "other_scholar", "other_mentor", "staff", "outsider", "manager"]


def _fields(agenda: Agenda, **changes) -> dict:
    data = {name: getattr(agenda, name) for name in Agenda.SECTION_NAMES}
    data |= {
        "wellbeing_energy": agenda.wellbeing_energy or "",
        "wellbeing_note": agenda.wellbeing_note,
        "wellbeing_visibility": agenda.wellbeing_visibility,
        "version": agenda.version,
    }
    return data | changes


@pytest.fixture
def draft(world):
    """A draft agenda for a second planned meeting of the world's scholar."""
    meeting = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=timezone.now() + timedelta(days=9)
    )
    return AgendaFactory(meeting=meeting)


def _autosave(client, agenda, **changes):
    url = reverse("agenda_autosave", args=[agenda.meeting_id])
    return client.htmx.post(url, _fields(agenda, **changes))


# --- Autosave ------------------------------------------------------------------------------------


def test_it_autosaves_the_changed_fields_and_hands_back_the_new_version(world, draft):
    client = world.client_for(world.scholar)
    response = _autosave(client, draft, bottleneck="New bottleneck")
    assert response.status_code == 200
    stored = Agenda.objects.get(pk=draft.pk)
    assert stored.bottleneck == "New bottleneck"
    assert stored.version == draft.version + 1
    html = response.content.decode()
    assert "Saved " in html
    assert f'name="version" value="{stored.version}" id="id_version"' in html
    assert 'hx-swap-oob="true"' in html
    assert response["Cache-Control"] == "no-store"


def test_it_refuses_a_stale_autosave_and_shows_both_versions(world, draft):
    client = world.client_for(world.scholar)
    assert _autosave(client, draft, bottleneck="From tab one").status_code == 200
    response = _autosave(client, draft, bottleneck="From tab two")  # still the old version
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved" in html and "another tab" in html
    assert "From tab one" in html and "From tab two" in html
    assert 'id="id_version"' not in html  # the page keeps its old version: no silent overwrite
    assert Agenda.objects.get(pk=draft.pk).bottleneck == "From tab one"


def test_it_accepts_a_stale_autosave_that_changes_nothing(world, draft):
    client = world.client_for(world.scholar)
    _autosave(client, draft, bottleneck="Same text")
    stored = Agenda.objects.get(pk=draft.pk)
    response = _autosave(client, draft, bottleneck="Same text")
    assert response.status_code == 200
    assert f'value="{stored.version}"' in response.content.decode()
    assert Agenda.objects.get(pk=draft.pk).version == stored.version


def test_it_answers_401_to_a_logged_out_autosave_and_redirects_a_plain_post(world, draft):
    url = reverse("agenda_autosave", args=[draft.meeting_id])
    client = world.client_for(None)
    response = client.htmx.post(url, _fields(draft, bottleneck="x"))
    assert response.status_code == 401
    assert client.post(url, _fields(draft)).status_code == 302
    assert Agenda.objects.get(pk=draft.pk).bottleneck == draft.bottleneck


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_it_lets_only_the_scholar_autosave(world, draft, role):
    response = _autosave(world.client_for(getattr(world, role)), draft, bottleneck="Hijack")
    assert response.status_code == 404
    assert Agenda.objects.get(pk=draft.pk).bottleneck != "Hijack"


def test_it_only_accepts_posts_for_autosave(world, draft):
    url = reverse("agenda_autosave", args=[draft.meeting_id])
    assert world.client_for(world.scholar).get(url).status_code == 405


def test_it_refuses_to_autosave_once_the_meeting_was_held(world, draft):
    draft.meeting.mark_held()
    response = _autosave(world.client_for(world.scholar), draft, bottleneck="Too late")
    assert response.status_code == 423
    assert "read-only" in response.content.decode()
    assert Agenda.objects.get(pk=draft.pk).bottleneck != "Too late"


def test_it_refuses_text_that_is_too_long_with_a_message(world, draft):
    response = _autosave(world.client_for(world.scholar), draft, bottleneck="x" * 1001)
    assert response.status_code == 422
    assert "Not saved" in response.content.decode()


def test_it_autosaves_a_submitted_brief_as_updated_but_never_empties_its_bottleneck(world):
    client = world.client_for(world.scholar)
    agenda = world.agenda
    response = _autosave(client, agenda, bottleneck="")
    assert response.status_code == 422
    assert "it keeps a main bottleneck" in response.content.decode()
    assert Agenda.objects.get(pk=agenda.pk).bottleneck == agenda.bottleneck
    assert _autosave(client, agenda, bottleneck="Sharper bottleneck").status_code == 200
    stored = Agenda.objects.get(pk=agenda.pk)
    assert stored.bottleneck == "Sharper bottleneck" and stored.is_updated


def test_it_shows_both_versions_on_a_stale_full_save_and_lets_the_next_save_win(world, draft):
    client = world.client_for(world.scholar)
    url = reverse("agenda", args=[draft.meeting_id])
    _autosave(client, draft, asks="Saved elsewhere")
    response = client.post(url, _fields(draft, asks="Mine", action="save"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Saved elsewhere" in html and "Mine" in html and "data-unsaved" in html
    newer = Agenda.objects.get(pk=draft.pk).version
    assert re.search(rf'name="version" value="{newer}"', html)
    # Saving again after seeing both versions replaces the newer one on purpose.
    assert client.post(url, _fields(draft, asks="Mine", version=newer)).status_code == 302
    assert Agenda.objects.get(pk=draft.pk).asks == "Mine"


# --- Ranked questions ----------------------------------------------------------------------------


def test_it_saves_the_dragged_order_and_ignores_other_agendas_questions(world, draft):
    a, b, c = (QuestionFactory(agenda=draft, rank=i) for i in (1, 2, 3))
    foreign = world.agenda.questions.get()
    url = reverse("question_reorder", args=[draft.meeting_id])
    response = world.htmx_client_for(world.scholar).post(
        url, {"order": [c.pk, foreign.pk, a.pk, b.pk]}
    )
    assert response.status_code == 200
    assert "New order saved." in response.content.decode()
    assert list(draft.questions.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    foreign.refresh_from_db()
    assert foreign.rank == 1


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_it_lets_only_the_scholar_reorder(world, draft, role):
    a, b = QuestionFactory(agenda=draft, rank=1), QuestionFactory(agenda=draft, rank=2)
    url = reverse("question_reorder", args=[draft.meeting_id])
    response = world.client_for(getattr(world, role)).post(url, {"order": [b.pk, a.pk]})
    assert response.status_code == 404
    assert list(draft.questions.values_list("pk", flat=True)) == [a.pk, b.pk]


def test_it_answers_401_to_a_logged_out_htmx_question_change(world, draft):
    url = reverse("question_add", args=[draft.meeting_id])
    assert world.htmx_client_for(None).post(url, {"text": "Q?"}).status_code == 401
    assert world.client_for(None).post(url, {"text": "Q?"}).status_code == 302


def test_it_announces_the_new_position_after_a_keyboard_move(world, draft):
    a, b = QuestionFactory(agenda=draft, rank=1), QuestionFactory(agenda=draft, rank=2)
    response = world.htmx_client_for(world.scholar).post(
        reverse("question_move", args=[a.pk]), {"direction": "down"}
    )
    assert 'data-announce="Moved to position 2 of 2."' in response.content.decode()
    assert list(draft.questions.values_list("pk", flat=True)) == [b.pk, a.pk]


def test_it_adds_a_question_before_those_marked_done(world, draft):
    done = QuestionFactory(agenda=draft, rank=1, status=Question.Status.RESOLVED)
    world.htmx_client_for(world.scholar).post(
        reverse("question_add", args=[draft.meeting_id]), {"text": "New one?"}
    )
    assert list(draft.questions.values_list("text", flat=True)) == ["New one?", done.text]


def test_it_moves_a_question_past_its_visible_neighbour_only(world, draft):
    a = QuestionFactory(agenda=draft, rank=1)
    dropped = QuestionFactory(agenda=draft, rank=2, status=Question.Status.DROPPED)
    new = QuestionFactory(agenda=draft, rank=3)
    world.htmx_client_for(world.scholar).post(
        reverse("question_move", args=[new.pk]), {"direction": "up"}
    )
    assert list(draft.questions.values_list("pk", flat=True)) == [new.pk, a.pk, dropped.pk]


# --- Carry-forward -------------------------------------------------------------------------------


@pytest.fixture
def carried(world):
    """The world's meeting was held; the next one's agenda carries what was left open."""
    world.meeting.scheduled_at = timezone.now() - timedelta(days=3)
    world.meeting.save()
    world.meeting.mark_held()
    QuestionFactory(agenda=world.agenda, text="Discussed, not settled?", rank=2, status="discussed")
    QuestionFactory(agenda=world.agenda, text="Answered?", rank=3, status="answered")
    nxt = MeetingFactory(mentorship=world.mentorship)
    return agendas.start(nxt)


def test_it_carries_the_open_questions_of_the_last_meeting(carried):
    texts = list(carried.questions.values_list("text", flat=True))
    assert texts == ["SECRET-QUESTION one?", "Discussed, not settled?"]
    assert all(q.carried_from_id for q in carried.questions.all())


def test_it_carries_each_question_once_even_after_it_was_dropped(world, carried):
    first = carried.questions.first()
    agendas.set_question_state(first, Question.Status.DROPPED)
    assert agendas.carry_forward(carried) == 0
    QuestionFactory(agenda=world.agenda, text="Reopened later?", rank=9)
    assert agendas.carry_forward(carried) == 1
    assert carried.questions.count() == 3
    assert carried.questions.last().text == "Reopened later?"


def test_it_carries_nothing_from_a_meeting_that_has_not_happened_yet(world):
    later = MeetingFactory(
        mentorship=world.mentorship, scheduled_at=world.meeting.scheduled_at + timedelta(days=7)
    )
    assert agendas.start(later).questions.count() == 0


def test_it_lets_the_scholar_mark_a_carried_question_done_drop_it_or_keep_it(world, carried):
    client = world.client_for(world.scholar)
    top, second = carried.questions.all()
    url = reverse("question_state", args=[top.pk])
    response = client.htmx.post(url, {"state": "resolved"})
    assert response.status_code == 200
    top.refresh_from_db()
    assert top.status == Question.Status.RESOLVED
    assert list(carried.questions.values_list("pk", flat=True)) == [second.pk, top.pk]
    assert "Done or dropped (1)" in response.content.decode()
    client.htmx.post(url, {"state": "open"})
    top.refresh_from_db()
    assert top.status == Question.Status.OPEN
    assert client.post(url, {"state": "answered"}).status_code == 400


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_it_lets_only_the_scholar_change_a_questions_state(world, carried, role):
    question = carried.questions.first()
    url = reverse("question_state", args=[question.pk])
    assert world.client_for(getattr(world, role)).post(url, {"state": "dropped"}).status_code == 404
    question.refresh_from_db()
    assert question.status == Question.Status.OPEN


def test_it_drops_a_carried_question_instead_of_deleting_it(world, carried):
    question = carried.questions.first()
    world.client_for(world.scholar).post(reverse("question_delete", args=[question.pk]))
    question.refresh_from_db()
    assert question.status == Question.Status.DROPPED


def test_it_shows_dropped_questions_neither_in_history_nor_on_the_brief(world, carried):
    question = carried.questions.first()
    agendas.set_question_state(question, Question.Status.DROPPED)
    client = world.client_for(world.scholar)
    carried.bottleneck = "A new bottleneck"
    carried.save(update_fields=["bottleneck"])
    agendas.submit(carried)
    brief = client.get(reverse("brief", args=[carried.meeting_id])).content.decode()
    history = client.get(reverse("history", args=[world.scholar.pk])).content.decode()
    assert brief.count("SECRET-QUESTION one?") == 0
    assert history.count("SECRET-QUESTION one?") == 1  # last meeting's, not the dropped copy
    assert ">Dropped<" not in history


def test_it_lists_the_action_items_and_lets_the_scholar_finish_their_own(world, carried):
    mine = ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting, text="Rerun it")
    theirs = ActionItemFactory(
        mentorship=world.mentorship,
        meeting=world.meeting,
        text="Find a contact",
        owner=ActionItem.Owner.MENTOR,
    )
    client = world.client_for(world.scholar)
    page = client.get(reverse("agenda", args=[carried.meeting_id])).content.decode()
    assert "Rerun it" in page and "Find a contact" in page
    assert "Mark done: Rerun it" in page and "Mark done: Find a contact" not in page
    url = reverse("agenda_item_done", args=[carried.meeting_id, mine.pk])
    response = client.htmx.post(url, {"done": "1"})
    assert response.status_code == 200
    assert "Mark not done: Rerun it" in response.content.decode()
    mine.refresh_from_db()
    assert mine.done
    other = reverse("agenda_item_done", args=[carried.meeting_id, theirs.pk])
    assert client.post(other, {"done": "1"}).status_code == 404


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_it_lets_only_the_scholar_tick_items_from_the_agenda(world, carried, role):
    item = ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting)
    url = reverse("agenda_item_done", args=[carried.meeting_id, item.pk])
    assert world.client_for(getattr(world, role)).post(url, {"done": "1"}).status_code == 404
    item.refresh_from_db()
    assert not item.done


def test_it_refuses_to_tick_an_item_once_the_agendas_meeting_is_no_longer_planned(world, carried):
    item = ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting, text="Rerun it")
    carried.meeting.mark_held()
    client = world.client_for(world.scholar)
    url = reverse("agenda_item_done", args=[carried.meeting_id, item.pk])
    response = client.htmx.post(url, {"done": "1"})
    assert response.status_code == 409 and response["HX-Refresh"] == "true"
    response = client.post(url, {"done": "1"})
    assert response.url == reverse("brief", args=[carried.meeting_id])
    page = client.get(response.url).content.decode()
    assert "This meeting is no longer planned." in page
    item.refresh_from_db()
    assert not item.done


# --- Brevity -------------------------------------------------------------------------------------


def test_it_counts_words_of_the_brief_without_dropped_questions(draft):
    draft.bottleneck, draft.tried, draft.progress, draft.reading, draft.asks = "a b", "", "", "", ""
    draft.save()
    QuestionFactory(agenda=draft, text="one two three")
    QuestionFactory(agenda=draft, text="not counted", status=Question.Status.DROPPED)
    assert draft.word_count() == 5


def test_it_warns_over_one_page_and_still_lets_the_scholar_submit(world, draft):
    draft.progress = "word " * ONE_PAGE_WORDS
    draft.save()
    QuestionFactory(agenda=draft)
    client = world.client_for(world.scholar)
    page = client.get(reverse("agenda", args=[draft.meeting_id])).content.decode()
    assert "Over one page." in page
    assert f'data-limit="{ONE_PAGE_WORDS}"' in page
    response = client.post(
        reverse("agenda", args=[draft.meeting_id]), _fields(draft, action="submit")
    )
    assert response.status_code == 302
    brief = world.client_for(world.mentor).get(reverse("brief", args=[draft.meeting_id]))
    assert "Over one page" in brief.content.decode()


def test_it_shows_live_word_counts_for_each_section(world, draft):
    page = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id]))
    html = page.content.decode()
    for name in Agenda.SECTION_NAMES:
        assert f'data-words-for="id_{name}"' in html
    assert 'data-words-for="id_wellbeing_note"' not in html


# --- Prompts that teach --------------------------------------------------------------------------


def test_it_stops_a_submit_without_bottleneck_or_question_with_messages_beside_the_fields(
    world, draft
):
    draft.bottleneck = ""
    draft.save()
    response = world.client_for(world.scholar).post(
        reverse("agenda", args=[draft.meeting_id]), _fields(draft, action="submit")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Agenda.objects.get(pk=draft.pk).is_submitted
    assert re.search(r'id="id_bottleneck_error"[^>]*>Name your one main bottleneck', html)
    assert 'aria-describedby="id_bottleneck_helptext id_bottleneck_error"' in html
    assert re.search(r'id="questions-error"[^>]*>Add at least one question', html)


def test_it_reminds_the_scholar_of_last_times_bottleneck(world, carried):
    page = world.client_for(world.scholar).get(reverse("agenda", args=[carried.meeting_id]))
    # Beside the box "still the same bottleneck as last meeting", with its date.
    html = page.content.decode()
    assert "Still the same bottleneck as last meeting" in html
    on = date(timezone.localtime(world.meeting.scheduled_at), "j M")
    assert f"({on}: “SECRET-BOTTLENECK text”)" in html


def test_it_asks_what_was_tried_when_the_bottleneck_is_the_same_as_last_time(world, carried):
    carried.bottleneck = world.agenda.bottleneck
    carried.tried = ""
    carried.save()
    response = world.client_for(world.scholar).post(
        reverse("agenda", args=[carried.meeting_id]), _fields(carried, action="submit")
    )
    html = response.content.decode()
    assert re.search(r'id="id_tried_error"[^>]*>Your bottleneck is the same as last time', html)
    assert not Agenda.objects.get(pk=carried.pk).is_submitted


def test_it_does_not_count_questions_marked_done_or_dropped_before_submitting(world, carried):
    for question in carried.questions.all():
        agendas.set_question_state(question, Question.Status.RESOLVED)
    assert "questions" in carried.submission_errors()
    agendas.set_question_state(carried.questions.first(), Question.Status.OPEN)
    assert "questions" not in carried.submission_errors()


def test_it_shows_a_hint_under_every_section(world, draft):
    html = world.client_for(world.scholar).get(reverse("agenda", args=[draft.meeting_id]))
    for _name, _heading, hint in Agenda.SECTIONS:
        assert hint in html.content.decode()


# --- Preview -------------------------------------------------------------------------------------


def _sections(html: str) -> list[str]:
    """The agenda's own sections of a brief, without any form or control."""
    parts = []
    for name in [
        "bottleneck",
        "questions",
        *[n for n in Agenda.SECTION_NAMES if n != "bottleneck"],
    ]:
        match = re.search(
            rf'<section class="brief-section[^"]*" id="{name}">(.*?)</section>', html, re.S
        )
        body = re.sub(r"<(form|details)\b.*?</\1>", "", match.group(1), flags=re.S)
        parts.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())
    return parts


def test_it_previews_the_brief_as_the_mentor_will_see_it(world, draft):
    QuestionFactory(agenda=draft, text="First **question**?", rank=1)
    QuestionFactory(agenda=draft, text="Dropped one?", rank=2, status=Question.Status.DROPPED)
    url = reverse("brief", args=[draft.meeting_id])
    preview = world.client_for(world.scholar).get(url).content.decode()
    before = world.client_for(world.mentor).get(url).content.decode()
    assert "First **question**?" not in before and "has not submitted" in before  # private
    agendas.submit(draft)
    mentor_view = world.client_for(world.mentor).get(url).content.decode()
    assert _sections(preview) == _sections(mentor_view)
    assert "First **question**?" in _sections(preview)[1]
    assert "Dropped one?" not in preview


def test_it_keeps_a_private_check_in_out_of_the_mentors_brief(world):
    world.agenda.wellbeing_energy = 2
    world.agenda.wellbeing_note = "PRIVATE-NOTE"
    world.agenda.save()
    url = reverse("brief", args=[world.meeting.pk])
    assert "PRIVATE-NOTE" in world.client_for(world.scholar).get(url).content.decode()
    assert "PRIVATE-NOTE" not in world.client_for(world.mentor).get(url).content.decode()


def test_it_renders_the_agenda_page_in_few_queries(world, carried, django_assert_max_num_queries):
    for i in range(5):
        ActionItemFactory(mentorship=world.mentorship, meeting=world.meeting, text=f"Item {i}")
    client = world.client_for(world.scholar)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("agenda", args=[carried.meeting_id])).status_code == 200
