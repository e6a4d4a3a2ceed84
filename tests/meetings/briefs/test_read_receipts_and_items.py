"""The brief's read receipt, action items and scoped joins."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from meetings.models import BriefRead
from tests.factories import ActionItemFactory, MentorPrivateNoteFactory, SubmittedAgendaFactory


def test_it_records_a_first_read_in_one_upsert_that_keeps_the_first_read_time(world):
    earlier = timezone.now() - timedelta(days=1)
    changed = BriefRead.record(world.agenda, world.mentor, now=earlier)
    assert changed == set()
    read = BriefRead.objects.get()
    assert read.first_read_at == earlier == read.last_read_at
    assert read.digests == world.agenda.section_digests()
    # A parallel first read that lost the race (it saw no receipt) updates the same row.
    later = timezone.now()
    BriefRead.record(world.agenda, world.mentor, now=later)
    read = BriefRead.objects.get()
    assert read.first_read_at == earlier and read.last_read_at == later
    assert read.reader == world.mentor


def test_it_reports_sections_changed_since_the_last_read(world):
    BriefRead.record(world.agenda, world.mentor)
    world.agenda.bottleneck = "A new bottleneck entirely."
    world.agenda.save()
    changed = BriefRead.record(world.agenda, world.mentor, BriefRead.objects.get())
    assert changed == {"bottleneck"}
    assert BriefRead.objects.get().digests == world.agenda.section_digests()


def test_it_names_the_owner_of_each_action_item_on_the_brief(world):
    ActionItemFactory(
        mentorship=world.mentorship, meeting=world.meeting, text="OWN-ITEM scholar", owner="scholar"
    )
    ActionItemFactory(
        mentorship=world.mentorship, meeting=world.meeting, text="OWN-ITEM mentor", owner="mentor"
    )
    for user in (world.mentor, world.scholar):
        response = world.client_for(user).get(reverse("brief", args=[world.meeting.pk]))
        items = {i.text: i for i in response.context["action_items"]}
        assert items["OWN-ITEM scholar"].mentorship.scholar == world.scholar
        html = response.content.decode()
        assert world.scholar.name in html and world.mentor.name in html
        # the mentor toggles every item; the scholar only their own
        assert items["OWN-ITEM mentor"].can_toggle is (user == world.mentor)
        assert items["OWN-ITEM scholar"].can_toggle is True


def test_it_shows_the_scholar_the_mentors_read_receipt_but_never_their_private_note(world):
    """The scholar sees when their mentor read the brief, and never the mentor's private note."""
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="PRIVATE-NOTE hidden")
    url = reverse("brief", args=[world.meeting.pk])
    world.client_for(world.mentor).get(url)
    response = world.client_for(world.scholar).get(url)
    assert response.context["read"] is not None
    assert response.context["read"].last_read_at == BriefRead.objects.get().last_read_at
    assert response.context["private_note"] is None
    assert b"PRIVATE-NOTE" not in response.content
    assert b"SECRET-BOTTLENECK" in response.content


def test_it_joins_into_the_history_only_the_agendas_each_user_may_see(world):
    """The history's meetings carry their agenda under the rule of Agenda.objects.visible_to: the scholar's drafts only to the scholar, and a second mentor's
    meetings to neither other mentor."""
    from tests.factories import AgendaFactory, MeetingFactory, MentorshipFactory

    draft = MeetingFactory(mentorship=world.mentorship)
    AgendaFactory(meeting=draft, bottleneck="DRAFT-ONLY bottleneck")
    second = MentorshipFactory(program=world.program, scholar=world.scholar)
    theirs = MeetingFactory(mentorship=second)
    SubmittedAgendaFactory(meeting=theirs, bottleneck="SECOND-MENTOR bottleneck")
    url = reverse("history", args=[world.scholar.pk])
    seen = {
        who: world.client_for(user).get(url).content
        for who, user in [
            ("scholar", world.scholar),
            ("mentor", world.mentor),
            ("second", second.mentor),
        ]
    }
    assert b"DRAFT-ONLY" in seen["scholar"] and b"SECOND-MENTOR" in seen["scholar"]
    assert b"DRAFT-ONLY" not in seen["mentor"] and b"SECOND-MENTOR" not in seen["mentor"]
    assert b"SECRET-BOTTLENECK" in seen["mentor"]
    assert b"SECOND-MENTOR" in seen["second"]
    assert b"DRAFT-ONLY" not in seen["second"] and b"SECRET-BOTTLENECK" not in seen["second"]
