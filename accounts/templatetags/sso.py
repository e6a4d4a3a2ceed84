"""{% sso_buttons %}: a sign-in button per configured provider; nothing at all when none is."""

from django import template
from django.template.loader import render_to_string

from accounts import sso

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_buttons(context, next="", process="login", intro="or", zone_field=False, zone=""):
    """`zone_field`: each button also sends a time zone (the invitation page's, for the account
    it creates): `zone` when not UTC, else the browser's (static/js/timezone.js)."""
    request = context["request"]
    buttons = sso.buttons(request)
    if not buttons:
        return ""
    return render_to_string(
        "accounts/sso/buttons.html",
        {
            "buttons": buttons,
            "next": next,
            "process": process,
            "intro": intro,
            "zone_field": zone_field,
            "zone": "" if zone == "UTC" else zone,
        },
        request=request,
    )
