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
from bisect import bisect_left, bisect_right
from itertools import accumulate
from collections.abc import Sequence
from dataclasses import dataclass, replace

import ahocorasick_rs

from mtfix.core.fuzzy import NearMissFinder
from mtfix.core.models import Concept, Fix, FixKind, Glossary, Term, language_matches
from mtfix.core.joined import SEPARATOR, WORD_BYTES, JoinedText
from mtfix.core.normalize import WORD_CHARS, fold, fold_term, is_word_char
from mtfix.core.placeholders import placeholder_spans
from mtfix.core.rules import bounded_matches, compile_rule

_MAX_CASED = 1 << 16
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
        # On UTF-8 bytes: the automaton scans bytes natively, much faster than a str.
        self._longest = ahocorasick_rs.BytesAhoCorasick(
            [key.encode("utf-8") for key in keys], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        ) if keys else None
        self._overlapping = None  # built on first need: most texts never need it
        self._protected_bytes = None  # likewise
        # Flat per-entry lists: the hot loops index these instead of reading attributes.
        self._boundary_start = [e.boundary_start for e in self.entries]
        self._boundary_end = [e.boundary_end for e in self.entries]
        self._fixes_to = [e.replacement for e in self.entries]
        self._about = [(e.concept.id, e.term.auto_apply, e.term.note or e.concept.note) for e in self.entries]
        self._term_all_caps = [_is_all_caps(e.term.text) for e in self.entries]
        self._cased: dict[tuple[int, str], str] = {}  # see _match_case
        self._protected_index = [i for i, e in enumerate(self.entries) if e.replacement is None]
        self._protected = ahocorasick_rs.AhoCorasick(
            [self.entries[i].key for i in self._protected_index],
            matchkind=ahocorasick_rs.MatchKind.Standard,
        ) if self._protected_index else None
        self._may_straddle = _may_straddle(self.entries)
        # Hits of these entries need a closer look than the bytes around them.
        self._look_closer = (
            self._may_straddle if self._protected is not None else [False] * len(self.entries)
        )
        self._rules = [(rule, compile_rule(rule)) for rule in glossary.rules]
        self._source_automaton = None  # built when a source text is first given
        self._source_concepts: list[tuple[str, str]] = []
        self.near_misses = (
            NearMissFinder(self.entries, threshold=fuzzy_threshold, apply=apply_fuzzy)
            if near_misses
            else None
        )
        # A document is scanned as one text with the segments joined by a
        # separator no term contains, so no match can run across two segments.
        self._joinable = not any(SEPARATOR in key for key in keys)

    def find_fixes(self, text: str, source: str | None = None) -> list[Fix]:
        """Every fix the glossary proposes for ``text``, ordered by position.

        Args:
            text: One segment of the document.
            source: The segment's source text in bilingual work. A fix that
                waits for review because its term is also ordinary language
                ("the big work") is applied when the source holds a
                source-language term of the same concept (大工).

        Returns:
            Non-overlapping fixes that leave every inline-code placeholder
            alone; offsets are into ``text``.
        """
        return self.find_fixes_in([text], [source])[0]

    def _finish(self, text: str, fixes: list[Fix], source: str | None) -> list[Fix]:
        """Drop fixes that would cross or delete a placeholder; let the source decide."""
        codes = placeholder_spans(text)
        if codes:
            fixes = [f for f in fixes if not any(f.start < b and a < f.end for a, b in codes)]
        if source and any(not f.applied and f.kind is FixKind.TERM for f in fixes):
            confirmed = {concept for concept, _, _, _ in self.source_terms(source)}
            fixes = [replace(f, applied=True) if not f.applied and f.kind is FixKind.TERM and f.rule in confirmed
                     else f for f in fixes]
        return fixes

    def source_terms(self, source: str) -> list[tuple[str, str, int, int]]:
        """Source-language terms in a source text: (concept id, preferred target term, start, end)."""
        if self._source_automaton is None:
            keys: dict[str, tuple[str, str]] = {}
            for concept in self.glossary.concepts:
                preferred = concept.preferred(self.language)
                if preferred is None:
                    continue
                for term in concept.terms:
                    if not language_matches(term.language, self.language) and (key := fold_term(term.text)):
                        keys.setdefault(key, (concept.id, preferred.text))
            self._source_concepts = list(keys.values())
            self._source_automaton = ahocorasick_rs.AhoCorasick(
                list(keys), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest) if keys else False
        if not self._source_automaton:
            return []
        folded = fold(source)
        return [(*self._source_concepts[i], *folded.span(s, e))
                for i, s, e in self._source_automaton.find_matches_as_indexes(folded.text)]

    def find_fixes_in(self, texts: Sequence[str], sources: Sequence[str | None] | None = None) -> list[list[Fix]]:
        """The fixes of every segment of a document, as ``find_fixes`` gives them.

        Faster than calling ``find_fixes`` per segment: the document is folded
        and scanned for terms (and near-miss anchors) in one pass, and only
        segments with something in them get per-segment work.

        Args:
            texts: The segments of the document, in order.
            sources: Their source texts in bilingual work (see :meth:`find_fixes`).

        Returns:
            For each segment, its fixes; offsets are into that segment.
        """
        texts = list(texts)
        sources = list(sources) if sources is not None else [None] * len(texts)
        if not self._joinable and len(texts) > 1:
            return [self.find_fixes_in([text], [source])[0] for text, source in zip(texts, sources, strict=True)]
        joined = JoinedText(texts)
        if self._rules or self.near_misses is not None:
            return self._fixes_each(joined, sources)
        return self._term_fixes(joined, sources)

    def _fixes_each(self, joined: JoinedText, sources: Sequence[str | None]) -> list[list[Fix]]:
        """Every kind of fix, segment by segment once the document scan has found the terms."""
        texts = joined.texts
        terms = self._occurrences(joined)
        if self.near_misses is not None:
            anchors = self.near_misses.anchors_in(joined, terms)
        else:
            anchors = {}
        results: list[list[Fix]] = [[] for _ in texts]
        todo = range(len(texts)) if self._rules else sorted(terms.keys() | anchors.keys())
        for number in todo:
            text = texts[number]
            found = self._fixes(text, joined, number, terms.get(number, ()), anchors.get(number))
            if found:
                results[number] = self._finish(text, found, sources[number])
        return results

    def _term_fixes(self, joined: JoinedText, sources: Sequence[str | None]) -> list[list[Fix]]:
        """Term fixes alone (no pattern rules, no near misses), made in one pass over the hits.

        The same fixes as :meth:`_fixes_each`: a segment with a hit inside a
        word or next to a non-ASCII character is done over the general way.
        """
        texts = joined.texts
        results: list[list[Fix]] = [[] for _ in texts]
        if self._longest is None:
            return results
        data, starts, folds = joined.data, joined.starts, joined.folds
        word = WORD_BYTES
        at_start, at_end, closer, fixes_to, about = (
            self._boundary_start, self._boundary_end, self._look_closer, self._fixes_to, self._about
        )
        match_case, char_offset = self._match_case, joined.char_offset
        again: set[int] = set()
        folded = None
        straddling: dict[int, list[int]] = {}  # fixes that may straddle a correct term, by segment
        base = segment_end = 0
        text = ""
        mine: list[Fix] = []
        skip = False
        for i, s, e in self._longest.find_matches_as_indexes(data):
            if s >= segment_end:
                number = bisect_right(starts, s) - 1
                base, segment_end = starts[number], starts[number + 1]
                text, mine = texts[number], results[number]
                folded = folds.get(number)
                skip = False
            if skip:
                continue
            if (
                (at_start[i] and word[data[s - 1]])
                or (at_end[i] and word[data[e]])
                or (folded is not None and closer[i])
            ):
                again.add(number)
                skip = True
                continue
            if fixes_to[i] is None:
                continue
            start, end = s - base, e - base
            if folded is not None:
                start, end = folded.span(char_offset(number, start), char_offset(number, end))
            before = text[start:end]
            after = match_case(i, before, text, start)
            if after != before:
                rule, applied, note = about[i]
                if closer[i]:
                    straddling.setdefault(number, []).append(len(mine))
                mine.append(Fix(start, end, before, after, rule, FixKind.TERM, applied, None, note))
        straddling = {n: found for n, found in straddling.items() if n not in again}
        if straddling:
            self._drop_straddling(joined, results, straddling)
        for number in again:
            start, end = starts[number], starts[number + 1] - 1
            hits = self._longest.find_matches_as_indexes(data[start:end])
            if number in folds:
                offset = joined.char_offset
                hits = [(i, offset(number, s), offset(number, e)) for i, s, e in hits]
            occurrences = self._term_occurrences(joined.folded(number).text, hits)
            results[number] = self._fixes(texts[number], joined, number, occurrences, None)
        for number, found in enumerate(results):
            if found and ("<" in texts[number] or sources[number]):
                results[number] = self._finish(texts[number], found, sources[number])
        return results

    def _drop_straddling(
        self, joined: JoinedText, results: list[list[Fix]], suspects: dict[int, list[int]]
    ) -> None:
        """Remove the suspect fixes that straddle an occurrence of a correct term.

        The segments concerned are scanned for correct terms together, in one
        pass of an overlapping automaton over their bytes joined.

        Args:
            joined: The document.
            results: The fixes found so far, by segment; changed in place.
            suspects: For each segment, the positions in its fixes of those
                whose term may straddle a correct one. The segments are plain
                ASCII, so byte offsets are character offsets.
        """
        if self._protected_bytes is None:
            self._protected_bytes = ahocorasick_rs.BytesAhoCorasick(
                [self.entries[i].key.encode("utf-8") for i in self._protected_index],
                matchkind=ahocorasick_rs.MatchKind.Standard,
            )
        numbers = sorted(suspects)
        data, starts = joined.data, joined.starts
        pieces = [data[starts[n] : starts[n + 1] - 1] for n in numbers]
        buffer = b"\0" + b"\0".join(pieces) + b"\0"
        offsets = list(accumulate((len(piece) + 1 for piece in pieces), initial=1))
        correct: dict[int, list[tuple[int, int]]] = {}
        word, at_start, at_end, index = WORD_BYTES, self._boundary_start, self._boundary_end, self._protected_index
        for i, s, e in self._protected_bytes.find_matches_as_indexes(buffer, overlapping=True):
            i = index[i]
            if (at_start[i] and word[buffer[s - 1]]) or (at_end[i] and word[buffer[e]]):
                continue
            k = bisect_right(offsets, s) - 1
            correct.setdefault(k, []).append((s - offsets[k], e - offsets[k]))
        for k, number in enumerate(numbers):
            spans = correct.get(k)
            if not spans:
                continue
            fixes = results[number]
            drop = {j for j in suspects[number] if _straddles(fixes[j].start, fixes[j].end, spans)}
            if drop:
                results[number] = [fix for j, fix in enumerate(fixes) if j not in drop]

    def _occurrences(self, joined: JoinedText) -> dict[int, list[tuple[int, int, int, bool]]]:
        """The term occurrences of every segment, as ``_term_occurrences`` gives them.

        One scan of the joined text; a segment whose hits are all bounded by
        ASCII non-word bytes and cannot straddle a protected term (nearly all)
        takes them as they are, the others get the exact treatment.
        """
        if self._longest is None:
            return {}
        data = joined.data
        starts = joined.starts
        word = WORD_BYTES
        at_start, at_end, closer, fixes_to = (
            self._boundary_start, self._boundary_end, self._look_closer, self._fixes_to
        )
        found: dict[int, list] = {}
        doubtful: set[int] = set()
        number = base = -1
        segment_end = 0
        mine: list = []
        for i, s, e in self._longest.find_matches_as_indexes(data):
            if s >= segment_end:
                number = bisect_right(starts, s) - 1
                base, segment_end = starts[number], starts[number + 1]
                mine = found[number] = []
            if (at_start[i] and word[data[s - 1]]) or (at_end[i] and word[data[e]]) or closer[i]:
                doubtful.add(number)
            mine.append((i, s - base, e - base, fixes_to[i] is not None))
        offset = joined.char_offset
        for number in joined.folds.keys() & found.keys():
            found[number] = [(i, offset(number, s), offset(number, e), fixable) for i, s, e, fixable in found[number]]
        for number in doubtful:
            hits = [(i, s, e) for i, s, e, _ in found[number]]
            found[number] = self._term_occurrences(joined.folded(number).text, hits)
        return found

    def _fixes(
        self, text: str, joined: JoinedText, number: int, occurrences, anchors: list | None
    ) -> list[Fix]:
        """The fixes of one segment, given its term occurrences and near-miss anchor hits."""
        occupied: list[tuple[int, int]] = []
        fixes: list[Fix] = []
        folded = joined.folds.get(number)
        span = folded.span if folded is not None else None
        entries = self.entries
        for index, start, end, fixable in occurrences:
            if span is not None:
                start, end = span(start, end)
            occupied.append((start, end))
            if not fixable:
                continue
            before = text[start:end]
            after = self._match_case(index, before, text, start)
            if after != before:
                entry = entries[index]
                term = entry.term
                fixes.append(
                    Fix(start, end, before, after, entry.concept.id, FixKind.TERM,
                        term.auto_apply, None, term.note or entry.concept.note)
                )
        extra = False
        if self._rules:
            more = self._pattern_fixes(text, occupied)
            if more:
                fixes.extend(more)
                extra = True
        if anchors:
            more = self.near_misses.find(text, joined.folded(number), occupied, anchors)
            if more:
                fixes.extend(more)
                extra = True
        if extra:
            fixes.sort(key=_position)
        return fixes

    def term_occurrences(self, text: str) -> list[tuple[TermEntry, int, int]]:
        """Every term occurrence in ``text`` (protected ones too), as original spans."""
        joined = JoinedText([text])
        folded = joined.folded(0)
        entries = self.entries
        return [
            (entries[i] if fixable or entries[i].replacement is None else entries[i].protect(),
             *folded.span(s, t))
            for i, s, t, fixable in self._occurrences(joined).get(0, [])
        ]

    def _term_occurrences(self, text: str, hits: list) -> list[tuple[int, int, int, bool]]:
        """Leftmost-longest whole-word occurrences, as folded spans.

        Each is (entry index, start, end, whether it is a fix). A variant that
        straddles an occurrence of a correct term (overlaps it without
        containing it) is not a fix: text that is already right is never
        touched, and a replacement can never set up a new match with the words
        before it, so a second run changes nothing.

        Args:
            text: The folded text.
            hits: Its raw leftmost-longest hits, (entry index, start, end).
        """
        if not hits:
            return []
        chosen = hits
        starts, ends, word = self._boundary_start, self._boundary_end, WORD_CHARS
        last = len(text)
        for i, s, e in hits:
            if (s and starts[i] and word[text[s - 1]]) or (e < last and ends[i] and word[text[e]]):
                chosen = self._exact_leftmost_longest(text)
                break
        fixes_to = self._fixes_to
        may_straddle = self._may_straddle
        if self._protected is None or not any(may_straddle[i] for i, _, _ in chosen):
            return [(i, s, e, fixes_to[i] is not None) for i, s, e in chosen]
        correct = [
            (s, e)
            for i, s, e in self._protected.find_matches_as_indexes(text, overlapping=True)
            if self._at_boundaries(text, self._protected_index[i], s, e)
        ]
        return [
            (i, s, e, fixes_to[i] is not None and not (may_straddle[i] and _straddles(s, e, correct)))
            for i, s, e in chosen
        ]

    def _exact_leftmost_longest(self, text: str) -> list[tuple[int, int, int]]:
        """Leftmost-longest among the whole-word matches only.

        A hit inside a longer word can hide a real match that overlaps it
        ("renew york university" hides "york university"), so a text with such
        a hit is matched again, exactly.
        """
        if self._overlapping is None:
            self._overlapping = ahocorasick_rs.AhoCorasick(
                [e.key for e in self.entries], matchkind=ahocorasick_rs.MatchKind.Standard
            )
        candidates = sorted(
            (hit for hit in self._overlapping.find_matches_as_indexes(text, overlapping=True)
             if self._at_boundaries(text, *hit)),
            key=lambda hit: (hit[1], -hit[2]),
        )
        chosen = []
        last_end = 0
        for i, s, e in candidates:
            if s >= last_end:
                chosen.append((i, s, e))
                last_end = e
        return chosen

    def _at_boundaries(self, text: str, index: int, start: int, end: int) -> bool:
        if self._boundary_start[index] and start > 0 and WORD_CHARS[text[start - 1]]:
            return False
        if self._boundary_end[index] and end < len(text) and WORD_CHARS[text[end]]:
            return False
        return True

    def _match_case(self, index: int, before: str, text: str, start: int) -> str:
        """The replacement of entry ``index``, in the case of the text it replaces.

        Remembered per (entry, text replaced) when the words before cannot change it, as for
        every replacement that starts with a capital: a document repeats its errors.
        """
        cased = self._cased.get((index, before))
        if cased is not None:
            return cased
        after = self._fixes_to[index]
        if not (before[:1].isupper() and after[:1].islower()):
            if len(self._cased) >= _MAX_CASED:
                self._cased.clear()
            cased = self._cased[index, before] = self._in_case_of(index, before, after)
            return cased
        after = self._in_case_of(index, before, after)
        if after[:1].islower() and _SENTENCE_END.search(text, 0, start) is not None:
            return after[0].upper() + after[1:]
        return after

    def _in_case_of(self, index: int, before: str, after: str) -> str:
        """``after`` in ALL CAPS if ``before`` is (and the term itself is not)."""
        # An ASCII text that is not isupper() has a lower-case letter or none at all.
        if (
            not self._term_all_caps[index]
            and (before.isupper() or not before.isascii())
            and _is_all_caps(before)
        ):
            return after.upper()
        return after

    def _pattern_fixes(self, text: str, occupied: list[tuple[int, int]]) -> list[Fix]:
        fixes = []
        taken = list(occupied)
        for rule, pattern in self._rules:
            literal = None if "\\" in rule.replacement else rule.replacement
            for m in bounded_matches(pattern, text, f"rule {rule.id}"):
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


def _position(fix: Fix) -> tuple[int, int]:
    return fix.start, fix.end


def _may_straddle(entries: list[TermEntry]) -> list[bool]:
    """For each entry, whether an occurrence of it could straddle a protected term.

    Only such variants need the protected terms looked for. A variant can
    straddle a protected term that contains it, or one that overlaps its start
    or its end; whole-word matching means the overlap begins or ends next to a
    non-word character of the variant (or at a non-word character of the
    protected term).
    """
    protected = sorted(e.key for e in entries if e.replacement is None)
    backwards = sorted(key[::-1] for key in protected)
    result = [False] * len(entries)
    variants = [i for i, e in enumerate(entries) if e.replacement is not None]
    if not protected or not variants:
        return result
    # A protected term containing a variant.
    finder = ahocorasick_rs.AhoCorasick(
        [entries[i].key for i in variants], matchkind=ahocorasick_rs.MatchKind.Standard
    )
    for v, _, _ in finder.find_matches_as_indexes(SEPARATOR.join(protected), overlapping=True):
        result[variants[v]] = True
    for i in variants:
        if result[i]:
            continue
        key = entries[i].key
        for cut in range(1, len(key)):
            if WORD_CHARS[key[cut - 1]] and WORD_CHARS[key[cut]]:
                continue
            # A protected term starting inside the variant, or ending inside it.
            if _has_prefix(protected, key[cut:]) or _has_prefix(backwards, key[:cut][::-1]):
                result[i] = True
                break
    return result


def _has_prefix(sorted_keys: list[str], prefix: str) -> bool:
    """Whether some key in ``sorted_keys`` starts with ``prefix``."""
    at = bisect_left(sorted_keys, prefix)
    return at < len(sorted_keys) and sorted_keys[at].startswith(prefix)


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


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)
