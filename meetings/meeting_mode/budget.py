"""The meeting's time budget: the questions' minutes against the meeting's length.

Pure arithmetic on plain values, so the agenda, the brief and meeting mode share one rule and it
is tested without a database. A question without an estimate counts DEFAULT_MINUTES; a question
moved to "answer in writing" takes no meeting time.

When the questions do not fit, the suggestion is the lowest-ranked questions, taken from the
bottom of the list up, until their minutes cover the overflow: the scholar ranked them last, so
they matter least in the room. The top question is never suggested: a meeting about nothing is
worse than a meeting that runs over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_MINUTES = 5
MIN_MINUTES, MAX_MINUTES = 1, 60


@dataclass(frozen=True)
class Item:
    """One question as the budget sees it (in rank order, top first)."""

    id: int
    minutes: int | None = None
    in_writing: bool = False

    @property
    def cost(self) -> int:
        return DEFAULT_MINUTES if self.minutes is None else self.minutes


@dataclass(frozen=True)
class Budget:
    available: int  # the meeting's length in minutes
    planned: int  # minutes of the questions kept for the meeting
    in_writing: int  # how many questions moved to "answer in writing"
    suggestion: list[int] = field(default_factory=list)  # ids to move, top-ranked first
    suggested_minutes: int = 0

    @property
    def overflow(self) -> int:
        return max(0, self.planned - self.available)

    @property
    def left(self) -> int:
        return max(0, self.available - self.planned)

    @property
    def fits(self) -> bool:
        return self.overflow == 0

    @property
    def still_over(self) -> int:
        """Minutes over even after the suggestion (the top question alone is too long)."""
        return max(0, self.overflow - self.suggested_minutes)


def plan(items: Iterable[Item], available: int) -> Budget:
    """The budget of these questions (top-ranked first) in a meeting of `available` minutes."""
    items = list(items)
    kept = [item for item in items if not item.in_writing]
    planned = sum(item.cost for item in kept)
    overflow = planned - available
    suggestion: list[Item] = []
    if overflow > 0:
        covered = 0
        for item in reversed(kept[1:]):
            if covered >= overflow:
                break
            suggestion.append(item)
            covered += item.cost
    suggestion.reverse()
    return Budget(
        available=available,
        planned=planned,
        in_writing=len(items) - len(kept),
        suggestion=[item.id for item in suggestion],
        suggested_minutes=sum(item.cost for item in suggestion),
    )


def for_questions(questions: Iterable, available: int) -> Budget:
    """plan() for Question objects (in rank order; set-aside ones are left out by the caller)."""
    return plan((Item(q.pk, q.estimate_minutes, q.in_writing) for q in questions), available)
