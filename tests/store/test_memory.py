"""The translation memory finds units exactly and fuzzily, the same way on every run."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process

from mtfix.core.matching import normalise
from mtfix.core.models import TmUnit
from mtfix.store.memory import TranslationMemory
from mtfix.store.workspace import Workspace

WORDS = (
    "report committee budget council river station school project market energy policy "
    "minister village harbour museum bridge election hospital farmer teacher festival"
).split()
FILLER = "the of and to in a is that for on with as was by".split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if rng.random() < 0.4 else FILLER) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def variant(rng: random.Random, text: str) -> str:
    words = text[:-1].split()
    for _ in range(rng.randint(1, 2)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words) + "."


@pytest.fixture
def tm(memory):
    """An empty memory, on every backend (see tests/conftest.py)."""
    return memory


def test_exact_lookup_ignores_white_space_differences(tm):
    """Exact lookup matches the normalised text, in the right languages only."""
    tm.add(TmUnit("The  report is  ready. ", "The report is finished.", "en", "en"))
    tm.add(TmUnit("The report is ready.", "Der Bericht ist fertig.", "en", "de"))
    [match] = tm.exact("The report is ready.", target_language="en")
    assert match.exact and match.score == 100
    assert match.unit.target == "The report is finished."
    assert tm.exact("The report is Ready.") == []


def test_fuzzy_lookup_scores_and_explains(tm):
    """A near match is found with its score and the words that differ."""
    tm.add(TmUnit("The committee approved the budget today.", "OK"))
    [match] = tm.fuzzy("The committee approved the budget yesterday.", threshold=70)
    assert 75 <= match.score < 100
    assert match.explanation.missing == ("yesterday",)
    assert match.explanation.extra == ("today",)
    assert tm.fuzzy("Completely unrelated words here.", threshold=70) == []


def test_threshold_and_limit(tm):
    """Only matches at or above the threshold come back, at most ``limit`` of them."""
    base = "The village council opened the new bridge over the river"
    for n in range(8):
        tm.add(TmUnit(f"{base} number {n}.", f"t{n}"))
    matches = tm.fuzzy(f"{base} number 3.", threshold=90, limit=3)
    assert len(matches) == 3
    assert matches[0].unit.target == "t3" and matches[0].score == 100
    assert all(m.score >= 90 for m in matches)


def test_equal_scores_come_in_unit_order_on_every_run(make_memory):
    """Ties are broken by unit id, so two lookups (and two memories) agree."""
    answers = []
    for n in range(2):
        with make_memory() as tm:
            for letter in "dcba":
                tm.add(TmUnit(f"The museum opens at {letter}.", letter))
            answers.append([(m.unit.target, m.score) for m in tm.fuzzy("The museum opens at x.", limit=4)])
    assert answers[0] == answers[1]
    assert [t for t, _ in answers[0]] == ["d", "c", "b", "a"]


def test_lookup_puts_exact_matches_first(tm):
    """lookup() returns the exact match, then fuzzy ones, without duplicates."""
    tm.add(TmUnit("The school is closed today.", "fuzzy"))
    tm.add(TmUnit("The school is closed.", "exact"))
    matches = tm.lookup("The school is closed.")
    assert [m.unit.target for m in matches] == ["exact", "fuzzy"]


def test_fuzzy_lookup_finds_what_brute_force_finds(make_memory):
    """On clusters of near-duplicates the index misses none of rapidfuzz's top matches."""
    rng = random.Random(7)
    sources = []
    for _ in range(300):
        base = sentence(rng)
        sources.append(base)
        sources.extend(variant(rng, base) for _ in range(rng.randint(0, 4)))
    with make_memory() as tm:
        tm.import_units(TmUnit(s, s.upper()) for s in sources)
        normalised = {i + 1: normalise(s) for i, s in enumerate(sources)}
        found = expected = 0
        for query in (variant(rng, rng.choice(sources)) for _ in range(60)):
            truth = process.extract(normalise(query), normalised, scorer=fuzz.ratio, score_cutoff=75, limit=5)
            ours = [m.score for m in tm.fuzzy(query, threshold=75, limit=5)]
            # the i-th best match is found when ours is as good (ties may pick another unit)
            expected += len(truth)
            found += sum(1 for i, (_, score, _) in enumerate(truth) if i < len(ours) and ours[i] >= round(score, 2))
    assert expected > 100
    assert found / expected >= 0.99


def test_confirmed_units_are_found_fuzzily_and_after_bulk_imports(make_memory):
    """Units added one by one (confirmations) are indexed like imported ones."""
    with make_memory() as tm:
        tm.add(TmUnit("The farmer sold the energy market report.", "one"))
        tm.import_units([TmUnit("The teacher visited the museum.", "two")])
        tm.add(TmUnit("The teacher visited the harbour museum.", "three"))
        assert [m.unit.target for m in tm.fuzzy("The farmer sold the energy market reports.")] == ["one"]
        assert {m.unit.target for m in tm.fuzzy("The teacher visited the museum!")} == {"two", "three"}


def test_import_is_all_or_nothing(tm):
    """An import whose input fails half way stores nothing."""

    def units():
        yield TmUnit("One.", "Eins.")
        raise ValueError("broken input")

    with pytest.raises(ValueError):
        tm.import_units(units())
    assert len(tm) == 0


def test_identical_units_are_merged(tm):
    """Adding a unit that is already there merges it instead of duplicating it."""
    tm.add(TmUnit("Hello.", "Hallo.", "en", "de", created="2020-01-01T00:00:00Z", usage_count=1))
    result = tm.import_units(
        [TmUnit("Hello.", "Hallo.", "en", "de", created="2019-01-01T00:00:00Z", usage_count=5),
         TmUnit("Hello.", "Servus.", "en", "de")]
    )
    assert (result.added, result.merged) == (1, 1)
    [unit] = [u for u in tm.units() if u.target == "Hallo."]
    assert (unit.created, unit.usage_count) == ("2019-01-01T00:00:00Z", 5)


def test_concordance_search_looks_in_source_and_target(tm):
    """search() finds a phrase in either side, case-insensitively, with % taken literally."""
    tm.add(TmUnit("The Energy policy.", "Energiepolitik.", "en", "de"))
    tm.add(TmUnit("A 100% rise.", "Ein Anstieg um 100%.", "en", "de"))
    tm.add(TmUnit("Nothing.", "Nichts.", "en", "de"))
    assert [u.target for u in tm.search("energy")] == ["Energiepolitik."]
    assert [u.target for u in tm.search("politik")] == ["Energiepolitik."]
    assert [u.source for u in tm.search("100%")] == ["A 100% rise."]


def test_stats(tm):
    """stats() counts units per language pair."""
    tm.add(TmUnit("a b", "c", "en", "de"))
    tm.add(TmUnit("d e", "f", "en-US", "fr"))
    tm.add(TmUnit("g h", "i", "en", "de"))
    stats = tm.stats()
    assert stats.units == 3
    assert stats.language_pairs == ((("en", "de"), 2), (("en-US", "fr"), 1))


def test_workspace_and_memory_share_one_file(tmp_path):
    """The memory of a workspace is the one a later TranslationMemory opens."""
    with Workspace(tmp_path / "w.mtfix") as ws:
        ws.memory.add(TmUnit("Shared.", "Geteilt."))
    with TranslationMemory(tmp_path / "w.mtfix") as tm:
        assert [u.target for u in tm.units()] == ["Geteilt."]
