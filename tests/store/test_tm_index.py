"""The persisted word index: length classes, chunks and skipped words never cost a match."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process

from mtfix.core.matching import normalise
from mtfix.core.models import TmUnit
from mtfix.store import memory, tm_index
from mtfix.store.memory import TranslationMemory

WORDS = [
    "report",
    "committee",
    "budget",
    "council",
    "river",
    "station",
    "school",
    "project",
    "market",
    "energy",
    "policy",
    "minister",
    "village",
    "harbour",
    "museum",
    "bridge",
    "election",
    "hospital",
    "farmer",
    "teacher",
    "festival",
]
FILLER = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "by",
]


def sentence(rng: random.Random) -> str:
    words = [
        rng.choice(WORDS if rng.random() < 0.4 else FILLER)
        for _ in range(rng.randint(3, 30))
    ]
    return " ".join(words).capitalize() + "."


def variant(rng: random.Random, text: str) -> str:
    words = text[:-1].split()
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words) + "."


def corpus(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    sources = []
    for _ in range(250):
        base = sentence(rng)
        sources.append(base)
        sources.extend(variant(rng, base) for _ in range(rng.randint(0, 4)))
    queries = [variant(rng, rng.choice(sources)) for _ in range(50)]
    return sources, queries


def top_scores(tm: TranslationMemory, queries: list[str]) -> list[list[float]]:
    return [[m.score for m in tm.fuzzy(q, threshold=75, limit=5)] for q in queries]


def brute_scores(sources: list[str], queries: list[str]) -> list[list[float]]:
    choices = [normalise(s) for s in sources]
    return [
        [
            round(s, 2)
            for _, s, _ in process.extract(
                normalise(q), choices, scorer=fuzz.ratio, score_cutoff=75, limit=5
            )
        ]
        for q in queries
    ]


def test_length_classes_only_hold_possible_lengths():
    """A class covers about 10% of lengths; the range a threshold allows is never too narrow."""
    assert tm_index.length_bucket(0) == 0
    assert tm_index.length_bucket(100) < tm_index.length_bucket(120)
    low, high = tm_index.length_range(100, 75)
    for length in range(1, 400):
        best_possible = 200 * min(100, length) / (100 + length)
        if best_possible >= 75:
            assert low <= length <= high


@pytest.mark.parametrize(
    "split_min, flush", [(tm_index.SPLIT_MIN, tm_index.FLUSH_POSTINGS), (2, 500)]
)
def test_lookups_match_brute_force_whatever_the_index_layout(
    tmp_path, monkeypatch, split_min, flush
):
    """Lists split by length and written in many chunks find the same best scores."""
    monkeypatch.setattr(tm_index, "SPLIT_MIN", split_min)
    monkeypatch.setattr(tm_index, "FLUSH_POSTINGS", flush)
    sources, queries = corpus(3)
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        tm.import_units(TmUnit(s, s.upper()) for s in sources)
        if flush == 500:
            chunks = (
                tm.db.connection()
                .execute("SELECT count(DISTINCT chunk) FROM tm_postings")
                .fetchone()[0]
            )
            assert chunks > 10
        assert top_scores(tm, queries) == brute_scores(sources, queries)


def test_skipped_frequent_words_widen_the_search(tmp_path, monkeypatch):
    """When a lookup reads only its rarest words, more units are scored, and none is lost."""
    sources, queries = corpus(5)
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        tm.import_units(TmUnit(s, s.upper()) for s in sources)
        monkeypatch.setattr(tm_index, "READ_BUDGET", 1)
        monkeypatch.setattr(memory, "RESCORED", 5)
        ours = top_scores(tm, queries)
    truth = brute_scores(sources, queries)
    found = sum(
        1
        for o, t in zip(ours, truth, strict=True)
        for i, s in enumerate(t)
        if i < len(o) and o[i] >= s
    )
    assert found / sum(len(t) for t in truth) >= 0.95


def test_confirmed_and_imported_postings_give_one_answer(tmp_path):
    """Units added one by one and then folded by a bulk import score the same before and after."""
    sources, queries = corpus(9)
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        for source in sources[:200]:
            tm.add(TmUnit(source, source.upper()))
        before = top_scores(tm, queries)
        tm.import_units(TmUnit(s, s.upper()) for s in sources[200:])
        conn = tm.db.connection()
        assert conn.execute("SELECT count(*) FROM tm_postings_new").fetchone()[0] == 0
        after = top_scores(tm, queries)
    assert after == brute_scores(sources, queries)
    assert all(a[: len(b)] >= b[: len(a)] for a, b in zip(after, before, strict=True))


def test_units_whose_length_rules_them_out_are_never_candidates(tmp_path):
    """A unit too short or too long to reach the threshold is not returned, however many words it shares."""
    query = "The minister of energy presented the budget of the council to the village."
    fitting = query.replace("village", "harbour")
    short = "Energy budget council."
    long = query[:-1] + " " + " and ".join(WORDS) + "."
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        tm.import_units(TmUnit(s, s.upper()) for s in (short, fitting, long))
        conn = tm.db.connection()
        ids = {source: unit_id for unit_id, source in conn.execute("SELECT id, source FROM tm_units")}
        found, _ = tm_index.candidates(conn, normalise(query), threshold=75)
    assert [unit_id for unit_id, _ in found] == [ids[fitting]]
