"""The end-of-program report as one PDF: the same report, scoped the same way."""

import os

import pytest
from django.urls import reverse

from meetings import pdf
from meetings.growth.report import build_report

from .report_data import add_meetings, private_things, second_mentorship, share_report

# In CI (.ci/run sets CI) a missing Chromium fails these tests instead of skipping them.
needs_chromium = pytest.mark.skipif(
    pdf.chromium_path() is None and not os.environ.get("CI"),
    reason="Chromium is not installed: no PDF rendering",
)


@needs_chromium
def test_it_downloads_the_report_pdf_for_the_scholar(world):
    add_meetings(world, 12)
    response = world.client_for(world.scholar).get(reverse("report_pdf", args=[world.scholar.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert pdf.page_count(response.content) >= 1
    assert f'filename="report-{world.scholar.username}.pdf"' in response["Content-Disposition"]


@needs_chromium
def test_it_downloads_a_shared_report_for_the_mentor(world):
    share_report(world.scholar)
    response = world.client_for(world.mentor).get(reverse("report_pdf", args=[world.scholar.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_pdf_html_is_self_contained_and_keeps_private_text_out(world):
    meetings = add_meetings(world, 2)
    private_things(world, meetings[0])
    second_mentorship(world)
    html = pdf.report_html(
        {"report": build_report(world.mentor, world.scholar), "scholar": world.scholar}
    )
    assert "default-src 'none'" in html and "<script" not in html
    assert "Bottleneck number 0" in html and "Takeaway 1" in html
    for secret in ("SECRET-CHECKIN", "SECRET-OUTCOME", "SECRET-NOTE", "SECRET-SECOND"):
        assert secret not in html, secret


def test_it_redirects_with_a_message_when_chromium_is_missing(world, monkeypatch):
    def unavailable(ctx):
        raise pdf.PdfUnavailable("Chromium is not installed on the server")

    monkeypatch.setattr(pdf, "render_report_pdf", unavailable)
    client = world.client_for(world.scholar)
    response = client.get(reverse("report_pdf", args=[world.scholar.pk]), follow=True)
    assert response.redirect_chain == [(reverse("report", args=[world.scholar.pk]), 302)]
    assert "The PDF could not be made" in response.content.decode()


def test_it_answers_404_before_trying_to_print(world, monkeypatch):
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: pytest.fail("printed for a stranger"))
    response = world.client_for(world.mentor).get(reverse("report_pdf", args=[world.scholar.pk]))
    assert response.status_code == 404
