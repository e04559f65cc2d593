"""How a fuzzy lookup widens its search beyond the index's best estimates (``rescore``).

The index estimates a unit's score from the query words it shares, and may skip the query's
frequent words (``slack`` says by how much that can understate a unit). Rescoring must find a
unit the estimate put too low, and must not read units that cannot reach the top.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from mtfix.core.matching import index_words, rescore


def _estimate(query: str, source: str, skipped: set[str]) -> float:
    """The index's estimate: shared word characters of the words it read, over both lengths."""
    shared = (index_words(query) - skipped) & index_words(source)
    return 200.0 * sum(map(len, shared)) / (len(query) + len(source))


def _ranked(query: str, sources: dict[int, str], skipped: set[str]) -> list[tuple[int, float]]:
    estimates = [(unit_id, _estimate(query, source, skipped)) for unit_id, source in sources.items()]
    return sorted(estimates, key=lambda pair: (-pair[1], pair[0]))


class _Reader:
    """The ``sources`` callable of ``rescore``, remembering which units were read."""

    def __init__(self, sources: dict[int, str]):
        self.sources = sources
        self.read: list[int] = []

    def __call__(self, ids: list[int]) -> dict[int, str]:
        self.read.extend(ids)
        return {unit_id: self.sources[unit_id] for unit_id in ids}


def test_a_unit_the_skipped_words_hide_is_still_found():
    query = "the annual report of the board"
    sources = {
        1: "annual report by board members",
        2: "report on annual board",
        3: "the annual report of the board.",  # near identical, but ranked last by the estimate
    }
    skipped = {"the", "of"}
    ranked = _ranked(query, sources, skipped)
    assert ranked[-1][0] == 3
    slack = 200.0 * sum(map(len, skipped)) / (len(query) + 10)

    best = rescore(query, ranked, slack, _Reader(sources), threshold=50, limit=1, first=2, most=10)

    assert [(unit_id, round(score, 2)) for unit_id, score, _ in best] == [
        (3, round(fuzz.ratio(query, sources[3]), 2))
    ]


def test_a_unit_that_cannot_reach_the_top_is_not_read():
    query = "the report of the board"
    sources = {
        1: "the report of the board",  # the exact match: nothing can beat it
        2: "board report and other word xyz",
    }
    skipped = {"the", "of"}
    ranked = _ranked(query, sources, skipped)
    assert [unit_id for unit_id, _ in ranked] == [1, 2]
    reader = _Reader(sources)

    best = rescore(query, ranked, 15.0, reader, threshold=50, limit=1, first=1, most=10)

    assert [(unit_id, score) for unit_id, score, _ in best] == [(1, 100.0)]
    # Unit 1 scored far above its estimate only through the skipped words, which
    # ``slack`` already allows for: counting them twice would have read unit 2 too.
    assert reader.read == [1]
