"""{% sso_buttons %}: a sign-in button per configured provider; nothing at all when none is."""

from django import template
from django.template.loader import render_to_string

from accounts import sso

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_buttons(context, next="", process="login", intro="or"):
    request = context["request"]
    buttons = sso.buttons(request)
    if not buttons:
        return ""
    return render_to_string(
        "accounts/sso/buttons.html",
        {"buttons": buttons, "next": next, "process": process, "intro": intro},
        request=request,
    )
