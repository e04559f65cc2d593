"""Variant discovery: renderings the glossary does not list, found in texts and edits."""

from __future__ import annotations

from pathlib import Path

from mtfix.core.models import Concept, Glossary, Term, TermStatus
from mtfix.core.suggest import stem, suggest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "corpora" / "dut-international-2022.txt").read_text(encoding="utf-8")


def test_five_renderings_of_the_classmate_programme_become_one_concept():
    """The sample's five renderings are grouped: one preferred, four variants, with contexts."""
    found = [s for s in suggest([SAMPLE]) if s.preferred == "classmate friendship"]
    assert {s.variant for s in found} == {
        "friendship of classmates",
        "friendship with classmates",
        "classmates friendly plan",
        "friendship plan of the classmates",
    }
    assert all(s.reason == "inconsistent" and s.concept is None and s.contexts for s in found)
    assert "[friendship plan of the classmates]" in next(
        s.contexts[0] for s in found if s.variant == "friendship plan of the classmates")


def test_one_consistent_rendering_is_not_suggested():
    """A name rendered the same way everywhere is not a variant of anything."""
    text = 'The "Belt and Road" plan. More on the Belt and Road. The "Cloud Exchange Conference" met.'
    assert suggest([text]) == []


def test_near_miss_of_a_known_term_is_suggested_for_its_concept():
    """A misspelling of a glossary term becomes a variant of that concept."""
    glossary = Glossary((Concept("dut", (Term("Dalian University of Technology", TermStatus.PREFERRED),)),))
    [found] = suggest(["We met at Dalian Univeristy of Technology."], glossary)
    assert (found.variant, found.preferred, found.concept, found.reason) == (
        "Dalian Univeristy of Technology", "Dalian University of Technology", "dut", "near miss")


def test_replacements_made_twice_by_the_translator_are_suggested():
    """An edit made consistently (at least twice) in the memory is a variant; a one-off is not."""
    edits = [
        ("The new crown pneumonia spread.", "The COVID-19 spread."),
        ("Fight the new crown pneumonia now.", "Fight the COVID-19 now."),
        ("A big day.", "A great day."),
    ]
    found = suggest([], edits=edits)
    assert [(s.variant, s.preferred, s.reason, s.count) for s in found] == [
        ("new crown pneumonia", "COVID-19", "edit", 2)]


def test_stem_joins_forms_of_a_word():
    """friendship, friendly and friends share a stem; so do classmate and classmates."""
    assert stem("friendship") == stem("friendly") == stem("friends") == "friend"
    assert stem("classmates") == stem("classmate") == stem("Classmate's")
    assert stem("class") == "class"
