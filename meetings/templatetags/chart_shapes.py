"""The repeated parts of a chart: the shapes of templates/meetings/_chart.html (a bar, a dot or a
mark per value) and the rows of a chart's table (a row per point: growth, questions).

A chart of a hundred briefs draws a hundred shapes; through the template language each cost
four variable lookups and as many escapes, most of a growth page's time. Here each kind of shape
(or row) is one format string joined over the plot's shapes (meetings/charts.py places them, already
rounded): the same markup, written once, with every value escaped. Coordinates are floats
printed as Python writes them ("20.0"), never localized, as the partial's `localize off` does.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.timezone import template_localtime

from meetings.templatetags.mentorprep import day_month

register = template.Library()


@register.simple_tag
def chart_bars(bars):
    """The plot's bars (charts.Bar)."""
    return format_html_join(
        "", '<rect class="bar" x="{}" y="{}" width="{}" height="{}"/>',
        ((b.x, b.y, b.w, b.h) for b in bars),
    )  # fmt: skip


@register.simple_tag
def chart_dots(lines):
    """The dots on the points of the plot's lines (charts.Series.dots), line after line."""
    return format_html_join(
        "", '<circle class="{}" cx="{}" cy="{}" r="{}"/>',
        ((d.kind, d.x, d.y, d.r) for s in lines for d in s.dots),
    )  # fmt: skip


@register.simple_tag
def chart_marks(marks):
    """The plot's yes / no marks (charts.Dot), each of its kind's class."""
    return format_html_join(
        "", '<circle class="mark mark-{}" cx="{}" cy="{}" r="{}"/>',
        ((m.kind, m.x, m.y, m.r) for m in marks),
    )  # fmt: skip


@register.simple_tag
def chart_table_rows(points):
    """A growth chart's numbers for those who cannot see it (meetings/growth/signals.py Point):
    a row per point, its date (as `day_month` writes it: a Point's date is a day, never a
    time to localize) and its value in words."""
    return format_html_join(
        "", '<tr><th scope="row">{}</th><td>{}</td></tr>',
        ((day_month(p.when), p.text) for p in points),
    )  # fmt: skip


@register.simple_tag
def questions_table_rows(points):
    """The questions chart as a table (meetings/history/question_chart.py): a row per meeting,
    its date (as `day_month`, in the reader's zone) then asked, resolved and open."""
    return format_html_join(
        "", '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
        ((day_month(template_localtime(p.when)), p.asked, p.resolved, p.open) for p in points),
    )  # fmt: skip
