"""Near misses: close spellings of known terms, and the look-alikes that are not."""

from __future__ import annotations

import pytest

from mtfix.core.glossary import FixEngine
from mtfix.core.models import Concept, FixKind, Glossary, Term, TermStatus

P, D = TermStatus.PREFERRED, TermStatus.DEPRECATED

GLOSSARY = Glossary((
    Concept("dut", (Term("Dalian University of Technology", P),
                    Term("Dalian University of Science and Technology", D))),
    Concept("chula", (Term("Chulalongkorn University", P), Term("Zhuralongong University", D))),
    Concept("nick", (Term("DUT", P), Term("the big work", D, auto_apply=False))),
))
ENGINE = FixEngine(GLOSSARY, near_misses=True)


def fuzzy(text: str, engine: FixEngine = ENGINE):
    return [(f.before, f.after) for f in engine.find_fixes(text) if f.kind is FixKind.FUZZY]


@pytest.mark.parametrize(
    "text, before",
    [
        ("at Dalian Univeristy of Technology.", "Dalian Univeristy of Technology"),  # swapped letters
        ("at Dalian Universty of Technology.", "Dalian Universty of Technology"),  # dropped letter
        ("at Dalain University of Technology.", "Dalain University of Technology"),  # typo in an anchor
        ("at University Chulalongkorn.", "University Chulalongkorn"),  # swapped words
        ("at Dalian University of Sciences and Technology.", "Dalian University of Sciences and Technology"),
    ],
)
def test_close_spellings_are_near_misses(text, before):
    """Typos, dropped letters and swapped words are suggested as fuzzy fixes."""
    [(found, after)] = fuzzy(text)
    assert found == before
    assert after in {"Dalian University of Technology", "Chulalongkorn University"}


def test_near_miss_carries_a_score_and_is_not_applied():
    """A near miss is a suggestion with its similarity score."""
    [fix] = [f for f in ENGINE.find_fixes("Dalian Univeristy of Technology") if f.kind is FixKind.FUZZY]
    assert fix.applied is False
    assert 85 <= fix.score < 100


def test_apply_fuzzy_marks_near_misses_applied():
    """With apply_fuzzy the suggestion is applied."""
    engine = FixEngine(GLOSSARY, near_misses=True, apply_fuzzy=True)
    assert all(f.applied for f in engine.find_fixes("Dalian Univeristy of Technology"))


@pytest.mark.parametrize(
    "text",
    [
        "Harbin University of Science and Technology",
        "Dalian Medical University",
        "Dalian Maritime University of Technology",
        "Hong Kong University of Science and Technology",
        "the big works of art",
        "Dalian University of Technology",
        "Dalian University of Science and Technology",
    ],
)
def test_other_institutions_and_exact_terms_are_not_near_misses(text):
    """Sharing words is not being misspelt: a different word is not a typo."""
    assert fuzzy(text) == []


def test_threshold_is_configurable():
    """A high threshold keeps the weaker near misses out."""
    strict = FixEngine(GLOSSARY, near_misses=True, fuzzy_threshold=99)
    assert fuzzy("at Dalian Univeristy of Technology.", strict) == []


def test_near_misses_off_by_default():
    """The engine looks for near misses only when asked."""
    assert [f for f in FixEngine(GLOSSARY).find_fixes("Dalian Univeristy of Technology")] == []
