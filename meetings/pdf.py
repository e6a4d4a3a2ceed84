"""The brief as a PDF: a self-contained HTML rendering printed by headless Chromium.

Why Chromium and not WeasyPrint: the brief's print stylesheet is the one the browser uses when a
mentor presses Ctrl+P, so the PDF and a paper print look the same; Chromium is already the
browser the test-suite drives, and needs no extra Python dependency (WeasyPrint pulls in Pango
and friends). The HTML is rendered to a temporary file with its CSS inlined and a
Content-Security-Policy that forbids every network request, so Chromium reads nothing but it.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - a fixed argument list, no shell
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

TIMEOUT_SECONDS = 60
CSS = Path(settings.BASE_DIR) / "static" / "css" / "brief-pdf.css"


class PdfUnavailable(Exception):
    pass


def chromium_path() -> str | None:
    path = getattr(settings, "CHROMIUM_PATH", "") or ""
    if path and os.access(path, os.X_OK):
        return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def brief_html(ctx: dict) -> str:
    return render_to_string("meetings/briefs/brief_pdf.html", {**ctx, "css": CSS.read_text()})


def html_to_pdf(html: str) -> bytes:
    chromium = chromium_path()
    if chromium is None:
        raise PdfUnavailable("Chromium is not installed on the server")
    with tempfile.TemporaryDirectory(prefix="mentorprep-pdf-") as tmp:
        source = Path(tmp) / "brief.html"
        target = Path(tmp) / "brief.pdf"
        source.write_text(html, encoding="utf-8")
        args = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(  # noqa: S603 - fixed arguments, no shell
                args, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable("Chromium did not finish") from exc
        if not target.exists() or target.stat().st_size == 0:
            raise PdfUnavailable("Chromium produced no PDF")
        return target.read_bytes()


def render_brief_pdf(ctx: dict) -> bytes:
    return html_to_pdf(brief_html(ctx))


REPORT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "report-pdf.css"
CHARTS_CSS = Path(settings.BASE_DIR) / "static" / "css" / "charts.css"


def report_html(ctx: dict) -> str:
    """The end-of-program report: the brief's print styles, the growth charts' and a few of its
    own."""
    css = CSS.read_text() + CHARTS_CSS.read_text() + REPORT_CSS.read_text()
    return render_to_string("meetings/growth/report_pdf.html", {**ctx, "css": css, "pdf": True})


def render_report_pdf(ctx: dict) -> bytes:
    return html_to_pdf(report_html(ctx))


def page_count(data: bytes) -> int:
    """Pages in a PDF Chromium wrote (its page objects are uncompressed dictionaries)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
