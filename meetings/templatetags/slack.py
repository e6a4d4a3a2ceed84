"""Slack's message text (templates/slack/): its three control characters escaped, as Slack asks,
so a name such as "<!channel>" is shown, never acted on."""

from django import template

register = template.Library()


@register.filter
def slack(value) -> str:
    # The templates render with autoescape off (plain text, not HTML): this is the only escaping.
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
