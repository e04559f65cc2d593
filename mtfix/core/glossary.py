"""The fix engine: find the term and pattern fixes a glossary proposes for a text.

How a text is matched against the terms:

* Every term of every concept in the target language is looked for at once
  (one Aho-Corasick automaton), case-insensitively, with whitespace runs,
  full-width forms and curly apostrophes folded (see :mod:`mtfix.core.normalize`).
* A term matches only as whole words, and the leftmost-longest occurrences win.
* An occurrence of a preferred or admitted term is *protected*: nothing else may
  fix text inside it, so a variant never fires inside a longer known name.
* An occurrence of a deprecated or superseded term becomes a fix to the
  concept's preferred term, written in ALL CAPS when the occurrence is, and
  capitalised at the start of a sentence.

Pattern rules run afterwards, in glossary order, on the original text; a pattern
fix never overlaps a term occurrence or an earlier fix. Near misses (spellings
close to a term that no entry lists) come last, from :mod:`mtfix.core.fuzzy`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import ahocorasick_rs

from mtfix.core.fuzzy import NearMissFinder
from mtfix.core.models import Concept, Fix, FixKind, Glossary, Term
from mtfix.core.normalize import Folded, fold, fold_term, is_word_char
from mtfix.core.rules import compile_rule

_SENTENCE_END = re.compile(r"""(?:^|[.!?:;。！？]["'”’)\]]*)\s*["'“‘(\[]*$""")


@dataclass(frozen=True, slots=True)
class TermEntry:
    """What the engine knows about one folded term.

    Attributes:
        key: The folded term that is looked for.
        concept: The concept the term belongs to.
        term: The glossary term itself.
        replacement: The preferred term to write instead, or None when the
            term is protected (preferred, admitted, or with nothing to fix to).
        boundary_start: Whether a match must start at a word boundary.
        boundary_end: Whether a match must end at a word boundary.
    """

    key: str
    concept: Concept
    term: Term
    replacement: str | None
    boundary_start: bool
    boundary_end: bool

    def protect(self) -> TermEntry:
        """This entry as a protected occurrence: it fixes nothing."""
        return replace(self, replacement=None)


class FixEngine:
    """A glossary compiled for matching.

    Args:
        glossary: The concepts and pattern rules to apply.
        language: The language of the text being fixed (the target language).
        near_misses: Also report spellings close to a known term.
        fuzzy_threshold: Minimum similarity (0-100) of a near miss.
        apply_fuzzy: Mark near-miss fixes as applied instead of suggested.
    """

    def __init__(
        self,
        glossary: Glossary,
        *,
        language: str = "en",
        near_misses: bool = False,
        fuzzy_threshold: float = 85.0,
        apply_fuzzy: bool = False,
    ):
        self.glossary = glossary
        self.language = language
        self.entries = _term_entries(glossary, language)
        keys = [e.key for e in self.entries]
        self._longest = ahocorasick_rs.AhoCorasick(
            keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        ) if keys else None
        self._overlapping = None  # built on first need: most texts never need it
        self._protected_index = [i for i, e in enumerate(self.entries) if e.replacement is None]
        self._protected = ahocorasick_rs.AhoCorasick(
            [self.entries[i].key for i in self._protected_index],
            matchkind=ahocorasick_rs.MatchKind.Standard,
        ) if self._protected_index else None
        self._rules = [(rule, compile_rule(rule)) for rule in glossary.rules]
        self.near_misses = (
            NearMissFinder(self.entries, threshold=fuzzy_threshold, apply=apply_fuzzy)
            if near_misses
            else None
        )

    def find_fixes(self, text: str) -> list[Fix]:
        """Every fix the glossary proposes for ``text``, ordered by position.

        Args:
            text: One segment of the document.

        Returns:
            Non-overlapping fixes; offsets are into ``text``.
        """
        folded = fold(text)
        occupied: list[tuple[int, int]] = []
        fixes: list[Fix] = []
        for entry, start, end in self._term_occurrences(folded):
            start, end = folded.span(start, end)
            occupied.append((start, end))
            if entry.replacement is None:
                continue
            before = text[start:end]
            after = _match_case(entry, before, text, start)
            if after != before:
                fixes.append(
                    Fix(start, end, before, after, entry.concept.id, FixKind.TERM,
                        applied=entry.term.auto_apply, note=entry.term.note or entry.concept.note)
                )
        fixes.extend(self._pattern_fixes(text, occupied))
        if self.near_misses is not None:
            fixes.extend(self.near_misses.find(text, folded, occupied))
        fixes.sort(key=lambda f: (f.start, f.end))
        return fixes

    def term_occurrences(self, text: str) -> list[tuple[TermEntry, int, int]]:
        """Every term occurrence in ``text`` (protected ones too), as original spans."""
        folded = fold(text)
        return [(e, *folded.span(s, t)) for e, s, t in self._term_occurrences(folded)]

    def _term_occurrences(self, folded: Folded) -> list[tuple[TermEntry, int, int]]:
        """Leftmost-longest whole-word occurrences, as folded spans.

        A variant that straddles an occurrence of a correct term (overlaps it
        without containing it) is returned as protected: text
        that is already right is never touched, and a replacement can never
        set up a new match with the words before it, so a second run changes
        nothing.
        """
        chosen = self._leftmost_longest(folded)
        if self._protected is None or all(entry.replacement is None for entry, _, _ in chosen):
            return chosen
        correct = [
            (s, e)
            for i, s, e in self._protected.find_matches_as_indexes(folded.text, overlapping=True)
            if self._at_boundaries(folded.text, self._protected_index[i], s, e)
        ]
        return [
            (entry.protect() if entry.replacement and _straddles(s, e, correct) else entry, s, e)
            for entry, s, e in chosen
        ]

    def _leftmost_longest(self, folded: Folded) -> list[tuple[TermEntry, int, int]]:
        if self._longest is None:
            return []
        hits = self._longest.find_matches_as_indexes(folded.text)
        if all(self._at_boundaries(folded.text, *hit) for hit in hits):
            return [(self.entries[i], s, e) for i, s, e in hits]
        # A hit inside a longer word can hide a real match that overlaps it
        # ("renew york university" hides "york university"): redo exactly.
        if self._overlapping is None:
            self._overlapping = ahocorasick_rs.AhoCorasick(
                [e.key for e in self.entries], matchkind=ahocorasick_rs.MatchKind.Standard
            )
        candidates = sorted(
            (hit for hit in self._overlapping.find_matches_as_indexes(folded.text, overlapping=True)
             if self._at_boundaries(folded.text, *hit)),
            key=lambda hit: (hit[1], -hit[2]),
        )
        chosen = []
        last_end = 0
        for i, s, e in candidates:
            if s >= last_end:
                chosen.append((self.entries[i], s, e))
                last_end = e
        return chosen

    def _at_boundaries(self, text: str, index: int, start: int, end: int) -> bool:
        entry = self.entries[index]
        if entry.boundary_start and start > 0 and is_word_char(text[start - 1]):
            return False
        if entry.boundary_end and end < len(text) and is_word_char(text[end]):
            return False
        return True

    def _pattern_fixes(self, text: str, occupied: list[tuple[int, int]]) -> list[Fix]:
        fixes = []
        taken = list(occupied)
        for rule, pattern in self._rules:
            literal = None if "\\" in rule.replacement else rule.replacement
            for m in pattern.finditer(text):
                start, end = m.span()
                if any(_overlaps(start, end, a, b) for a, b in taken):
                    continue
                after = m.expand(rule.replacement) if literal is None else literal
                if after == m.group():
                    continue
                taken.append((start, end))
                fixes.append(
                    Fix(start, end, m.group(), after, rule.id, FixKind.PATTERN,
                        applied=rule.auto_apply, note=rule.description)
                )
        return fixes


def _straddles(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of ``spans`` without containing it."""
    return any(start < b and a < end and not (start <= a and b <= end) for a, b in spans)


def _overlaps(start: int, end: int, a: int, b: int) -> bool:
    """Whether span [start, end) touches the inside of [a, b); insertions count at b."""
    if start == end:
        return a < start < b
    return start < b and a < end


def _term_entries(glossary: Glossary, language: str) -> list[TermEntry]:
    """One entry per distinct folded term; a protected reading always wins."""
    by_key: dict[str, TermEntry] = {}
    for concept in glossary.concepts:
        preferred = concept.preferred(language)
        for term in concept.terms_in(language):
            key = fold_term(term.text)
            if not key:
                continue
            protected = term.status.is_allowed or preferred is None
            entry = TermEntry(
                key=key,
                concept=concept,
                term=term,
                replacement=None if protected else preferred.text,
                boundary_start=is_word_char(key[0]),
                boundary_end=is_word_char(key[-1]),
            )
            known = by_key.get(key)
            if known is None or (known.replacement is not None and protected):
                by_key[key] = entry
    return list(by_key.values())


def _match_case(entry: TermEntry, before: str, text: str, start: int) -> str:
    """The replacement, in the case of the text it replaces."""
    after = entry.replacement
    if _is_all_caps(before) and not _is_all_caps(entry.term.text):
        return after.upper()
    if (
        before[:1].isupper()
        and after[:1].islower()
        and _SENTENCE_END.search(text, 0, start) is not None
    ):
        return after[0].upper() + after[1:]
    return after


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)
