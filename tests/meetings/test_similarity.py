"""The one definition of a similar bottleneck, held to a labelled set of research bottlenecks
on the current database (SQLite: the Python measure; PostgreSQL: its text search and pg_trgm)."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.similarity import (
    SIMILAR_AT,
    bottleneck_score,
    pair_scores,
    precision_recall,
    similar,
)

PAIRS = Path(__file__).parent / "data" / "bottleneck_pairs.tsv"


def _labelled() -> tuple[list[tuple[str, str]], list[bool]]:
    with PAIRS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["a"], r["b"]) for r in rows], [r["label"] == "1" for r in rows]


def test_the_labelled_set_is_big_and_balanced_enough():
    pairs, labels = _labelled()
    assert len(pairs) >= 40
    assert 15 <= sum(labels) <= len(labels) - 15


@pytest.mark.django_db
def test_precision_and_recall_on_the_labelled_set_on_this_database(django_assert_num_queries):
    pairs, labels = _labelled()
    scores = pair_scores(pairs)
    assert all(0.0 <= s <= 1.0 for s in scores)
    precision, recall = precision_recall(labels, [s >= SIMILAR_AT for s in scores])
    assert precision >= 0.8, precision
    assert recall >= 0.8, recall


@pytest.mark.django_db
def test_scoring_many_pairs_costs_at_most_one_query(django_assert_max_num_queries):
    pairs, _ = _labelled()
    with django_assert_max_num_queries(1):
        pair_scores(pairs)


def test_stemming_matches_evaluating_and_evaluation():
    assert similar("Evaluating the probes is slow", "Slow evaluation of probes")
    assert bottleneck_score("evaluating", "evaluation") == 1.0


def test_equal_texts_score_one_and_unrelated_ones_near_zero():
    text = "My qPCR replicates are inconsistent."
    assert bottleneck_score(text, text) == 1.0
    assert bottleneck_score(text, "Should I apply to PhD programs this year?") < 0.1
    assert bottleneck_score("", text) == 0.0
    assert bottleneck_score("the and of", "the and of") == 0.0  # nothing but stop words


def test_synonyms_count_as_the_same_word():
    assert similar("I can't replicate the baseline", "Unable to reproduce the baseline")


def test_related_but_different_problems_are_not_similar():
    assert not similar(
        "Training the sparse autoencoder is slow because of the dictionary size",
        "I don't know which metric to trust to evaluate the sparse autoencoder features",
    )


# --- The management command -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_scores_verdicts_and_precision_recall():
    out = StringIO()
    call_command("bottleneck_similarity", str(PAIRS), stdout=out)
    lines = out.getvalue().splitlines()
    pairs, _ = _labelled()
    assert len(lines) == len(pairs) + 1
    assert lines[0].split("\t")[1] in {"similar", "different"}
    assert lines[-1].startswith(f"{len(pairs)} pairs, threshold {SIMILAR_AT}: precision ")


@pytest.mark.django_db
def test_the_command_scores_unlabelled_pairs(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("Evaluating probes is slow\tProbe evaluation is slow\n", encoding="utf-8")
    out = StringIO()
    call_command("bottleneck_similarity", str(path), stdout=out)
    assert out.getvalue().count("\n") == 1
    assert "\tsimilar\t" in out.getvalue() and "precision" not in out.getvalue()


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "No such file"),
        ("just one column\n", "expected two bottlenecks"),
        ("a\tb\tmaybe\nc\td\t1\n", None),  # a header line is skipped
        ("a\tb\t1\nc\td\tyes\n", "the label must be 1 or 0"),
        ("a\tb\t1\nc\td\n", "some pairs have a label"),
        ("\n\n", "no pairs found"),
        (b"\xff\xfe\x00garbled", "Cannot read"),
    ],
)
@pytest.mark.django_db
def test_the_command_refuses_a_missing_or_garbled_file(tmp_path, content, message):
    path = tmp_path / "pairs.tsv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    if message is None:
        call_command("bottleneck_similarity", str(path), stdout=StringIO())
        return
    with pytest.raises(CommandError, match=message):
        call_command("bottleneck_similarity", str(path), stdout=StringIO())
