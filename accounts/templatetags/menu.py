"""{% menu user as menu %}: what the header's menu links to, in one query for every page.

`menu.is_scholar`: the user has a pair as scholar (their history and growth); `menu.programs`:
the programs they are staff of (each one's cadence), as (slug, name), newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import CharField, DateField, Exists, Value

from ..models import Mentorship, Program, User

register = template.Library()


@dataclass(frozen=True)
class Menu:
    is_scholar: bool
    programs: tuple[tuple[str, str], ...]


@register.simple_tag
def menu(user: User) -> Menu:
    programs = Program.objects.staffed_by(user).order_by().values_list("slug", "name", "starts_on")
    # One more row, with no slug (a program always has one), when the user is someone's scholar.
    scholar = (
        User.objects.filter(pk=user.pk)
        .filter(Exists(Mentorship.objects.of_scholar(user)))
        .order_by()
        .values_list(
            Value("", output_field=CharField()),
            Value("", output_field=CharField()),
            Value(None, output_field=DateField()),
        )
    )
    rows = list(programs.union(scholar, all=True).order_by("-starts_on", "name"))
    return Menu(
        is_scholar=any(not slug for slug, _, _ in rows),
        programs=tuple((slug, name) for slug, name, _ in rows if slug),
    )
