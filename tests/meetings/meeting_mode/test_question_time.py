"""The agenda's time budget: minutes per question, and moving questions to "answer in writing"
(one at a time, or the budget's suggestion in one click)."""

from __future__ import annotations

from django.urls import reverse

from meetings.models import Meeting, Question
from tests.factories import QuestionFactory


def _questions(world):
    world.meeting.duration_minutes = 20
    world.meeting.save()
    first = world.agenda.questions.get()
    first.estimate_minutes = 10
    first.save()
    second = QuestionFactory(agenda=world.agenda, text="Second?", rank=2, estimate_minutes=6)
    third = QuestionFactory(agenda=world.agenda, text="LOW-RANKED third?", rank=3)
    return first, second, third


def test_the_agenda_shows_the_total_against_the_meetings_length(world):
    _questions(world)
    page = world.client_for(world.scholar).get(reverse("agenda", args=[world.meeting.pk]))
    html = page.content.decode()
    assert "21 of 20 min" in html and "1 min over" in html
    assert 'placeholder="5"' in html  # the default, shown where no minutes are set
    assert "Move 1 to “answer in writing”" in html


def test_the_scholar_sets_minutes_and_the_budget_follows(world):
    first, second, third = _questions(world)
    client = world.client_for(world.scholar)
    url = reverse("question_estimate", args=[third.pk])
    response = client.htmx.post(url, {"minutes": "2"})
    assert response.status_code == 200 and "18 of 20 min" in response.content.decode()
    third.refresh_from_db()
    assert third.estimate_minutes == 2
    client.htmx.post(url, {"minutes": ""})
    third.refresh_from_db()
    assert third.estimate_minutes is None


def test_it_refuses_minutes_out_of_range_and_keeps_the_old_value(world):
    first, _, _ = _questions(world)
    client = world.client_for(world.scholar)
    url = reverse("question_estimate", args=[first.pk])
    for bad in ("0", "61", "ten", "-3"):
        response = client.htmx.post(url, {"minutes": bad})
        assert response.status_code == 200
        assert "whole number from 1 to 60" in response.content.decode()
    first.refresh_from_db()
    assert first.estimate_minutes == 10
    response = client.post(url, {"minutes": "99"}, follow=True)
    assert "whole number from 1 to 60" in response.content.decode()


def test_one_click_moves_the_suggestion_to_writing_and_the_brief_lists_them_apart(world):
    _, _, third = _questions(world)
    client = world.client_for(world.scholar)
    response = client.htmx.post(
        reverse("questions_in_writing", args=[world.meeting.pk]), {"question": [third.pk]}
    )
    assert response.status_code == 200
    third.refresh_from_db()
    assert third.in_writing
    html = response.content.decode()
    assert "16 of 20 min" in html and "1 to answer in writing" in html
    world.agenda.refresh_from_db()
    assert world.agenda.is_updated  # the mentor sees the brief as changed
    brief = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    brief_html = brief.content.decode()
    written = brief_html.index('id="in-writing"')
    assert brief_html.index("LOW-RANKED third?") > written
    assert brief_html.index("Second?") < written
    # The mentor answers it there, as any question.
    assert f'action="{reverse("question_answer", args=[third.pk])}"' in brief_html[written:]


def test_a_question_comes_back_into_the_meeting(world):
    _, second, _ = _questions(world)
    client = world.client_for(world.scholar)
    url = reverse("question_in_writing", args=[second.pk])
    client.post(url, {"in_writing": "1"})
    assert Question.objects.get(pk=second.pk).in_writing
    client.htmx.post(url, {"in_writing": "0"})
    assert not Question.objects.get(pk=second.pk).in_writing


def test_only_the_scholar_of_a_planned_meeting_changes_the_budget(world):
    first, _, _ = _questions(world)
    for user in (world.mentor, world.other_scholar, world.staff):
        client = world.client_for(user)
        assert (
            client.post(reverse("question_estimate", args=[first.pk]), {"minutes": "3"}).status_code
            == 404
        )
        assert client.post(reverse("question_in_writing", args=[first.pk])).status_code == 404
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    client = world.client_for(world.scholar)
    assert (
        client.post(reverse("question_estimate", args=[first.pk]), {"minutes": "3"}).status_code
        == 404
    )
    first.refresh_from_db()
    assert first.estimate_minutes == 10 and not first.in_writing


def test_the_suggestion_ignores_ids_of_other_agendas(world):
    _questions(world)
    stranger = QuestionFactory(text="Not yours?")
    url = reverse("questions_in_writing", args=[world.meeting.pk])
    world.client_for(world.scholar).post(url, {"question": [stranger.pk]})
    stranger.refresh_from_db()
    assert not stranger.in_writing
    response = world.client_for(world.scholar).post(url, {"question": ["x"]})
    assert response.status_code == 400


def test_refused_minutes_are_said_beside_their_field_as_typed(world):
    first, second, _ = _questions(world)
    client = world.client_for(world.scholar)
    for bad in ("0", "-5", "999"):
        html = client.htmx.post(
            reverse("question_estimate", args=[second.pk]), {"minutes": bad}
        ).content.decode()
        field = html[html.index(f'id="q{second.pk}-minutes"') :]
        field = field[: field.index("</form>")]
        assert f'value="{bad}"' in field  # the typed value stays in the field
        assert 'aria-invalid="true"' in field
        assert f'id="q{second.pk}-minutes-error"' in field and "from 1 to 60" in field
        assert f"you typed “{bad}”" in field
        # Nothing else lost: the other question keeps its minutes, the budget its count.
        assert 'value="10"' in html and "21 of 20 min" in html
    second.refresh_from_db()
    assert second.estimate_minutes == 6
