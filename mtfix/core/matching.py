"""Similarity of segments for the translation memory: normalising, hashing, scoring.

Pure functions shared by every memory backend (SQLite today, PostgreSQL later) and by the
review UI, so that a score means the same thing wherever it is shown:

- :func:`normalise` is what "identical" means: Unicode NFC, runs of white space collapsed to
  one space, no leading or trailing space. Case and punctuation count.
- :func:`text_hash` is a 64-bit hash of the normalised text, for exact lookups.
- :func:`index_words` are the words a memory indexes a source under (case-folded).
- :func:`score` is rapidfuzz's ``fuzz.ratio`` of the normalised texts (0-100).
- :func:`canonical_language` writes language tags one way ("en-US").
- :func:`explain` says why: character and word similarity and the words that differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mtfix.core.models import MatchExplanation
from mtfix.core.normal import (
    canonical_language,
    index_words,
    normalise,
    normalise_many,
    normalised_hash,
    normalised_hashes,
    text_hash,
)

__all__ = ["canonical_language", "explain", "explain_matches", "index_words", "normalise", "normalise_many",
           "normalised_hash", "normalised_hashes", "rescore", "score", "text_hash"]

_TOKEN = re.compile(r"\w+|[^\w\s]")


def score(query: str, source: str) -> float:
    """Similarity of two segments, 0-100 (rapidfuzz ``fuzz.ratio`` of the normalised texts).

    Args:
        query: The segment looked up.
        source: A memory unit's source.
    """
    from rapidfuzz import fuzz  # here, not above: a process that only imports never loads it

    return fuzz.ratio(normalise(query), normalise(source))


def explain(query: str, source: str) -> MatchExplanation:
    """Character and word similarity of two segments and the words that differ.

    Args:
        query: The segment looked up.
        source: A memory unit's source.

    Returns:
        The explanation; ``missing`` lists words of the query absent from the source and
        ``extra`` words of the source absent from the query, in text order.
    """
    return explain_matches(normalise(query), [normalise(source)])[0]


def explain_matches(
    query: str, sources: list[str], scores: list[float] | None = None
) -> list[MatchExplanation]:
    """:func:`explain` of one query against several sources, the query's words split once.

    Args:
        query: The normalised query.
        sources: Normalised sources.
        scores: Their :func:`score` against the query, if already known.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    q_tokens = _TOKEN.findall(query)
    explanations = []
    for n, source in enumerate(sources):
        s_tokens = _TOKEN.findall(source)
        missing: list[str] = []
        extra: list[str] = []
        # the longest common run of words stays; what is left on each side differs (a
        # word present on both sides is never reported as missing and extra at once)
        for op in Indel.opcodes(q_tokens, s_tokens):
            if op.tag == "delete":
                missing.extend(q_tokens[op.src_start : op.src_end])
            elif op.tag == "insert":
                extra.extend(s_tokens[op.dest_start : op.dest_end])
        explanations.append(MatchExplanation(
            char_similarity=round(scores[n] if scores is not None else fuzz.ratio(query, source), 2),
            word_similarity=round(Indel.normalized_similarity(q_tokens, s_tokens) * 100, 2),
            missing=tuple(missing),
            extra=tuple(extra),
        ))
    return explanations


def rescore(
    query: str,
    ranked: list[tuple[int, float]],
    slack: float,
    sources: Callable[[list[int]], dict[int, str]],
    *,
    threshold: float,
    limit: int,
    first: int,
    most: int,
) -> list[tuple[int, float, str]]:
    """Score index candidates with rapidfuzz, widening the search while it can matter.

    The ``first`` best-estimated candidates are scored; then every further one
    whose estimate, plus the ``slack`` of words the index skipped and the largest
    gap seen between a score and the estimate counting every shared word, could
    still enter the top ``limit`` (at most ``most`` candidates in all). A measured
    rule, not a proof: recall is judged by the benchmark. It depends only on the
    data, so every backend that ranks the same candidates gives the same answer on
    every run.

    Args:
        query: The normalised query.
        ranked: (unit id, estimated score) from the index, best first.
        slack: How much a unit may gain over its estimate from skipped words.
        sources: Reads the normalised sources of units (of the wanted languages) by id.
        threshold: Lowest score kept.
        limit: Most matches kept.
        first: Candidates scored before widening.
        most: Candidates ``ranked`` holds at most (the caller's cap).

    Returns:
        (unit id, score, normalised source) of the best matches, best first, ties by id.
    """
    from rapidfuzz import fuzz

    count = max(first, limit)
    choices = sources([unit_id for unit_id, _ in ranked[:count]])
    scores = {unit_id: fuzz.ratio(query, source) for unit_id, source in choices.items()}
    if len(ranked) > count and scores:
        estimates = dict(ranked[:count])
        gap = max(score - estimates[unit_id] for unit_id, score in scores.items())
        good = sorted((s for s in scores.values() if s >= threshold), reverse=True)
        needed = good[limit - 1] if len(good) >= limit else threshold
        cut = needed - gap - slack - 1.0
        if slack and ranked[count][1] >= cut:
            # That gap counts the words the index skipped, which ``slack`` counts
            # again. Before widening, measure it against the estimate over every
            # shared word: a closer cut that reads far fewer units at 100k.
            words = index_words(query)
            gap = max(
                score - 200.0 * sum(map(len, words.intersection(index_words(choices[unit_id]))))
                / (len(query) + len(choices[unit_id]))
                for unit_id, score in scores.items()
            )
            cut = needed - gap - slack - 1.0
        more = [unit_id for unit_id, estimate in ranked[count:most] if estimate >= cut]
        if more:
            extra = sources(more)
            choices.update(extra)
            # a unit under the current limit-th best score cannot enter the top: rapidfuzz
            # stops early on it (and returns 0), which changes no answer
            scores.update((unit_id, fuzz.ratio(query, source, score_cutoff=needed)) for unit_id, source in extra.items())
    best = sorted((-score, unit_id) for unit_id, score in scores.items() if score >= threshold)[:limit]
    return [(unit_id, -negative, choices[unit_id]) for negative, unit_id in best]
