"""{% select_options widget %}: a long select's options (a program's ~1,000 peers), in one join.

Django's select renders a template and builds a dict per option; for a list this long that was
most of the page's time. The markup is Django's, to the byte: each value and label escaped, the
first option whose value is the widget's marked selected. Lists without groups only.
"""

from django import template
from django.utils.html import format_html_join

from .zones import OPTION

register = template.Library()


@register.simple_tag
def select_options(widget: dict):
    chosen = widget["value"][:1]  # a select keeps one value: the first, if any
    marked = []  # Django marks only the first option holding the value

    def selected(value) -> str:
        if marked or str(value) not in chosen:
            return ""
        marked.append(value)
        return " selected"

    return format_html_join(
        "", OPTION, ((value, selected(value), label) for value, label in widget["choices"])
    )
