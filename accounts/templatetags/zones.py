"""{% zone_options widget %}: the ~600 options of the time-zone list.

Django's select renders a template per option, and even one template loop over them was most of
the settings page's time, and then escaping each option anew was a third of it. The zones never
change while the process runs, so each option's markup is escaped once, at import, by
format_html; a render joins them, with the chosen one marked. The markup is Django's, to the byte.
"""

from types import MappingProxyType

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import TIME_ZONE_CHOICES
from .selects import OPTION

register = template.Library()

# Immutable: shared by a worker's threads.
_OPTIONS = tuple(format_html(OPTION, value, "", label) for value, label in TIME_ZONE_CHOICES)
_INDEX = MappingProxyType({value: i for i, (value, _) in enumerate(TIME_ZONE_CHOICES)})


@register.simple_tag
def zone_options(widget: dict):
    """The options of accounts.forms.ZONES (the one list this widget shows), `widget`'s chosen."""
    chosen = widget["value"][:1]  # a select keeps one value: the first, if any
    at = _INDEX.get(chosen[0]) if chosen else None
    options = _OPTIONS
    if at is not None:
        value, label = TIME_ZONE_CHOICES[at]
        selected = format_html(OPTION, value, " selected", label)  # one option: not worth keeping
        options = (*_OPTIONS[:at], selected, *_OPTIONS[at + 1 :])
    return mark_safe("".join(options))  # noqa: S308 - every part escaped above, by format_html
