"""When two bottlenecks are "the same problem again": the one definition of a similar bottleneck.

A scholar rarely writes last week's bottleneck with the same words, so equal text is not enough:
"Evaluating the reward model fails on the cluster" and "the reward model evaluation runs out of
memory" are one problem. Both texts are reduced to their content words, stemmed (Snowball's
English stemmer, as PostgreSQL's `english` text-search configuration does, so "evaluating" and
"evaluation" meet), with a small map of research synonyms ("replicate" is "reproduce", "GPUs" are
"compute"). British and American spellings are made one before stemming ("generalise",
"generalize"), and within a pair two words written as one in the other text ("fine-tune",
"finetune") and long stems that begin one another ("analys", "analysi") count as the same word.
The score combines the overlap of those stems (Dice) with the character-trigram similarity of the
stemmed texts (pg_trgm's measure), which catches the spelling variants the stems still miss.

The score is computed in Python from texts fetched once, the same on SQLite and PostgreSQL: a
page comparing many pairs never runs a query per pair. (An earlier twin in SQL, PostgreSQL's
full-text search with pg_trgm, was dropped: no page used it, and one definition in one place is
what keeps the detector's verdicts the same on both databases.)

Two labelled sets hold both measures: tests/meetings/unstuck/data/bottleneck_pairs.tsv, on which the
threshold and synonyms were tuned (precision and recall 1.0), and bottleneck_pairs_holdout.tsv,
written afterwards by someone who had not read this module, which shows the honest level
(precision 0.87, recall 0.59: a paraphrase in other words is often missed; see the README).
Matching words cannot know that "raters disagree" is "low inter-annotator agreement"; more
recall needs knowledge of the field, not more weight tuning.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer

# At or above this score two bottlenecks are the same problem (tuned on bottleneck_pairs.tsv; kept
# when the held-out set came, so that set stays a fair measure: 0.42 would give 0.81 / 0.77 there
# instead of 0.87 / 0.59, and 0.92 precision on the tuning set).
SIMILAR_AT = 0.45
# The stem overlap counts more than the spelling: words carry the meaning.
STEM_WEIGHT = 0.75

# Snowball's stemmers keep the word being stemmed on the instance: one shared by gunicorn's
# threads mixes their words up (an IndexError, or a wrong stem). Each thread gets its own.
_PER_THREAD = threading.local()
_WORD = re.compile(r"[a-z0-9]+")

# Words that do not tell one problem from another: function words, contractions typed with or
# without their apostrophe, and hedges that say how sure the scholar is ("probably", "worried").
_STOPWORD_TEXT = """
    a about above after again against all already also am an and any are as at be because been
    before being below between both but by can cannot could did do does doing don down during
    each even ever few for from further get gets getting got had has have having he her here
    him his how i if in into is it its itself just keep keeps kept know let like make makes me
    more most much my myself need needs no nor not now of off on once only or other our out
    over own really same see seem seems she should since so some still stuck such than that the
    their them then there these they this those through to too try trying under unsure until up
    us very want was way we were what when where which while who whom why will with without
    would yet you your again always anymore sure thing things time week weeks last lot lots
    which whether one two three ve ll re isn aren wasn doesn didn won t s m d
    haven hasn hadn weren couldn wouldn shouldn cant dont doesnt didnt isnt wasnt wont havent
    non probably maybe perhaps worried think use using used
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Words that name the same thing in a scholar's bottleneck, mapped to one stem. Keys and values
# are stems (after `_stem`), so every inflection of a word is covered.
SYNONYMS = {
    "replic": "reproduc",
    "gpus": "comput",
    "gpu": "comput",
    "budget": "comput",
    "oom": "memori",
    "sae": "autoencod",
    "saes": "autoencod",
    "ioi": "indirect",
    "respond": "particip",
    "respons": "particip",
    "subject": "particip",
    "interviewe": "particip",
    "dedup": "duplic",
    "nan": "diverg",
    "unstabl": "diverg",
    "explod": "diverg",
    "harmless": "benign",
    "innoc": "benign",
    "irb": "ethic",
    "locat": "find",
    "identifi": "find",
    "eval": "evalu",
    "assess": "evalu",
    "measur": "metric",
    "lie": "decept",
    "deceiv": "decept",
    "variabl": "control",
    "covari": "control",
    "narrow": "scope",
    "broad": "scope",
    "bigger": "larg",
    "larger": "larg",
    "stall": "slow",
    "forev": "slow",
    "pend": "slow",
}


# One spelling for words that British and American scholars write differently, which Snowball
# stems apart ("generalise" / "generalize", "behaviour" / "behavior"). The -ize words go to -ise
# rather than the reverse, because Snowball keeps "supervise" with "supervision".
_SPELLINGS = (
    (re.compile(r"(?<=[a-z]{3})iz(e|es|ed|ing|er|ers|ation|ations)$"), r"is\1"),
    (re.compile(r"(?<=[a-z]{2})yz(e|es|ed|ing|er|ers)$"), r"ys\1"),
    (re.compile(r"(?<=[a-z]{3})our(s|ed|ing|al)?$"), r"or\1"),
)
# Stems this long that begin another stem of the pair are one word: Snowball leaves some
# derivations apart ("analysis" / "analyse", "identification" / "identified").
_PREFIX_AT_LEAST = 6


def _spelling(word: str) -> str:
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _stemmer():
    """This thread's English stemmer, made on its first use."""
    stemmer = getattr(_PER_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _PER_THREAD.stemmer = snowballstemmer.stemmer("english")
    return stemmer


# lru_cache is thread-safe, and what it caches is a pure function of the word: two threads
# missing the same word at once each stem it with their own stemmer and store the same answer.
@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    stem = _stemmer().stemWord(_spelling(word))
    return SYNONYMS.get(stem, SYNONYMS.get(word, stem))


@lru_cache(maxsize=2048)
def terms(text: str) -> tuple[str, ...]:
    """The text's content words, stemmed and mapped to their synonym, in order."""
    return tuple(_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS)


def _joined(words: tuple[str, ...], other: set[str]) -> tuple[str, ...]:
    """`words` with two neighbours written as one word where the other text has that word
    ("fine-tune" / "finetune", "data set" / "dataset")."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            together = words[i] + words[i + 1]
            for candidate in (together, _stem(together)):
                if candidate in other:
                    out.append(candidate)
                    i += 2
                    break
            else:
                out.append(words[i])
                i += 1
        else:
            out.append(words[i])
            i += 1
    return tuple(out)


def _prefixed(words: tuple[str, ...], other: set[str]) -> tuple[str, ...]:
    """`words` where a long stem that begins a stem of the other text, or is begun by one, is
    replaced by the shorter of the two, so both texts carry it."""
    out = []
    for word in words:
        for theirs in other:
            short, long = sorted((word, theirs), key=len)
            if short != long and len(short) >= _PREFIX_AT_LEAST and long.startswith(short):
                word = short
                break
        out.append(word)
    return tuple(out)


def aligned_terms(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Both texts' terms, with the compound words and stem variants they share made equal."""
    return _aligned(terms(a or ""), terms(b or ""))


def _aligned(ta: tuple[str, ...], tb: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ta = _joined(ta, set(tb))
    tb = _joined(tb, set(ta))
    ta = _prefixed(ta, set(tb))
    tb = _prefixed(tb, set(ta))
    return ta, tb


def _trigrams(words: tuple[str, ...]) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in words:
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def trigram_similarity(a: set, b: set) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams."""
    return len(a & b) / len(a | b) if a and b else 0.0


def combine(stem_overlap: float, trigram: float) -> float:
    return STEM_WEIGHT * stem_overlap + (1 - STEM_WEIGHT) * trigram


def bottleneck_score(a: str, b: str) -> float:
    """How much two bottlenecks are the same problem, from 0 (unrelated) to 1 (same words)."""
    return terms_score(terms(a or ""), terms(b or ""))


def terms_score(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """bottleneck_score of two texts from their `terms` (stored with a submitted agenda, so the
    stuck streak of a whole pair is worked out again without stemming a word)."""
    ta, tb = _aligned(a, b)
    if not ta or not tb:
        return 0.0
    return round(
        combine(dice(set(ta), set(tb)), trigram_similarity(_trigrams(ta), _trigrams(tb))), 4
    )


def similar(a: str, b: str) -> bool:
    return bottleneck_score(a, b) >= SIMILAR_AT


def similar_terms(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return terms_score(a, b) >= SIMILAR_AT


def pair_scores(pairs: list[tuple[str, str]]) -> list[float]:
    """Scores of many pairs, in Python on texts already fetched: no query, the same on every
    database."""
    return [bottleneck_score(a, b) for a, b in pairs]


def precision_recall(labels: list[bool], verdicts: list[bool]) -> tuple[float, float]:
    true_pos = sum(1 for lab, v in zip(labels, verdicts, strict=True) if lab and v)
    predicted = sum(verdicts)
    actual = sum(labels)
    return (true_pos / predicted if predicted else 1.0, true_pos / actual if actual else 1.0)
