"""The brief as a one-page PDF, scoped exactly like the brief."""

import os

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse

from meetings import pdf
from meetings.briefs.domain import brief_context
from meetings.models import Agenda, Meeting
from tests.factories import (
    AnnotationFactory,
    HelpAskedFactory,
    MentorPrivateNoteFactory,
    QuestionFactory,
)

# In CI (.ci/run sets CI) a missing Chromium fails these tests instead of skipping them.
needs_chromium = pytest.mark.skipif(
    pdf.chromium_path() is None and not os.environ.get("CI"),
    reason="Chromium is not installed: no PDF rendering",
)


@needs_chromium
@pytest.mark.parametrize(
    "role,expected",
    [
        ("scholar", 200),
        ("mentor", 200),
        ("other_scholar", 404),
        ("other_mentor", 404),
        ("staff", 404),
        ("manager", 404),
        ("outsider", 404),
    ],
)
def test_it_downloads_the_brief_pdf_only_for_the_pair(world, role, expected):
    response = world.client_for(getattr(world, role)).get(
        reverse("brief_pdf", args=[world.meeting.pk])
    )
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]


def test_it_sends_anonymous_users_to_log_in_for_the_pdf(world):
    response = world.client_for(None).get(reverse("brief_pdf", args=[world.meeting.pk]))
    assert response.status_code == 302


def test_it_keeps_private_content_out_of_the_pdf_html(world):
    MentorPrivateNoteFactory(mentor=world.mentor, scholar=world.scholar, text="PRIVATE-NOTE secret")
    Agenda.objects.filter(pk=world.agenda.pk).update(
        wellbeing_energy=2, wellbeing_note="WELLBEING-SECRET", wellbeing_visibility="only_me"
    )
    html = pdf.brief_html(brief_context(world.mentor, world.meeting))
    assert "SECRET-BOTTLENECK" in html
    assert "PRIVATE-NOTE" not in html and "WELLBEING-SECRET" not in html
    assert "default-src 'none'" in html


@needs_chromium
def test_it_renders_every_demo_brief_on_exactly_one_page(db, settings):
    settings.DEBUG = True  # seed_demo only runs in development
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The latest submitted brief of each demo mentorship (the fullest ones).
    latest = (
        Agenda.objects.filter(status=Agenda.Status.SUBMITTED)
        .values("meeting__mentorship")
        .annotate(last=Max("meeting__scheduled_at"))
    )
    meetings = [
        Meeting.objects.get(mentorship_id=row["meeting__mentorship"], scheduled_at=row["last"])
        for row in latest
    ]
    # …and the three longest demo briefs.
    longest = sorted(
        Agenda.objects.filter(status=Agenda.Status.SUBMITTED).prefetch_related("questions"),
        key=lambda a: a.word_count(),
    )[-3:]
    meetings += [a.meeting for a in longest if a.meeting not in meetings]
    assert len(meetings) >= 5
    for meeting in meetings:
        data = pdf.render_brief_pdf(brief_context(meeting.mentorship.mentor, meeting))
        assert pdf.page_count(data) == 1, f"brief of meeting {meeting.pk}"


@needs_chromium
def test_it_fits_a_full_normal_brief_on_one_page_and_counts_more_pages(world):
    words = " ".join(["word"] * 60)
    Agenda.objects.filter(pk=world.agenda.pk).update(
        **{name: f"{name}: {words}" for name in Agenda.SECTION_NAMES}
    )
    for i in range(4):
        q = QuestionFactory(agenda=world.agenda, text=f"Question {i}: {' '.join(['w'] * 12)}?")
        AnnotationFactory(agenda=world.agenda, section="question", question=q, body="Short note.")
    world.agenda.refresh_from_db()
    assert world.agenda.word_count() <= 450
    ctx = brief_context(world.mentor, world.meeting)
    assert pdf.page_count(pdf.render_brief_pdf(ctx)) == 1
    long_html = pdf.brief_html(ctx).replace("</body>", "<p>more</p>" * 150 + "</body>")
    assert pdf.page_count(pdf.html_to_pdf(long_html)) > 1


def test_the_pdf_says_whom_the_scholar_asked_as_the_web_brief_does(world):
    HelpAskedFactory(agenda=world.agenda, outcome="ASKED-OUTCOME pointed me to the docs")
    ctx = brief_context(world.mentor, world.meeting)
    html = pdf.brief_html(ctx)
    web = world.client_for(world.mentor).get(reverse("brief", args=[world.meeting.pk]))
    for page in (html, web.content.decode()):
        assert "Whom they asked" in page
        assert "ASKED-OUTCOME pointed me to the docs" in page
