"""What a page would otherwise work out from user text on every view, stored when the text is
written: word counts and the sanitised HTML of Markdown.

A derived column names its `sources`; its value is worked out from them in `pre_save`, which
Django calls for every column it writes on `Model.save()` and `bulk_create()`. Two more write
paths could leave it stale, and both are closed here:

- `save(update_fields=[...])` writes only the named columns: `DerivedFieldsMixin.save` adds the
  derived columns of every source named.
- `QuerySet.update(**values)` calls no `pre_save`: `DerivedQuerySet.update` adds the derived
  values of every source given; for a column derived from several sources of which only some
  are given, it reads the rows back and writes the column again, unless the caller passed
  `derived_values(instance, changes)` from the instance it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import models, transaction
from django.db.models.expressions import Combinable

from meetings.templatetags.mentorprep import render_markdown, stored_html


def word_count(text: str | None) -> int:
    """Words as the agenda's word meter counts them: runs of non-space characters."""
    return len((text or "").split())


class _Derived:
    """A column worked out from `sources` whenever the row is written."""

    sources: tuple[str, ...]

    def _set_sources(self, sources: str | Iterable[str]) -> None:
        self.sources = (sources,) if isinstance(sources, str) else tuple(sources)

    def derive(self, values: dict):
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.derive({name: getattr(model_instance, name) for name in self.sources})
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = list(self.sources)
        kwargs.pop("editable", None)
        kwargs.pop("default", None)
        return name, path, args, kwargs


class WordCountField(_Derived, models.PositiveIntegerField):
    """The words of its source columns, together."""

    def __init__(self, *args, sources=(), **kwargs):
        self._set_sources(sources)
        kwargs.update(editable=False, default=0)
        super().__init__(*args, **kwargs)

    def derive(self, values: dict) -> int:
        return sum(word_count(values[name]) for name in self.sources)


class MarkdownHTMLField(_Derived, models.TextField):
    """The source column's Markdown as sanitised HTML (meetings/templatetags/mentorprep.py),
    read back safe to print: templates show it as it is, without rendering again."""

    def __init__(self, *args, sources=(), **kwargs):
        self._set_sources(sources)
        kwargs.update(editable=False, default="", blank=True)
        super().__init__(*args, **kwargs)

    def derive(self, values: dict) -> str:
        return render_markdown(values[self.sources[0]])

    def from_db_value(self, value, expression, connection):
        return stored_html(value)


class WeekField(_Derived, models.DateField):
    """The Monday of the week of its source date: the week a dated thing counts for."""

    def __init__(self, *args, sources=(), **kwargs):
        self._set_sources(sources)
        kwargs.update(editable=False, null=True)
        super().__init__(*args, **kwargs)

    def derive(self, values: dict) -> date | None:
        day = values[self.sources[0]]
        return None if day is None else monday(day)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def derived_fields(model: type[models.Model]) -> list[_Derived]:
    return [f for f in model._meta.concrete_fields if isinstance(f, _Derived)]


def derived_values(instance: models.Model, changes: dict) -> dict:
    """The derived columns that `changes` (source values about to be written to `instance`'s
    row) change, worked out with the instance's other values: what an update writes with them."""
    values = {}
    for f in derived_fields(type(instance)):
        if set(f.sources) & set(changes):
            sources = {name: changes.get(name, getattr(instance, name)) for name in f.sources}
            values[f.name] = f.derive(sources)
    return values


class DerivedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        stale = []  # derived columns this update cannot work out from its own values
        for f in derived_fields(self.model):
            given = set(f.sources) & set(kwargs)
            if not given or f.name in kwargs:
                continue
            if given == set(f.sources) and not any(
                isinstance(kwargs[name], Combinable) for name in given
            ):
                kwargs[f.name] = f.derive(kwargs)
            else:
                stale.append(f)
        if not stale:
            return super().update(**kwargs)
        # Some sources only (or expressions): the rows' other values are read back after the
        # update, in the same transaction. Writers that hold the instance pass
        # derived_values(instance, changes) instead and skip these two queries.
        with transaction.atomic(using=self.db, savepoint=False):
            pks = list(self.values_list("pk", flat=True))
            done = super().update(**kwargs)
            _recompute(self.model._base_manager.db_manager(self.db).filter(pk__in=pks), stale)
        return done


def _recompute(rows: models.QuerySet, fields: list[_Derived]) -> None:
    sources = sorted({name for f in fields for name in f.sources})
    objs = list(rows.only("pk", *sources))
    for obj in objs:
        for f in fields:
            setattr(obj, f.attname, f.derive({name: getattr(obj, name) for name in f.sources}))
    if objs:
        rows.model._base_manager.db_manager(rows.db).bulk_update(objs, [f.name for f in fields])


class DerivedFieldsMixin(models.Model):
    """Keeps the derived columns of a `save(update_fields=...)` in step with their sources."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        deferred = self.get_deferred_fields() if not self._state.adding else set()
        if update_fields is None and deferred:
            # Django would write the loaded columns only: a derived column left deferred
            # would keep its old value while its source changes.
            update_fields = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in deferred
            ]
        if update_fields is not None:
            named = set(update_fields)
            extra = [f.name for f in derived_fields(type(self)) if named & set(f.sources)]
            update_fields = [*update_fields, *(n for n in extra if n not in named)]
        super().save(*args, update_fields=update_fields, **kwargs)


def fill(model: type[models.Model], batch_size: int = 500) -> int:
    """Work out every derived column of `model`'s existing rows again (the data migration that
    added them; usable on a historical model). Returns how many rows were written."""
    fields = derived_fields(model)
    if not fields:
        return 0
    sources = sorted({name for f in fields for name in f.sources})
    rows = model._base_manager.only("pk", *sources).order_by("pk")
    written, pending = 0, []
    for obj in rows.iterator(chunk_size=batch_size):
        for f in fields:
            setattr(obj, f.attname, f.derive({name: getattr(obj, name) for name in f.sources}))
        pending.append(obj)
        if len(pending) == batch_size:
            written += _write(model, pending, fields)
            pending = []
    return written + _write(model, pending, fields)


def _write(model, objs, fields) -> int:
    if objs:
        model._base_manager.bulk_update(objs, [f.name for f in fields])
    return len(objs)
