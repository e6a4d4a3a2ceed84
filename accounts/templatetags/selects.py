"""{% select_options widget %}: a long select's options (a program's ~1,000 peers), in one join.

Django's select renders a template and builds a dict per option; for a list this long that was
most of the page's time, and format_html per option still cost 8 ms a list. The markup is
Django's, to the byte: each value and label escaped, the first option whose value is the
widget's marked selected. Lists without groups only.
"""

from html import escape  # what django.utils.html.escape calls, without wrapping each result

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

OPTION = '\n  <option value="{}"{}>{}</option>\n'  # Django's option template, as rendered


@register.simple_tag
def select_options(widget: dict):
    chosen = widget["value"][:1]  # a select keeps one value: the first, if any
    marked = False  # Django marks only the first option holding the value
    options = []
    for value, label in widget["choices"]:
        selected = not marked and str(value) in chosen
        marked = marked or selected
        mark = " selected" if selected else ""
        options.append(OPTION.format(escape(str(value)), mark, escape(str(label))))
    return mark_safe("".join(options))  # noqa: S308 - every value and label escaped above
