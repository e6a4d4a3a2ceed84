"""Slack's message text (templates/slack/): its three control characters escaped, as Slack asks,
so a name such as "<!channel>" is shown, never acted on."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def slack(value) -> str:
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return mark_safe(text)  # noqa: S308 (plain text for Slack, never HTML)
