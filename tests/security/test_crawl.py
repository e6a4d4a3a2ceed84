"""Every page shows only links its reader may follow: each demo person signs in, starts at the home
page and follows every link of every page they reach, and every part a page loads by htmx
(`hx-get`, requested as htmx requests it); each answers 200, or redirects to a page that answers
200 to them.

A link that answers 404 (or 403, 405, 500) to the person it is shown to is a defect: either the
page offers what the rules refuse, or the rule is wrong. So is a link to a page that only tells its
reader there is nothing they can do there (a dead end): the link should not have been shown.
Logging out, static files, other sites and in-page anchors are not followed, nor `hx-post` (and
the like) targets, which change things; of the PDFs (each printed by Chromium) one per kind is."""

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
LOGIN = "/accounts/login/"
# What a page says when its reader can do nothing there: reached by a link, it is a dead end.
DEAD_ENDS = (
    "You have no active mentorship to schedule meetings for",
    "there is nothing to recap",
    "The recap and feedback open once the meeting is marked held",
)
# Pages differing only in their query (sorting, filters, pages of a list): a few of each are
# enough to show their links are followed; the rest is the same page.
PER_PATH = 4
MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.hx_gets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "a" and named.get("href"):
            self.hrefs.append(named["href"])
        if named.get("hx-get"):
            self.hx_gets.append(named["hx-get"])


def _same_site(page_url: str, hrefs: list[str]) -> list[str]:
    found = []
    for href in hrefs:
        url, _ = urldefrag(urljoin(f"http://testserver{page_url}", href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue  # mailto:, another site
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and not path.startswith(SKIP):
            found.append(path)
    return found


def _links(page_url: str, html: str) -> tuple[list[str], list[str]]:
    """The page's links, and the parts it loads by htmx."""
    parser = _Links()
    parser.feed(html)
    return _same_site(page_url, parser.hrefs), _same_site(page_url, parser.hx_gets)


def _pdf_kind(path: str) -> str | None:
    match = re.search(r"/([a-z_]+)\.pdf$", path.split("?")[0])
    return match.group(1) if match else None


def crawl(client: Client) -> tuple[dict[str, int], dict[str, str], set[str]]:
    """Every page reachable from the home page by links, and every htmx part they load: its
    status, where it was linked, and which of them are dead ends."""
    statuses: dict[str, int] = {}
    linked_from: dict[str, str] = {"/": "(start)"}
    dead_ends: set[str] = set()
    per_path: dict[str, int] = {}
    pdfs: set[str] = set()
    hx_parts: set[str] = set()
    queue = deque(["/"])

    def follow(link: str, source: str) -> None:
        if link in linked_from:
            return
        bare = link.split("?")[0]
        kind = _pdf_kind(link)
        if kind in pdfs or ("?" in link and per_path.get(bare, 0) >= PER_PATH):
            return
        if kind:
            pdfs.add(kind)
        per_path[bare] = per_path.get(bare, 0) + 1
        linked_from[link] = source
        queue.append(link)

    while queue and len(statuses) < MAX_PAGES:
        path = queue.popleft()
        if path.startswith("hx:"):
            response = client.get(path[3:], headers={"HX-Request": "true"})
        else:
            response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code in (301, 302, 303, 307, 308):
            # A redirect is fine if it lands on a page that opens for the reader; sending a
            # signed-in person to the login page is a refusal.
            target = _same_site(path, [response["Location"]])
            if target and not target[0].startswith(LOGIN):
                statuses[path] = 200
                follow(target[0], f"{path} (redirect)")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if any(words in html for words in DEAD_ENDS):
            dead_ends.add(path)
        links, parts = _links(path.removeprefix("hx:"), html)
        for link in links:
            follow(link, path)
        for part in parts:
            if part not in hx_parts:
                hx_parts.add(part)
                follow(f"hx:{part}", path)
    return statuses, linked_from, dead_ends


@pytest.mark.django_db
@pytest.mark.parametrize("username", [username for username, _, _ in PEOPLE])
def test_every_link_a_demo_person_is_shown_opens_for_them(settings, username):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    client = Client()
    client.force_login(User.objects.get(username=username))

    statuses, linked_from, dead_ends = crawl(client)

    broken = [
        f"{path} answered {status}, linked from {linked_from[path]}"
        for path, status in statuses.items()
        if status != 200
    ] + [f"{path} is a dead end, linked from {linked_from[path]}" for path in sorted(dead_ends)]
    assert not broken, "\n".join(broken)
    # The crawl reached the person's pages, not just the home page.
    assert len(statuses) > 5, statuses
    if username.startswith(("scholar", "mentor")):  # a history page loads its search by htmx
        assert any(path.startswith("hx:") for path in statuses), statuses
