"""Near misses: close spellings of known terms, and the look-alikes that are not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mtfix.core import fuzzy as fuzzy_module
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


def test_ordinary_words_near_a_short_term_word_are_not_near_misses():
    """One letter off a short word makes another word, not a typo: "main online" is not "Mai Online"."""
    engine = FixEngine(Glossary((Concept("mai", (Term("Mai Online", P), Term("Mai Net", D))),)),
                       near_misses=True)
    assert fuzzy("the main online shop", engine) == []
    assert fuzzy("visit Mai Onlnie today", engine) == [("Mai Onlnie", "Mai Online")]


def _online_glossary(extra: int) -> Glossary:
    """``extra`` made-up "X Online" names, so that "online" is shared by many terms."""
    names = [f"Zq{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}bo Online"
             for i in range(extra)]
    concepts = [Concept(f"c{i}", (Term(name, P),)) for i, name in enumerate(names)]
    concepts.append(Concept("qisheng", (Term("Qisheng Online", P), Term("Qisheng Web", D))))
    concepts.append(Concept("lanzhou", (Term("Lanzhou Online", P),)))
    return Glossary(tuple(concepts))


def test_typo_in_the_rare_word_is_found_when_the_other_word_is_shared():
    """A word many terms share anchors a term only next to a close spelling of its rare word."""
    engine = FixEngine(_online_glossary(120), near_misses=True)
    assert fuzzy("read Qiseng Online now", engine) == [("Qiseng Online", "Qisheng Online")]
    assert fuzzy("read Online Qisheng now", engine) == [("Online Qisheng", "Qisheng Online")]


def test_shared_word_next_to_another_name_is_not_a_near_miss():
    """"Hangzhou Online" is another name, not a typo of "Lanzhou Online"."""
    engine = FixEngine(_online_glossary(120), near_misses=True)
    assert fuzzy("read Hangzhou Online now", engine) == []


def test_dropped_letter_in_a_five_letter_word_is_a_near_miss():
    """"Stdy" is a typo of "Study": the shorter word has four letters."""
    engine = FixEngine(Glossary((Concept("jj", (Term("Jingjiang Study Fund Commission", P),)),)),
                       near_misses=True)
    assert fuzzy("the Jingjiang Stdy Fund Commission", engine) == [
        ("Jingjiang Stdy Fund Commission", "Jingjiang Study Fund Commission")
    ]



def _plans(*names: str) -> Glossary:
    """Language plans of these names, first to last, among others that share the words."""
    return Glossary(tuple(
        Concept(name.lower(), (Term(f"{name} Language Plan", P), Term(f"{name} Language Programme", D)))
        for name in (*names, "Dalian", "Harbin", "Wuhan")
    ))


TIES = {
    # "Xinghsen" scores as high against Xingchen as against Xingshen, but is one swap from Xingshen.
    "swap": ("the Xinghsen Language Plan.", ("Xingchen", "Xingshen")),
    "swap, other order": ("the Xinghsen Language Plan.", ("Xingshen", "Xingchen")),
    # "Xingchan" is one letter from each name: the first in the glossary.
    "even": ("the Xingchan Language Plan.", ("Xingchen", "Xingshan")),
    "even, other order": ("the Xingchan Language Plan.", ("Xingshan", "Xingchen")),
}


@pytest.fixture(scope="module")
def tie_breaks() -> set[str]:
    """The suggestions for every case of :data:`TIES`, from runs under six hash seeds.

    Candidates reach the finder in an order that depends on the hash seed: a tie
    broken by that order would give different fixes on different runs.
    """
    script = (
        "from tests.unit.test_near_misses import FixEngine, TIES, _plans, fuzzy\n"
        "print({case: fuzzy(text, FixEngine(_plans(*names), near_misses=True))"
        " for case, (text, names) in TIES.items()})"
    )
    root = Path(__file__).resolve().parents[2]
    return {
        subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip()
        for seed in range(6)
    }


def test_a_spelling_close_to_two_names_goes_to_the_one_fewer_edits_away_then_the_first(tie_breaks):
    swap = [("Xinghsen Language Plan", "Xingshen Language Plan")]
    assert tie_breaks == {repr({
        "swap": swap,
        "swap, other order": swap,
        "even": [("Xingchan Language Plan", "Xingchen Language Plan")],
        "even, other order": [("Xingchan Language Plan", "Xingshan Language Plan")],
    })}


def test_a_full_memory_of_guard_words_changes_no_suggestion(monkeypatch):
    """The words' guards are forgotten when too many are remembered, and a document with more
    words than the memory holds is still searched whole."""
    texts = ["read Qiseng Online now", "the Hangzhou Online news", "read Online Qisheng now",
             "and Qiseng Online again, with Lanzhou Online"] * 3
    expected = FixEngine(_online_glossary(120), near_misses=True).find_fixes_in(texts)
    assert any(expected)
    second = texts[::-1]
    expected_second = FixEngine(_online_glossary(120), near_misses=True).find_fixes_in(second)
    monkeypatch.setattr(fuzzy_module, "_MAX_MEMO", 2)
    engine = FixEngine(_online_glossary(120), near_misses=True)
    assert engine.find_fixes_in(texts) == expected
    # the next document starts from a memory forgotten and learned again
    assert engine.find_fixes_in(second) == expected_second
