"""The cells of the cadence dashboard's week grid (templates/meetings/staff/cadence.html).

A page of thirty pairs over twelve weeks has 360 cells; through the template language each cost
four variable lookups and as many escapes, most of the page's rendering. Here a row's cells are
one format string joined over its weeks (meetings/staff/cadence.py WeekCell): the same markup,
written once, with every value escaped.
"""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def week_cells(weeks):
    """A pair's cells, a week each: its state's colour and symbol, its meetings in words."""
    return format_html_join(
        "", '<td><span class="wk wk-{}" title="{}" aria-label="{}" role="img">{}</span></td>',
        ((c.state, c.label, c.label, c.symbol) for c in weeks),
    )  # fmt: skip
