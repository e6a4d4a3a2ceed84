"""The history search's hits (meetings/history/search.py), as the list items of its results.

A page of results holds up to MAX_HITS hits, each a link with its label and its snippet in
pieces, the matched ones marked: written with format_html_join, one tag for the list rather
than a dozen template nodes per hit (the nodes were most of the search page's time). Every
piece of user text is escaped here as the template would escape it."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def search_hits(hits) -> SafeString:
    """`<li>` per hit: `<a href class="search-hit"><span class="label">…</span> <span
    class="snippet">…</span></a>`, a match in the snippet as `<mark>…</mark>`."""
    return format_html_join(
        "",
        '<li><a href="{}" class="search-hit"><span class="label">{}</span> '
        '<span class="snippet">{}</span></a></li>',
        ((hit.url, hit.label, _snippet(hit)) for hit in hits),
    )


def _snippet(hit) -> SafeString:
    return format_html_join(
        "",
        "{}",
        ((format_html("<mark>{}</mark>", p.text) if p.matched else p.text,) for p in hit.parts),
    )
