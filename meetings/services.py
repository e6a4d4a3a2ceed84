"""Writes that touch several models."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import Agenda, Question, agenda_updated


@transaction.atomic
def touch_agenda(agenda: Agenda) -> None:
    """Record that the agenda changed (a question added, moved…); a submitted one shows as updated."""
    now = timezone.now()
    fields = {"updated_at": now}
    if agenda.is_submitted:
        fields["updated_after_submit_at"] = now
    Agenda.objects.filter(pk=agenda.pk).update(**fields)
    for name, value in fields.items():
        setattr(agenda, name, value)
    if agenda.is_submitted:
        transaction.on_commit(lambda: agenda_updated.send(sender=Agenda, agenda=agenda))


@transaction.atomic
def answer_question(question: Question, answer: str, status: str, by: User) -> None:
    question.answer = answer.strip()
    if question.answer and status == Question.Status.OPEN:
        status = Question.Status.ANSWERED
    question.status = status
    if question.answer:
        question.answered_by = by
        question.answered_at = question.answered_at or timezone.now()
    question.save(update_fields=["answer", "status", "answered_by", "answered_at"])
