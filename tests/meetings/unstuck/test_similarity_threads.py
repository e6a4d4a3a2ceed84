"""The similarity score from many threads at once, as gunicorn's threads compute it.

Snowball's stemmers keep their state on the instance while they stem a word: one stemmer shared
by threads mixes up their words (an IndexError inside snowballstemmer, or a wrong stem). The
words here are distinct, so the stem cache cannot hide a race by answering from memory.
"""

import random
from concurrent.futures import ThreadPoolExecutor

from meetings.unstuck import similarity

ROOTS = [
    "evaluat",
    "generaliz",
    "normalis",
    "replicat",
    "reproduc",
    "interpret",
    "optimiz",
    "regulariz",
    "tokeniz",
    "summariz",
    "characteriz",
    "quantiz",
    "calibrat",
    "annotat",
    "visualiz",
    "parameteriz",
    "initializ",
    "benchmark",
    "distill",
    "finetun",
]
ENDINGS = ["e", "es", "ed", "ing", "ation", "ations", "er", "ers", "ability", "ively", "ness"]


def _texts(seed: int, count: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)

    def text() -> str:
        # a made-up suffix per word: every word is new to the stem cache
        return " ".join(
            f"{rng.choice(ROOTS)}{rng.choice(ENDINGS)}{rng.choice('abcdefghij')}{rng.randrange(10**6)}"
            f"{rng.choice(ENDINGS)}"
            for _ in range(12)
        )

    return [(text(), text()) for _ in range(count)]


def _clear_caches() -> None:
    similarity._stem.cache_clear()
    similarity.terms.cache_clear()


def test_scores_from_sixteen_threads_are_the_scores_of_one():
    pairs = _texts(2027, 1000)
    _clear_caches()
    expected = [similarity.bottleneck_score(a, b) for a, b in pairs]
    expected_terms = [similarity.terms(a) for a, _ in pairs]
    _clear_caches()
    chunks = [pairs[i::16] for i in range(16)]

    def score(chunk):
        return [(similarity.terms(a), similarity.bottleneck_score(a, b)) for a, b in chunk]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(score, chunks))
    got_terms, got = {}, {}
    for chunk, result in zip(chunks, results, strict=True):
        for (a, b), (t, s) in zip(chunk, result, strict=True):
            got_terms[a], got[(a, b)] = t, s
    assert [got_terms[a] for a, _ in pairs] == expected_terms
    assert [got[pair] for pair in pairs] == expected


def test_no_stemmer_is_shared_between_threads():
    main = similarity._stemmer()

    def stemmer_of_this_thread(_):
        mine = similarity._stemmer()
        return mine is similarity._stemmer() and mine is not main

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(stemmer_of_this_thread, range(8)))
