"""The fix engine: one test per matching rule of issue 2, point 6."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.core.apply import apply_fixes
from mtfix.core.fuzzy import _one_edit_keys
from mtfix.core.glossary import FixEngine
from mtfix.core.joined import JoinedText
from mtfix.core.models import Concept, FixKind, Glossary, Rule, Term, TermStatus
from mtfix.core.normalize import fold

P, D, A = TermStatus.PREFERRED, TermStatus.DEPRECATED, TermStatus.ADMITTED


def concept(cid: str, preferred: str, *variants: str, admitted: tuple[str, ...] = (), auto=True) -> Concept:
    terms = [Term(preferred, P)] + [Term(a, A) for a in admitted]
    terms += [Term(v, D, auto_apply=auto) for v in variants]
    return Concept(cid, tuple(terms))


DUT = concept("dut", "Dalian University of Technology",
              "Dalian University of Science and Technology", "Dalian University of Technolog")
UBC = concept("ubc", "the University of British Columbia", "British Columbia University")
GLOSSARY = Glossary(
    concepts=(
        DUT,
        UBC,
        concept("ritsumeikan", "Ritsumeikan University", "University of Libertia"),
        concept("harbin", "Harbin University of Science and Technology"),
        concept("nyu", "New York University", "new york univ"),
        concept("york", "University of York", "York University"),
        concept("people", "People's Republic of China", "Peoples Republic of China"),
    ),
    rules=(
        Rule("space-before-hyphen", r"(?<=[^\W_]) -(?=[^\W\d_]{2})", "-"),
    ),
)
ENGINE = FixEngine(GLOSSARY)


def fixed(text: str, engine: FixEngine = ENGINE) -> str:
    return apply_fixes(text, [f for f in engine.find_fixes(text) if f.applied])


def test_variant_is_replaced_by_preferred_term():
    """A deprecated term becomes the concept's preferred term."""
    assert fixed("at Dalian University of Science and Technology today") == (
        "at Dalian University of Technology today"
    )


def test_matching_ignores_case():
    """Case does not stop a match."""
    assert fixed("at dalian university of science and technology") == "at Dalian University of Technology"


def test_whitespace_run_inside_a_term_matches_line_breaks():
    """Any run of whitespace inside a term matches, line breaks too."""
    text = "Dalian University\n  of Science and\tTechnology"
    assert fixed(text) == "Dalian University of Technology"


def test_terms_match_whole_words_only():
    """A variant inside a longer word is not a match: "Technolog" in "Technology"."""
    assert ENGINE.find_fixes("Dalian University of Technology") == []
    assert ENGINE.find_fixes("Dalian University of Technologies") == []


def test_truncated_variant_is_fixed():
    """The truncated by-line name is a variant of its own."""
    assert fixed("Author:Dalian University of Technolog Time:") == "Author:Dalian University of Technology Time:"


def test_leftmost_longest_match_wins():
    """The longest term starting leftmost wins over a shorter one inside it."""
    glossary = Glossary((
        concept("long", "the DUT-RU School", "Dalian University of Science and Technology-The School"),
        DUT,
    ))
    assert fixed("at Dalian University of Science and Technology-The School", FixEngine(glossary)) == "at the DUT-RU School"


def test_preferred_term_of_another_concept_is_protected():
    """A variant never fires inside a longer known name."""
    text = "Harbin University of Science and Technology"
    glossary = Glossary((concept("x", "Y", "University of Science and Technology"),
                         concept("harbin", "Harbin University of Science and Technology")))
    assert FixEngine(glossary).find_fixes(text) == []


def test_match_hidden_by_an_in_word_hit_is_found():
    """An in-word hit ("renew york univ...") does not hide the real match after it."""
    assert fixed("renew york university") == "renew University of York"


def test_possessive_after_a_term_is_kept():
    """The possessive 's (straight or curly) stays outside the fix."""
    assert fixed("Dalian University of Science and Technology's reputation") == (
        "Dalian University of Technology's reputation"
    )
    assert fixed("Dalian University of Science and Technology’s reputation") == (
        "Dalian University of Technology’s reputation"
    )


def test_curly_apostrophe_matches_a_straight_one_in_the_term():
    """A term written with ' matches text written with ’ and the reverse."""
    glossary = Glossary((concept("prc", "PRC", "People's Republic"),))
    assert fixed("the People’s Republic", FixEngine(glossary)) == "the PRC"


def test_all_caps_occurrence_gets_all_caps_replacement():
    """An ALL-CAPS occurrence is replaced in ALL CAPS."""
    assert fixed("DALIAN UNIVERSITY OF SCIENCE AND TECHNOLOGY NEWS") == "DALIAN UNIVERSITY OF TECHNOLOGY NEWS"


def test_sentence_initial_replacement_is_capitalised():
    """A replacement starting in lower case is capitalised at the start of a sentence."""
    assert fixed("British Columbia University signed.") == "The University of British Columbia signed."
    assert fixed("We met British Columbia University.") == "We met the University of British Columbia."


def test_each_occurrence_gets_the_case_of_its_own_place_in_one_document():
    """The same variant, written alike, is cased by its own context wherever it recurs."""
    engine = FixEngine(GLOSSARY)
    texts = ["We met British Columbia University.", "British Columbia University signed.",
             "We met British Columbia University.", "DALIAN UNIVERSITY OF SCIENCE AND TECHNOLOGY",
             "Dalian University of Science and Technology", "DALIAN UNIVERSITY OF SCIENCE AND TECHNOLOGY"]
    afters = [[fix.after for fix in fixes] for fixes in engine.find_fixes_in(texts)]
    assert afters == [["the University of British Columbia"], ["The University of British Columbia"],
                      ["the University of British Columbia"], ["DALIAN UNIVERSITY OF TECHNOLOGY"],
                      ["Dalian University of Technology"], ["DALIAN UNIVERSITY OF TECHNOLOGY"]]


def test_full_width_forms_match_without_changing_other_text():
    """Full-width letters match their ASCII twins; text around the fix is untouched."""
    text = "ｘ　Ｄａｌｉａｎ University of Science and Technology　ｙ"
    result = fixed(text)
    assert result == "ｘ　Dalian University of Technology　ｙ"


def test_decomposed_accents_match_composed_terms():
    """Unicode is NFC-normalised for matching only."""
    glossary = Glossary((concept("zurich", "University of Zurich", "Zürich University"),))
    decomposed = "the Zu\u0308rich University today"
    assert fixed(decomposed, FixEngine(glossary)) == "the University of Zurich today"


def test_non_ascii_letters_are_part_of_words():
    """A term does not match inside a word with accented letters ("rich" in "Zürich")."""
    glossary = Glossary((concept("rich", "wealthy", "rich"),))
    assert FixEngine(glossary).find_fixes("Zürich") == []


def test_pattern_rule_never_touches_protected_term_or_term_fix():
    """A pattern fix does not overlap a term occurrence."""
    glossary = Glossary(
        (concept("dfc", "Double First-Class", "double first -class"),),
        (Rule("space-before-hyphen", r"(?<=[^\W_]) -(?=[^\W\d_]{2})", "-"),),
    )
    fixes = FixEngine(glossary).find_fixes("the double first -class plan and long -term")
    assert [(f.before, f.after, f.kind) for f in fixes] == [
        ("double first -class", "Double First-Class", FixKind.TERM),
        (" -", "-", FixKind.PATTERN),
    ]


def test_suggested_terms_are_not_applied():
    """A term marked for review is proposed, not applied."""
    glossary = Glossary((concept("nick", "DUT", "the big work", auto=False),))
    fixes = FixEngine(glossary).find_fixes("the voice of the big work")
    assert [(f.after, f.applied) for f in fixes] == [("DUT", False)]


def test_fix_offsets_describe_the_text():
    """Every fix's before is exactly the text of its span."""
    text = "x  Dalian University of  Science and Technology, British Columbia University and long -term"
    for fix in ENGINE.find_fixes(text):
        assert text[fix.start : fix.end] == fix.before


def test_numbers_are_never_changed():
    """Digits around fixes survive."""
    text = "In 2022.07.28, 276 -year plans and 27 -year -old ties."
    result = fixed(text)
    assert [c for c in result if c.isdigit()] == [c for c in text if c.isdigit()]
    assert result == "In 2022.07.28, 276-year plans and 27-year-old ties."


words = st.sampled_from(
    ["Dalian", "University", "of", "Science", "and", "Technology", "Technolog", "British", "Columbia",
     "the", "york", "renew", "new", "univ", "Harbin", "first", "-class", "long", "-term", "’s", "'s",
     "DALIAN", "UNIVERSITY", "OF", "TECHNOLOGY", "Libertia", "Peoples", "Republic", "China", "People's",
     "x", "2022", ".", ",", "Zürich", "Ｄａｌｉａｎ"]
)
texts = st.lists(st.tuples(words, st.sampled_from([" ", " ", "  ", "\n", "", "\t"])), max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts)
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_engine_is_idempotent_and_fixes_are_disjoint(text):
    """Fixes never overlap, touch only their span, and a second run changes nothing."""
    fixes = ENGINE.find_fixes(text)
    for a, b in zip(fixes, fixes[1:]):
        assert a.end <= b.start
    for fix in fixes:
        assert text[fix.start : fix.end] == fix.before
    once = fixed(text)
    assert fixed(once) == once


def test_variant_overlapping_a_correct_term_is_left_alone():
    """A variant that shares words with a correct name next to it is not fixed."""
    # "york University of York": fixing "york University" would eat the correct name.
    assert ENGINE.find_fixes("york University of York") == []
    assert fixed("york york University") == "york University of York"


RULES_ENGINE = FixEngine(GLOSSARY, near_misses=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6))
def test_document_api_gives_the_fixes_of_each_segment(segments):
    """find_fixes_in on a document equals find_fixes on each of its segments."""
    for engine in (ENGINE, RULES_ENGINE):
        assert engine.find_fixes_in(segments) == [engine.find_fixes(s) for s in segments]


def test_document_api_never_matches_across_segments():
    """A term split over two segments is not a match in either."""
    assert ENGINE.find_fixes_in(["at Dalian University of", "Science and Technology"]) == [[], []]
    assert ENGINE.find_fixes_in(["", "British Columbia University", ""])[1][0].after == (
        "The University of British Columbia"
    )


@settings(max_examples=200, deadline=None)
@given(texts)
def test_straddle_precomputation_misses_no_straddling_variant(text):
    """Looking for protected terms only after variants that could straddle one changes nothing."""
    everything = FixEngine(GLOSSARY)
    everything._may_straddle = [e.replacement is not None for e in everything.entries]
    assert ENGINE.find_fixes(text) == everything.find_fixes(text)


def test_variant_starting_inside_a_protected_term_is_left_alone():
    """The protected term may begin inside the variant: "york university of york"."""
    glossary = Glossary((concept("york", "University of York", "York University"),
                         concept("x", "University of York Press")))
    assert FixEngine(glossary).find_fixes("York University of York Press") == []


def test_fixes_never_cross_or_delete_a_placeholder():
    """Inline codes (<g1>, </g1>, <x2/>) are out of bounds for every fix."""
    glossary = Glossary(
        (concept("dut", "Dalian University of Technology", "Dalian University of Science and Technology"),),
        (Rule("space-before-hyphen", r"(?<=[^\W_]) -(?=[^\W\d_]{2})", "-"),
         Rule("drop-codes", r"<x\d+/>", "")),
    )
    engine = FixEngine(glossary)
    text = "<g1>Dalian University of Science and Technology</g1> first<x2/> -class and long -term"
    fixes = engine.find_fixes(text)
    assert [f.before for f in fixes] == ["Dalian University of Science and Technology", " -"]
    assert engine.find_fixes("Dalian University of <g1>Science</g1> and Technology") == []


def test_source_term_confirms_a_fix_that_waits_for_review():
    """In bilingual work, 大工 in the source makes "the big work" → "DUT" automatic."""
    glossary = Glossary((Concept("dut-short", (
        Term("DUT", P), Term("the big work", D, auto_apply=False), Term("大工", P, language="zh"))),))
    engine = FixEngine(glossary)
    text = "Spreading the voice of the big work."
    assert [f.applied for f in engine.find_fixes(text)] == [False]
    assert [f.applied for f in engine.find_fixes(text, source="传播大工声音。")] == [True]
    assert [f.applied for f in engine.find_fixes(text, source="传播声音。")] == [False]
    assert engine.find_fixes_in([text, text], sources=["传播大工声音。", None]) == [
        engine.find_fixes(text, "传播大工声音。"), engine.find_fixes(text)]
    [(concept, preferred, start, end)] = engine.source_terms("传播大工声音。")
    assert (concept, preferred, "传播大工声音。"[start:end]) == ("dut-short", "DUT", "大工")


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6))
def test_document_scan_finds_what_the_exact_matcher_finds(segments):
    """The fast document scan (UTF-8 bytes, boundaries read from bytes) equals exact matching.

    The oracle folds each segment on its own and takes leftmost-longest among whole-word
    matches only, then applies protection, with no shortcut.
    """
    for engine in (ENGINE, RULES_ENGINE):
        found = engine._occurrences(JoinedText(segments))
        for number, text in enumerate(segments):
            folded = fold(text).text
            exact = engine._term_occurrences(folded, engine._exact_leftmost_longest(folded))
            assert found.get(number, []) == exact, text


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=6))
def test_document_anchor_scan_finds_every_anchor_outside_the_terms(segments):
    """Near-miss anchors found on the joined bytes are those of each segment outside its terms,
    but for a word many terms share, which stands only with a spelling of a guard in its segment."""
    finder = RULES_ENGINE.near_misses
    joined = JoinedText(segments)
    terms = RULES_ENGINE._occurrences(joined)
    found = finder.anchors_in(joined, terms)
    for number, text in enumerate(segments):
        folded = fold(text)
        spans = [(s, e) for _, s, e, _ in terms.get(number, [])]
        # a word guards the shared anchors of every guard it is within one edit of
        guarded = {anchor for word in re.findall(r"\w+", folded.text) for key in _one_edit_keys(word)
                   for anchor in finder._guard_keys.get(key, ())}
        expected = [
            hit for hit in finder.anchor_hits(folded.text)
            if not any(s <= hit[1] and hit[2] <= e for s, e in spans)
            and (finder._by_anchor[hit[0]] or hit[0] in guarded)
        ]
        assert sorted(found.get(number, [])) == sorted(expected), text


TERMS_ONLY = FixEngine(Glossary(GLOSSARY.concepts))


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6), st.lists(st.sampled_from([None, "大工", "x"]), min_size=6, max_size=6))
def test_one_pass_term_fixes_equal_the_general_way(segments, sources):
    """Without rules or near misses the engine makes term fixes in one pass; nothing differs."""
    joined = JoinedText(segments)
    sources = sources[: len(segments)]
    assert TERMS_ONLY._term_fixes(joined, sources) == TERMS_ONLY._fixes_each(joined, sources)
