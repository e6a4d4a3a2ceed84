"""Score pairs of bottlenecks from a tab-separated file: each pair's score and verdict, and the
precision and recall when the file has labels (a third column, 1 or 0).

    manage.py bottleneck_similarity tests/meetings/unstuck/data/bottleneck_pairs.tsv

A first line whose third column is not 0 or 1 (e.g. "a  b  label") is read as a header.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.unstuck.similarity import SIMILAR_AT, pair_scores, precision_recall


class Command(BaseCommand):
    help = "Score tab-separated pairs of bottlenecks (a, b, optional label 1/0)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="tab-separated: bottleneck a, bottleneck b[, label]")

    def handle(self, *args, file: str, **options) -> None:
        pairs, labels = _read(Path(file))
        scores = pair_scores(pairs)
        for (a, b), score in zip(pairs, scores, strict=True):
            verdict = "similar" if score >= SIMILAR_AT else "different"
            self.stdout.write(f"{score:.3f}\t{verdict}\t{_short(a)}\t{_short(b)}")
        if labels:
            verdicts = [score >= SIMILAR_AT for score in scores]
            precision, recall = precision_recall(labels, verdicts)
            self.stdout.write(
                f"{len(pairs)} pairs, threshold {SIMILAR_AT}: "
                f"precision {precision:.2f}, recall {recall:.2f}"
            )


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _read(path: Path) -> tuple[list[tuple[str, str]], list[bool]]:
    """The pairs and, when every pair has one, their labels. CommandError for a file that cannot
    be read or a line that is not two or three tab-separated columns."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    pairs: list[tuple[str, str]] = []
    labels: list[bool] = []
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter="\t"), start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) not in (2, 3) or not row[0].strip() or not row[1].strip():
            raise CommandError(
                f"{path}, line {number}: expected two bottlenecks and an optional label "
                f"separated by tabs, found {len(row)} column(s)."
            )
        if len(row) == 3:
            label = row[2].strip()
            if label not in ("0", "1"):
                if number == 1 and not pairs:
                    continue  # a header line
                raise CommandError(
                    f"{path}, line {number}: the label must be 1 or 0, not {label!r}."
                )
            labels.append(label == "1")
        pairs.append((row[0].strip(), row[1].strip()))
    if not pairs:
        raise CommandError(f"{path}: no pairs found.")
    if labels and len(labels) != len(pairs):
        raise CommandError(f"{path}: some pairs have a label and some do not.")
    return pairs, labels
