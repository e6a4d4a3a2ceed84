"""Deleting a person: who may, and exactly what goes with them.

A superuser (operator) may delete anyone but themselves. Program staff may delete a person only
when everything that person does in mentorprep lies inside programs they staff: deleting them
must never take away another program's records. Nobody deletes a superuser but a superuser.
Deletion happens from a program's people page, so it is also limited to that program's people.
"""

from __future__ import annotations

from collections import Counter

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Exists, OuterRef, Q
from django.db.models.deletion import Collector

from .models import Mentorship, Program, ResearchManagerAssignment, User


def programs_deleting_for(actor: User):
    """The programs from whose people page `actor` may delete someone."""
    if not actor.is_authenticated or not actor.is_active:
        return Program.objects.none()
    return Program.objects.all() if actor.is_superuser else Program.objects.staffed_by(actor)


def deletable_by(actor: User, program: Program | None = None):
    """The people `actor` may delete (among the scholars and mentors of `program`, if given)."""
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    others = User.objects.exclude(pk=actor.pk)
    if program is not None:
        in_program = Mentorship.objects.filter(
            Q(scholar=OuterRef("pk")) | Q(mentor=OuterRef("pk")), program=program
        )
        others = others.filter(Exists(in_program))
    if actor.is_superuser:
        return others
    mine = Program.objects.filter(staff=actor)
    if not mine.exists():
        return User.objects.none()
    outside = ~Q(program__in=mine)
    elsewhere_mentorship = Mentorship.objects.filter(
        Q(scholar=OuterRef("pk")) | Q(mentor=OuterRef("pk"))
    ).filter(outside)
    elsewhere_manager = ResearchManagerAssignment.objects.filter(
        Q(scholar=OuterRef("pk")) | Q(manager=OuterRef("pk"))
    ).filter(outside)
    elsewhere_staff = Program.objects.filter(staff=OuterRef("pk")).exclude(pk__in=mine)
    in_mine = Mentorship.objects.filter(
        Q(scholar=OuterRef("pk")) | Q(mentor=OuterRef("pk")), program__in=mine
    )
    return (
        others.filter(is_superuser=False)
        .filter(Exists(in_mine))
        .exclude(Exists(elsewhere_mentorship))
        .exclude(Exists(elsewhere_manager))
        .exclude(Exists(elsewhere_staff))
    )


def deletion_summary(user: User) -> dict:
    """What deleting `user` removes (counts per kind) and what stays without their name."""
    using = router.db_for_write(User, instance=user) or DEFAULT_DB_ALIAS
    collector = Collector(using=using)
    collector.collect([user])
    removed: Counter[str] = Counter()
    gone: dict[type, set] = {}
    for model, instances in collector.data.items():
        gone.setdefault(model, set()).update(obj.pk for obj in instances)
    for qs in collector.fast_deletes:
        gone.setdefault(qs.model, set()).update(qs.values_list("pk", flat=True))
    for model, pks in gone.items():
        if model is not User and pks:
            removed[str(model._meta.verbose_name_plural)] += len(pks)
    # Rows that only lose the person's name (SET_NULL), unless they go anyway.
    kept: Counter[str] = Counter()
    for (field, _value), batches in collector.field_updates.items():
        model = field.model
        pks = set()
        for batch in batches:
            pks.update(obj.pk for obj in batch)
        pks -= gone.get(model, set())
        if pks:
            kept[str(model._meta.verbose_name_plural)] += len(pks)
    return {
        "removed": sorted(removed.items()),
        "kept": sorted(kept.items()),
        "total_removed": sum(removed.values()),
    }
