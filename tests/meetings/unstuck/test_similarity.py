"""The one definition of a similar bottleneck, held to a labelled set of research bottlenecks."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from meetings.unstuck.similarity import (
    SIMILAR_AT,
    aligned_terms,
    bottleneck_score,
    pair_scores,
    precision_recall,
    similar,
    terms,
)

PAIRS = Path(__file__).parent / "data" / "bottleneck_pairs.tsv"
# Written after the measure was tuned, by someone who had not read similarity.py: never tune on it.
HOLDOUT = Path(__file__).parent / "data" / "bottleneck_pairs_holdout.tsv"


def _labelled(path: Path = PAIRS) -> tuple[list[tuple[str, str]], list[bool]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [(r["a"], r["b"]) for r in rows], [r["label"] == "1" for r in rows]


def test_the_labelled_set_is_big_and_balanced_enough():
    pairs, labels = _labelled()
    assert len(pairs) >= 40
    assert 15 <= sum(labels) <= len(labels) - 15


def test_precision_and_recall_on_the_labelled_set():
    pairs, labels = _labelled()
    scores = pair_scores(pairs)
    assert all(0.0 <= s <= 1.0 for s in scores)
    precision, recall = precision_recall(labels, [s >= SIMILAR_AT for s in scores])
    assert precision >= 0.8, precision
    assert recall >= 0.8, recall


def test_it_holds_a_held_out_set_of_paraphrases_and_of_pairs_that_differ():
    pairs, labels = _labelled(HOLDOUT)
    assert len(pairs) >= 48
    assert 18 <= sum(labels) <= len(labels) - 24
    assert not {frozenset(p) for p in pairs} & {frozenset(p) for p in _labelled()[0]}


def test_it_reaches_its_honest_level_on_the_held_out_set():
    """The issue asks for 0.8 and 0.8. On pairs it was not tuned on the measure is precise (0.87
    on SQLite and PostgreSQL alike) but misses paraphrases written in other words (recall 0.59):
    "low inter-annotator agreement" is "raters disagree" only to a reader who knows the field.
    The bounds sit just under the measured figures so that a regression fails here."""
    pairs, labels = _labelled(HOLDOUT)
    precision, recall = precision_recall(labels, [s >= SIMILAR_AT for s in pair_scores(pairs)])
    assert precision >= 0.85, precision
    assert recall >= 0.55, recall


@pytest.mark.parametrize("path", [PAIRS, HOLDOUT], ids=["tuning", "holdout"])
@pytest.mark.django_db
def test_scoring_many_pairs_asks_the_database_nothing(django_assert_num_queries, path):
    pairs, _ = _labelled(path)
    with django_assert_num_queries(0):
        pair_scores(pairs)


def test_it_makes_british_and_american_spellings_one_word():
    assert terms("The probe doesn't generalise; odd behaviour") == terms(
        "the probe doesn't generalize, odd behavior"
    )
    # -ize goes to -ise, not the reverse, so that Snowball keeps these together.
    assert terms("supervise") == terms("supervision")


def test_it_counts_a_word_written_in_two_parts_as_the_word():
    assert aligned_terms("fine-tune the model", "finetune the model") == (
        ("finetun", "model"),
        ("finetun", "model"),
    )
    assert similar("No data set for the probes", "No dataset for the probes")
    # Only where the other text has the joined word.
    assert aligned_terms("red team", "red team") == (("red", "team"), ("red", "team"))


def test_it_counts_long_stems_that_begin_one_another_as_one_word():
    assert bottleneck_score("analysis", "analyse") == 1.0
    # Short stems stay apart: "inter-annotator" is not "interpretability".
    assert bottleneck_score("inter", "interpretability") < SIMILAR_AT


def test_it_drops_contractions_without_apostrophe_and_hedges():
    assert terms("My probe doesnt generalize, probably") == terms("My probe does not generalize")


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
