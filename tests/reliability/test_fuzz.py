"""Property tests: lossless segmentation, a well-behaved fix engine, readers that fail only cleanly.

``benchmarks/fuzz_readers.py`` runs the reader properties far longer.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_fuzzing import inputs, readers

from mtfix.core.apply import apply_fixes
from mtfix.core.glossary import FixEngine
from mtfix.core.models import Concept, Glossary, Rule, Term, TermStatus
from mtfix.core.segment import join_segments, segment_text
from mtfix.errors import MtfixError

EXAMPLES = int(os.environ.get("MTFIX_FUZZ_EXAMPLES", "150"))

HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("ab .!?:;\"'()-\n\r\t\u00a0\u2028\u202e\u200b\x1b\x00\u3002。！")),
        st.characters(),
    ),
    max_size=300,
)


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(HOSTILE_TEXT)
def test_segmentation_is_lossless_on_any_text(text):
    """Joining the segments with their separators gives back any text, controls and odd breaks included."""
    prefix, segments = segment_text(text)
    assert join_segments(prefix, segments) == text
    assert all(s.text for s in segments)


WORDS = ["colour", "color", "grey", "gray", "centre", "center", "Dalian University", "of", "the", "UN", "U.N."]
_word = st.sampled_from(WORDS)


@st.composite
def glossaries(draw):
    concepts = []
    for number in range(draw(st.integers(1, 4))):
        preferred = draw(_word)
        others = [w for w in WORDS if w != preferred]
        variants = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))
        terms = (Term(preferred, TermStatus.PREFERRED),
                 *(Term(v, TermStatus.DEPRECATED, auto_apply=draw(st.booleans())) for v in variants))
        concepts.append(Concept(f"c{number}", terms))
    rules = (Rule("space-hyphen", r"(?<=\w) -(?=\w{2})", "-"),) if draw(st.booleans()) else ()
    return Glossary(tuple(concepts), rules)


TEXTS = st.lists(st.one_of(_word, st.sampled_from([" ", "  ", "\n", " -", "-", ", ", "\x1b", "\u202e", "é"])),
                 max_size=40).map("".join)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(glossaries(), TEXTS)
def test_fix_engine_spans_never_overlap_and_leave_the_rest_alone(glossary, text):
    """Fixes are in order and disjoint, each names the text it replaces, and nothing else changes."""
    fixes = FixEngine(glossary, near_misses=True).find_fixes(text)
    position = 0
    for fix in fixes:
        assert position <= fix.start <= fix.end <= len(text)
        assert text[fix.start:fix.end] == fix.before
        position = fix.end
    applied = [f for f in fixes if f.applied]
    result = apply_fixes(text, applied)
    # Outside the spans the text is untouched: rebuild it piece by piece.
    pieces, position = [], 0
    for fix in applied:
        pieces += [text[position:fix.start], fix.after]
        position = fix.end
    assert result == "".join(pieces) + text[position:]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(glossaries(), TEXTS)
def test_fix_engine_is_idempotent_on_any_glossary(glossary, text):
    """Fixing the fixed text fixes nothing more (cycles included: lint reports those)."""
    engine = FixEngine(glossary)
    once = apply_fixes(text, [f for f in engine.find_fixes(text) if f.applied])
    twice = apply_fixes(once, [f for f in engine.find_fixes(once) if f.applied])
    cyclic = any(
        {t.text.casefold() for t in a.terms} & {t.text.casefold() for t in b.terms}
        for a in glossary.concepts for b in glossary.concepts if a is not b
    )
    if not cyclic:
        assert twice == once


READERS = readers()


@pytest.mark.parametrize("reader", sorted(READERS))
def test_readers_fail_only_with_an_mtfix_error(reader):
    """Arbitrary and mutated bytes: each reader accepts them or raises an MtfixError, nothing else."""
    read = READERS[reader]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(inputs(reader))
    def check(data):
        try:
            read(data)
        except MtfixError:
            pass

    check()
