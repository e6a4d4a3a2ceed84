"""Hostile input: XSS payloads through every field that renders user text, on every page.

A page passes when, parsed as HTML, it has no script of its own making, no event-handler
attribute, no style attribute or <style> block, no htmx attribute carrying the payload, and no
javascript:/data:/vbscript: URL in any link, source or form action.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from meetings.models import Agenda, Question
from meetings.templatetags.mentorprep import render_markdown
from tests.factories import AnnotationFactory

from .test_headers_and_deploy import NOT_SERVED
from .test_matrix import request_as

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="java&#x09;script:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](http://example.org/x.png)',
    "[x][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '[a](http://example.org "title" onmouseover=alert(1))',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="//evil.example/">',
    '<link rel="stylesheet" href="//evil.example/x.css">',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<div hx-get="/accounts/logout/" hx-trigger="load" hx-on:click="alert(1)">hx</div>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "poster"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "style", "svg", "math", "frame"}
# The app's own charts, drawn by its templates: an <svg role="img"> with one of these classes
# (user text never reaches a page as an <svg>: the Markdown filter removes it).
OWN_CHARTS = {"sparkline", "qchart"}


class LiveContent(HTMLParser):
    """Collects whatever in a page could run or load something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value or "" for name, value in attrs}
        if tag == "script":
            src = attributes.get("src", "")
            if not src.startswith(settings.STATIC_URL):
                self.problems.append(f"<script> not from our static files: {attrs}")
        own_chart = (
            tag == "svg"
            and attributes.get("class") in OWN_CHARTS
            and attributes.get("role") == "img"
        )
        if tag in FORBIDDEN_TAGS and not own_chart:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "link" and not attributes.get("href", "").startswith(settings.STATIC_URL):
            self.problems.append(f"<link> off our static files: {attrs}")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith(("hx-", "data-hx-")) and ("alert" in value or value == "load"):
                self.problems.append(f"injected htmx attribute {name}={value!r}")
            if name in URL_ATTRS:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                if compact.startswith(DANGEROUS_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def live_content(html: str) -> list[str]:
    parser = LiveContent()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_it_spots_live_content_in_a_page():
    """The checker itself must catch what it is looking for."""
    html = (
        '<script>x</script><a href=" JaVa\tScript:x">a</a><img src=x onerror=y>'
        '<p style="color:red">s</p><img src="data:image/png;base64,AA"><svg></svg>'
        '<div hx-trigger="load"></div>'
    )
    assert len(live_content(html)) == 7
    assert live_content('<script src="/static/vendor/htmx.min.js" defer></script><p>ok</p>') == []
    assert live_content('<svg class="qchart" role="img"><title>t</title></svg>') == []
    assert live_content('<svg class="qchart" onload="alert(1)" role="img"></svg>') != []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_markdown_without_live_content(payload):
    html = str(render_markdown(payload))
    assert live_content(html) == []
    assert "alert(1)</script>" not in html


def _fill_every_field(sec, payload: str) -> None:
    """Put the payload in every field whose text some page renders."""
    agenda: Agenda = sec.agenda
    for name in Agenda.SECTION_NAMES:
        setattr(agenda, name, payload)
    agenda.wellbeing_note = payload[:300]
    agenda.wellbeing_energy = 3
    agenda.wellbeing_visibility = Agenda.Visibility.BOTH
    agenda.save()
    agenda.revisions.update(changes={"bottleneck": {"old": payload, "new": payload + " x"}})
    Question.objects.filter(agenda__meeting__mentorship=sec.mentorship).update(
        text=payload[:500], answer=payload
    )
    sec.annotation.body = payload
    sec.annotation.save()
    AnnotationFactory(
        agenda=agenda, author=sec.mentor, section="question", question=sec.question, body=payload
    )
    sec.action.text = payload[:300]
    sec.action.save()
    sec.note.body = payload
    sec.note.save()
    sec.program.name = payload[:120]
    sec.program.save()
    User.objects.filter(pk__in=[sec.scholar.pk, sec.mentor.pk]).update(display_name=payload[:120])


def _pages(sec):
    brief = reverse("brief", args=[sec.meeting.pk])
    search = reverse("history_search", args=[sec.scholar.pk])
    return [
        ("scholar", reverse("home"), False),
        ("mentor", reverse("home"), False),
        ("scholar", reverse("agenda", args=[sec.meeting.pk]), False),
        ("scholar", reverse("agenda", args=[sec.meeting.pk]), True),
        ("scholar", brief, False),
        ("mentor", brief, False),
        ("mentor", brief + "?part=actions", True),
        ("mentor", brief + "?part=notes", True),
        ("scholar", reverse("history", args=[sec.scholar.pk]), False),
        ("mentor", reverse("history", args=[sec.scholar.pk]), False),
        ("scholar", search + "?q=alert", False),
        ("mentor", search + "?q=alert", True),
        ("staff", reverse("cadence", args=[sec.program.slug]), False),
        ("scholar", reverse("settings"), False),
        ("mentor", reverse("meeting_new"), False),
        ("scholar", reverse("agenda_revisions", args=[sec.meeting.pk]), False),
        ("mentor", reverse("agenda_revisions", args=[sec.meeting.pk]), False),
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_every_page_without_live_content(sec, payload):
    _fill_every_field(sec, payload)
    failures = []
    for role, url, htmx in _pages(sec):
        response = request_as(sec, role, "get", url, htmx=htmx)
        assert response.status_code == 200, (role, url)
        failures += [f"{role} {url}: {p}" for p in live_content(response.getvalue().decode())]
    assert not failures, "\n".join(failures)


def test_it_renders_the_conflict_view_without_live_content(sec):
    """The 409 page shows the newer saved text next to the scholar's own."""
    payload = "<img src=x onerror=alert(1)><script>alert(1)</script>"
    _fill_every_field(sec, payload)
    client = sec.client_for(sec.scholar)
    data = {name: payload for name in Agenda.SECTION_NAMES} | {
        "version": sec.agenda.version - 1,
        "wellbeing_visibility": "only_me",
    }
    response = client.post(reverse("agenda", args=[sec.meeting.pk]), data)
    assert response.status_code == 409
    assert live_content(response.content.decode()) == []


def test_it_renders_markdown_in_exactly_one_place():
    """ALL user text goes through the one |markdown filter: no second renderer, no |safe."""
    root = Path(settings.BASE_DIR)
    sources = [
        p
        for p in root.rglob("*.py")
        if not {".venv", "node_modules", "tests"} & set(p.relative_to(root).parts)
    ]
    calls = {
        "markdown": re.compile(r"\bmarkdown(_lib)?\.markdown\(|\bMarkdown\("),
        "nh3": re.compile(r"\bnh3\.clean\("),
        "mark_safe": re.compile(r"\bmark_safe\("),
        "SafeString": re.compile(r"\bSafeString\("),
    }
    found: dict[str, list[str]] = {key: [] for key in calls}
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for key, pattern in calls.items():
            found[key] += [f"{path.relative_to(root)}"] * len(pattern.findall(text))
    the_filter = "meetings/templatetags/mentorprep.py"
    assert found["markdown"] == [the_filter], found["markdown"]
    assert found["nh3"] == [the_filter], found["nh3"]
    # The two option lists join markup whose every value and label was escaped: zoneinfo's names
    # (at import, by format_html) and the peers' names (by escape, then joined).
    lists = {"accounts/templatetags/zones.py", "accounts/templatetags/selects.py"}
    assert set(found["mark_safe"]) <= {the_filter, *lists}, found["mark_safe"]
    assert found["SafeString"] == [], found["SafeString"]
    templates = [p for p in (root / "templates").rglob("*.html")]
    templates += [p for p in root.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    for path in templates:
        text = path.read_text(encoding="utf-8")
        if path.relative_to(root).as_posix() in NOT_SERVED:
            # The PDF page inlines the app's own stylesheet (not user text) for headless Chromium.
            text = text.replace("{{ css|safe }}", "")
        assert "|safe" not in text.replace(" ", ""), f"{path}: |safe on user text"
        assert "autoescape off" not in text, f"{path}: autoescape off"
