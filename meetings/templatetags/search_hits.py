"""{% search_hits hits %}: the history search's hits (meetings/history/search.py), a hit as a
list item: its link, its label and its snippet, the matched pieces marked.

A page of results holds up to MAX_HITS hits, each a snippet in pieces: as template loops they
were a dozen nodes per hit, most of the search page's time. Here each hit is one format string,
laid out as the template laid it out, every value escaped."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def search_hits(hits):
    """`<li>` per hit: `<a href class="search-hit"><span class="label">…</span> <span
    class="snippet">…</span></a>`, a match in the snippet as `<mark>…</mark>`."""
    return format_html_join(
        "",
        '<li><a href="{}" class="search-hit"><span class="label">{}</span> '
        '<span class="snippet">{}</span></a></li>',
        ((hit.url, hit.label, _snippet(hit)) for hit in hits),
    )


def _snippet(hit):
    return format_html_join(
        "",
        "{}",
        ((format_html("<mark>{}</mark>", p.text) if p.matched else p.text,) for p in hit.parts),
    )
