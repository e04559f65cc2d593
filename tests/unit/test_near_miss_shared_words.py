"""Near misses whose exact words are shared by many terms ("University of Technology")."""

from __future__ import annotations

from mtfix.core.glossary import FixEngine
from mtfix.core.models import Concept, FixKind, Glossary, Term, TermStatus

P = TermStatus.PREFERRED

# Sixty other institutions share "university" and "technology" with the DUT
# name, so those words only anchor a near miss next to a spelling of "Dalian".
_OTHERS = tuple(
    Concept(f"other-{n}", (Term(f"Place{chr(97 + n % 26)}{chr(97 + n // 26)}x University of Technology", P),))
    for n in range(60)
)
ENGINE = FixEngine(
    Glossary((Concept("dut", (Term("Dalian University of Technology", P),)), *_OTHERS)), near_misses=True
)


def fuzzy(text: str):
    return [(f.before, f.after) for f in ENGINE.find_fixes(text) if f.kind is FixKind.FUZZY]


def test_typo_in_the_rare_word_is_found_through_a_shared_word():
    """With "Dalian" misspelt, the shared word "Technology" still finds the near miss."""
    assert fuzzy("Talks at Dalain University of Technology, 2022.") == [
        ("Dalain University of Technology", "Dalian University of Technology")
    ]


def test_shared_words_alone_make_no_near_miss():
    """Another institution with the shared words is not a near miss of DUT."""
    assert fuzzy("Talks at Harbin University of Technology.") == []
    assert fuzzy("The university of technology and the university of science.") == []


def test_anchor_inside_a_longer_word_is_not_a_near_miss():
    """An anchor word counts only as a whole word, also next to punctuation."""
    assert fuzzy("Dalianshan Universty of Technology") == []
    assert fuzzy("«Dalian Universty of Technology»") == [
        ("Dalian Universty of Technology", "Dalian University of Technology")
    ]


def test_document_scan_finds_the_same_near_misses_as_each_segment():
    """find_fixes_in gives every segment the fixes find_fixes gives it alone."""
    texts = [
        "Dalain University of Technology signed.",
        "Harbin University of Technology did not.",
        "Nothing here.",
        "At the Dalian Univeristy of Technology, and at Dalian University of Technology.",
        "PLACEAAX UNIVERSITY OF TECHNOLOGY and Dalian Unversity of Tecnology",
    ]
    assert ENGINE.find_fixes_in(texts) == [ENGINE.find_fixes(t) for t in texts]
    assert any(f.kind is FixKind.FUZZY for f in ENGINE.find_fixes_in(texts)[3])


PETROLEUM = FixEngine(
    Glossary(tuple(
        Concept(name.lower(), (Term(f"{name} University of Petroleum", P),))
        for name in ("Nanchang", "Harbin", "Kunming")
    )),
    near_misses=True,
)


def test_a_name_two_letters_off_is_another_institution():
    """With "petroleum" shared by three terms, a near miss needs the name within one edit."""
    found = [(f.before, f.after) for f in PETROLEUM.find_fixes("at Nanchagn University of Petroleum")]
    assert found == [("Nanchagn University of Petroleum", "Nanchang University of Petroleum")]
    assert PETROLEUM.find_fixes("at Yanzhang University of Petroleum") == []
