"""Every page shows only links its reader may follow: each demo person signs in, starts at the home
page and follows every link of every page they reach; every link answers 200.

A link that answers 404 (or 403, 405, 500) to the person it is shown to is a defect: either the
page offers what the rules refuse, or the rule is wrong. Logging out, static files, other sites
and in-page anchors are not followed; of the PDFs (each printed by Chromium) one per kind is."""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from meetings.management.commands.seed_demo import PEOPLE

SKIP = ("/accounts/logout/", "/static/", "/admin/")
# Pages differing only in their query (sorting, filters, pages of a list): a few of each are
# enough to show their links are followed; the rest is the same page.
PER_PATH = 4
MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url, _ = urldefrag(urljoin(f"http://testserver{page_url}", href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue  # mailto:, another site
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and not path.startswith(SKIP):
            found.append(path)
    return found


def _pdf_kind(path: str) -> str | None:
    match = re.search(r"/([a-z_]+)\.pdf$", path.split("?")[0])
    return match.group(1) if match else None


def crawl(client: Client) -> tuple[dict[str, int], dict[str, str]]:
    """Every page reachable from the home page by links: its status, and where it was linked."""
    statuses: dict[str, int] = {}
    linked_from: dict[str, str] = {"/": "(start)"}
    per_path: dict[str, int] = {}
    pdfs: set[str] = set()
    queue = deque(["/"])
    while queue and len(statuses) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in _links(path, response.content.decode()):
            if link in linked_from:
                continue
            bare = link.split("?")[0]
            kind = _pdf_kind(link)
            if kind in pdfs or ("?" in link and per_path.get(bare, 0) >= PER_PATH):
                continue
            if kind:
                pdfs.add(kind)
            per_path[bare] = per_path.get(bare, 0) + 1
            linked_from[link] = path
            queue.append(link)
    return statuses, linked_from


@pytest.mark.django_db
@pytest.mark.parametrize("username", [username for username, _, _ in PEOPLE])
def test_every_link_a_demo_person_is_shown_opens_for_them(settings, username):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    client = Client()
    client.force_login(User.objects.get(username=username))

    statuses, linked_from = crawl(client)

    broken = [
        f"{path} answered {status}, linked from {linked_from[path]}"
        for path, status in statuses.items()
        if status != 200
    ]
    assert not broken, "\n".join(broken)
    # The crawl reached the person's pages, not just the home page.
    assert len(statuses) > 5, statuses
