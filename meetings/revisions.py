"""Agenda revision history (issue 6): who changed what in an agenda, and when.

Agenda.save_fields and Agenda.submit record revisions here. Autosave writes often, so saves by
the same author in one burst (each less than COALESCE_GAP after the previous one, the burst no
longer than COALESCE_SPAN) are merged into one revision: the first old value and the last new
value of each field. A field edited back to where it started drops out of the revision.

Who sees revisions (PRIVACY.md): the scholar all of them; their mentor only once the agenda is
submitted, only the revisions from the submission on, and never the private check-in fields.
"""

from __future__ import annotations

import difflib
import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import access

COALESCE_GAP = timedelta(minutes=5)
COALESCE_SPAN = timedelta(minutes=30)
PRIVATE_FIELDS = {"wellbeing_energy", "wellbeing_note", "wellbeing_visibility"}
QUESTION_KEY = "question-"  # changes to a question's text are kept as "question-<id>"
ORDER_KEY = "question_order"  # the scholar's ranking of the open questions, one per line


class AgendaRevisionQuerySet(models.QuerySet["AgendaRevision"]):
    def visible_to(self, user) -> AgendaRevisionQuerySet:
        return self.filter(access.revision(user))


class AgendaRevision(models.Model):
    class Kind(models.TextChoices):
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted"

    agenda = models.ForeignKey(
        "meetings.Agenda", on_delete=models.CASCADE, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    # The agenda's version once this revision's last save was written.
    version = models.PositiveIntegerField()
    # {field name: {"old": value, "new": value}}
    changes = models.JSONField(default=dict)
    # Made once the agenda had been submitted: the mentor may see it.
    after_submit = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AgendaRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agenda", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} of {self.agenda_id}"

    def changes_for(self, user) -> list[dict]:
        """The changes, labelled and diffed, without private fields for anyone but the scholar."""
        from .models import Agenda

        is_scholar = self.agenda.meeting.mentorship.scholar_id == user.pk
        labels = {f.name: str(f.verbose_name) for f in Agenda._meta.fields}
        labels |= {name: "Question" for name in self.changes if name.startswith(QUESTION_KEY)}
        labels[ORDER_KEY] = "Order of questions"
        rows = []
        for name, change in self.changes.items():
            if name in PRIVATE_FIELDS and not is_scholar:
                continue
            old, new = change.get("old"), change.get("new")
            rows.append(
                {
                    "field": name,
                    "label": labels.get(name, name).capitalize(),
                    "old": old,
                    "new": new,
                    "diff": word_diff(
                        "" if old is None else str(old), "" if new is None else str(new)
                    ),
                }
            )
        order = ["bottleneck", QUESTION_KEY, ORDER_KEY, "tried", "progress", "reading", "asks"]

        def position(row: dict) -> int:
            key = QUESTION_KEY if row["field"].startswith(QUESTION_KEY) else row["field"]
            return order.index(key) if key in order else len(order)

        return sorted(rows, key=position)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in "same", "del", "ins": rendered with autoescaping, never as HTML."""
    old, new = old.replace("\r\n", "\n"), new.replace("\r\n", "\n")
    a, b = re.findall(r"\s*\S+\s*|\s+", old), re.findall(r"\s*\S+\s*|\s+", new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("del", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("ins", "".join(b[j1:j2])))
    return out


def _same(a, b) -> bool:
    """Equal, counting a browser's CRLF line ends as the LF they mean."""
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
    return a == b


def _changed(old: dict, new: dict) -> dict:
    return {
        name: {"old": old.get(name), "new": value}
        for name, value in new.items()
        if not _same(old.get(name), value)
    }


def record_edit(agenda, author, old: dict, new: dict, version: int, now=None) -> None:
    """Record one save (old/new values of the fields written), coalescing a burst of saves."""
    now = now or timezone.now()
    changes = _changed(old, new)
    after_submit = agenda.status == agenda.Status.SUBMITTED
    last = AgendaRevision.objects.filter(agenda=agenda).order_by("-created_at", "-pk").first()
    if (
        last is not None
        and last.kind == AgendaRevision.Kind.EDIT
        and last.author_id == getattr(author, "pk", None)
        and last.after_submit == after_submit
        and now - last.updated_at <= COALESCE_GAP
        and now - last.created_at <= COALESCE_SPAN
    ):
        merged = dict(last.changes)
        for name, change in changes.items():
            first_old = merged[name]["old"] if name in merged else change["old"]
            merged[name] = {"old": first_old, "new": change["new"]}
        merged = {n: c for n, c in merged.items() if not _same(c["old"], c["new"])}
        last.changes, last.version, last.updated_at = merged, version, now
        if merged:
            last.save(update_fields=["changes", "version", "updated_at"])
        else:
            last.delete()  # edited back to where the burst started: nothing changed
        return
    if changes:
        AgendaRevision.objects.create(
            agenda=agenda,
            author=author,
            version=version,
            changes=changes,
            after_submit=after_submit,
            created_at=now,
            updated_at=now,
        )


def record_submit(agenda, author, was_status: str, now=None) -> None:
    now = now or timezone.now()
    AgendaRevision.objects.create(
        agenda=agenda,
        author=author,
        kind=AgendaRevision.Kind.SUBMIT,
        version=agenda.version,
        changes={"status": {"old": was_status, "new": agenda.status}},
        after_submit=True,
        created_at=now,
        updated_at=now,
    )


# --- Questions: added, reworded or removed by the scholar ------------------------------------
# Questions are saved from several views; recording here keeps every one of them covered. Only
# a question's text counts (the mentor's answers and states are not agenda edits), and rows
# removed because their agenda or meeting goes are not recorded.


@receiver(pre_save, sender="meetings.Question")
def _remember_question_text(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._text_before = None
        return
    instance._text_before = (
        sender.objects.filter(pk=instance.pk).values_list("text", flat=True).first()
    )


@receiver(post_save, sender="meetings.Question")
def _record_question_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    before = "" if created else getattr(instance, "_text_before", None)
    if before is None or before == instance.text:
        return
    _record_question(instance, before, instance.text)


@receiver(post_delete, sender="meetings.Question")
def _record_question_deleted(sender, instance, origin=None, **kwargs) -> None:
    if origin is not instance:
        return  # removed with its agenda, meeting or person: nothing left to keep history for
    _record_question(instance, instance.text, "")


def _record_question(question, old: str, new: str) -> None:
    agenda = question.agenda
    key = f"{QUESTION_KEY}{question.pk}"
    record_edit(agenda, agenda.meeting.mentorship.scholar, {key: old}, {key: new}, agenda.version)


# --- Question moves (issue 6): the ranking is an edit like any other ---------------------------


def ranking_text(questions) -> str:
    """The open questions in rank order, numbered one per line (set-aside ones are not ranked)."""
    ranked = [q for q in questions if not q.is_set_aside]
    return "\n".join(f"{i}. {q.text}" for i, q in enumerate(ranked, start=1))


def record_question_order(agenda, before, after) -> None:
    """Record that the scholar moved questions: the ranking before and after, as one change
    that coalesces with the burst (moved back to where it started, it drops out)."""
    old, new = ranking_text(before), ranking_text(after)
    if old == new:
        return
    record_edit(
        agenda,
        agenda.meeting.mentorship.scholar,
        {ORDER_KEY: old},
        {ORDER_KEY: new},
        agenda.version,
    )
