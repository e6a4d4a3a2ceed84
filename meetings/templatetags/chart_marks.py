"""The long runs of markup in a chart: a dot per point of its lines, a row per point of its
table. A hundred meetings make two hundred dots and a hundred rows: as template loops they were
four to five variable nodes apiece and most of the history page's time, and format_html per
element still cost several times the string itself. So each element is one f-string here, as
the loops wrote it: numbers printed as they come (never localized, as under `localize off`),
every other value escaped (`_text`). The rest of each chart stays in its template
(templates/meetings/_chart.html, templates/meetings/history/_questions_chart.html)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from meetings.templatetags.mentorprep import day_month

register = template.Library()


def _text(value) -> str:
    """A value as the template printed it: a number as is (it cannot hold markup), anything
    else escaped."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return conditional_escape(value)


@register.simple_tag
def line_dots(lines) -> SafeString:
    """The dots of a chart's lines (charts.Series.dots), each `<circle class cx cy r/>`. The
    coordinates come rounded from meetings/charts.py."""
    dots = (d for series in lines for d in series.dots)
    return mark_safe(  # noqa: S308 - every value goes through _text
        "".join(
            f'<circle class="{_text(d.kind)}" cx="{_text(d.x)}" cy="{_text(d.y)}" '
            f'r="{_text(d.r)}"/>'
            for d in dots
        )
    )


@register.simple_tag
def questions_table_rows(points) -> SafeString:
    """The questions chart as a table (meetings/history/question_chart.py): a row per meeting,
    its date (as `day_month`) then asked, resolved and open."""
    return mark_safe(  # noqa: S308 - every value goes through _text
        "".join(
            f'<tr><th scope="row">{_text(day_month(template_localtime(p.when)))}</th>'
            f"<td>{_text(p.asked)}</td><td>{_text(p.resolved)}</td><td>{_text(p.open)}</td></tr>"
            for p in points
        )
    )
