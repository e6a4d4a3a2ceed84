"""The history search's results (meetings/history/search.py): a meeting's heading and its
hits, a hit as a list item.

A page of results holds up to MAX_HITS hits, often each in a meeting of its own, each a link
with its label and its snippet in pieces, the matched ones marked. As template loops they were
a dozen nodes per meeting and per hit, most of the search page's time; format_html per element
still cost several times the string itself. So each element is one f-string here, laid out as
the template laid it out, and every value in it is escaped (conditional_escape, as the template
escapes a variable)."""

from django import template
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from meetings.templatetags.mentorprep import weekday_date

register = template.Library()


@register.simple_tag
def search_hits(hits) -> SafeString:
    """`<li>` per hit: `<a href class="search-hit"><span class="label">…</span> <span
    class="snippet">…</span></a>`, a match in the snippet as `<mark>…</mark>`."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<li><a href="{esc(hit.url)}" class="search-hit"><span class="label">'
            f'{esc(hit.label)}</span> <span class="snippet">{_snippet(hit)}</span></a></li>'
            for hit in hits
        )
    )


def _snippet(hit) -> str:
    return "".join(f"<mark>{esc(p.text)}</mark>" if p.matched else esc(p.text) for p in hit.parts)


@register.simple_tag
def search_meetings(groups) -> SafeString:
    """Each meeting of the results (search.MeetingHits) as
    templates/meetings/history/_history_search.html laid it out: its date linking to its brief,
    its mentor, its state, then its hits."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"""
    <article class="search-meeting">
      <div class="search-meeting-head">
        <a href="{esc(g.url)}"><strong>{esc(_day(g.meeting))}</strong></a>
        <span class="muted small">with {esc(g.meeting.mentorship.mentor.name)}</span>
        <span class="badge status-{esc(g.meeting.status)}">{esc(g.meeting.get_status_display())}</span>
      </div>
      <ul class="search-hits">
        {search_hits(g.hits)}
      </ul>
    </article>
    """
            for g in groups
        )
    )


def _day(meeting) -> str:
    return weekday_date(template_localtime(meeting.scheduled_at))
