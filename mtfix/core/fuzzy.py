"""Near misses: spellings close to a known term that no glossary entry lists.

MT and hurried typing produce "Dalian Univeristy of Technology" or
"Technology University of Dalian" as often as the variants a glossary lists.
A near miss is a run of words that

* contains an *anchor* of a multi-word term, spelled exactly: one of its two
  rarest content words (a single typo leaves at least one intact), or, when
  the term has a content word too short for a typo ("xi" in Xi'an), that word;
  an anchor that more than two terms share ("university", "talent") counts
  only next to a spelling of the term's rarest other word within one edit;
* scores at least the threshold against the term (rapidfuzz ``ratio``, or
  ``token_sort_ratio`` for swapped words);
* has no content word that is not a close spelling of a word of the term, and
  misses none of the term's content words. This is what keeps *Harbin*
  University of Science and Technology from being a near miss of *Dalian*
  University of Science and Technology: a different word is not a typo.

Only terms of two or more words and at least ten characters take part, and
only terms whose fixes apply without review: a near miss of a term that needs
context ("the big work") would flag ordinary English.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

import ahocorasick_rs
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from mtfix.core.joined import JoinedText
from mtfix.core.models import Fix, FixKind
from mtfix.core.normalize import Folded

if TYPE_CHECKING:
    from mtfix.core.glossary import TermEntry

STOPWORDS = frozenset(
    "a an and as at by de for from in into of on or the to with du la le von der und".split()
)
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[^\w ]")
_MAX_MEMO = 1 << 17
_MIN_TERM_LENGTH = 10
_MIN_WORD_SIMILARITY = 0.75
_MAX_SHARED = 2
_MIN_TYPO_LENGTH = 5
_NO_RANK = (0.0, 0.0, 0)
_NO_WORDS: frozenset[str] = frozenset()
# Every ASCII byte that is not part of a word, as a space; other bytes as they are.
_SPACE_FOR_NON_WORD = bytes(
    b if b >= 0x80 or chr(b).isalnum() or b == ord("_") else ord(" ") for b in range(256)
)


class NearMissFinder:
    """Finds near misses of the terms of a compiled glossary.

    Args:
        entries: The engine's term entries.
        threshold: Minimum similarity (0-100) of a near miss.
        apply: Whether near-miss fixes are applied without review.
    """

    def __init__(self, entries: list[TermEntry], *, threshold: float = 85.0, apply: bool = False):
        self.threshold = threshold
        self.apply = apply
        self._known = {e.key for e in entries}
        candidates = [
            (e, words)
            for e in entries
            if e.term.auto_apply
            and len(e.key) >= _MIN_TERM_LENGTH
            and len(words := _WORD.findall(e.key)) >= 2
        ]
        frequency = Counter(w for _, words in candidates for w in set(words))
        self._terms: list[tuple[TermEntry, list[str], list[str]]] = []
        self._anywhere: set[int] = set()  # terms anchored by a word too short for a typo
        by_anchor: dict[str, list[tuple[int, int]]] = {}
        guarded: dict[str, dict[str, list[tuple[int, int]]]] = {}
        reach: dict[str, int] = {}
        for entry, words in candidates:
            content = [w for w in words if w not in STOPWORDS]
            if not content:
                continue
            number = len(self._terms)
            self._terms.append((entry, words, content))
            ranked = sorted(set(content), key=lambda w: (frequency[w], w))
            # A word too short to have a typo (see _close) is in every near
            # miss as it is: it alone is the surest anchor.
            exact = [w for w in ranked if 1 < len(w) < _MIN_TYPO_LENGTH - 1]
            if exact:
                self._anywhere.add(number)
            for anchor in exact[:1] or ranked[:2]:
                others = [w for w in ranked if w != anchor]
                if frequency[anchor] <= _MAX_SHARED or not others:
                    by_anchor.setdefault(anchor, []).append((number, words.index(anchor)))
                    continue
                # A word that other terms share ("university", "talent") would
                # make every one of them a candidate, and ordinary text is full
                # of it: it anchors a term only next to a spelling of the
                # term's rarest other word within one edit. This also keeps
                # other institutions (Yanzhang for Nanchang) from being near misses.
                index = guarded.setdefault(anchor, {})
                for variant in _one_edit_keys(others[0]):
                    index.setdefault(variant, []).append((number, words.index(anchor)))
                reach[anchor] = max(reach.get(anchor, 0), len(words) + 1)
        self._anchors = sorted(by_anchor.keys() | guarded.keys())  # the same numbers on every run
        self._by_anchor = [by_anchor.get(a, []) for a in self._anchors]
        self._reach = [reach.get(a, 0) for a in self._anchors]
        self._is_guarded = [a in guarded for a in self._anchors]
        # Every one-edit key of every guard, to every (anchor, term) it guards.
        self._guard_keys: dict[str, dict[int, list[tuple[int, int]]]] = {}
        for number, anchor in enumerate(self._anchors):
            for key, pairs in guarded.get(anchor, {}).items():
                self._guard_keys.setdefault(key, {})[number] = pairs
        # Per shared anchor, the words of the text seen so far that let it stand for a term;
        # and every word seen so far, whether it lets some anchor stand or not.
        self._guarded_by: dict[int, set[str]] = {}
        self._learned: set[str] = set()
        self._guard_pairs: dict[tuple[str, int], list[tuple[int, int]]] = {}  # (word, anchor): (term, offset)s
        self._closeness: dict[tuple[str, str], bool] = {}
        # Anchors are whole words: looked for with a space on each side in a
        # text whose non-word characters are spaces, so a hit inside a longer
        # word never reaches Python.
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                [f" {a} " for a in self._anchors], matchkind=ahocorasick_rs.MatchKind.Standard
            )
            if self._anchors
            else None
        )
        self._bytes_automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                [f" {a} ".encode("utf-8") for a in self._anchors],
                matchkind=ahocorasick_rs.MatchKind.Standard,
            )
            if self._anchors
            else None
        )

    def anchors_in(self, joined: JoinedText, terms: dict[int, list]) -> dict[int, list[tuple[int, int, int]]]:
        """The anchor hits of every segment that lie outside its term occurrences.

        Args:
            joined: The segments, folded and joined.
            terms: Each segment's term occurrences, (entry, start, end, fixable)
                in folded offsets, as the engine found them.

        Returns:
            The hits by segment number, as :meth:`anchor_hits` gives them.
        """
        if self._automaton is None:
            return {}
        found: dict[int, list[tuple[int, int, int]]] = {}
        starts, folds = joined.starts, joined.folds
        number = base = -1
        segment_end = 0
        mine: list = []
        words = joined.data.translate(_SPACE_FOR_NON_WORD)
        spaced = bytearray(words)
        # Most anchors sit inside a term the glossary matched exactly, where
        # no near miss can be: blank the terms out before looking.
        for segment, occurrences in terms.items():
            if segment not in folds:
                base = starts[segment]
                for _, start, end, _ in occurrences:
                    spaced[base + start : base + end] = b" " * (end - start)
        # A hit is " anchor ": the word is one byte in from each end.
        for anchor, start, end in self._bytes_automaton.find_matches_as_indexes(spaced, overlapping=True):
            start += 1
            if start >= segment_end:
                number = bisect.bisect_right(starts, start) - 1
                base, segment_end = starts[number], starts[number + 1]
                mine = found.setdefault(number, [])
            mine.append((anchor, start - base, end - 1 - base))
        # Segments that are not plain ASCII: their offsets are not bytes, and
        # their non-ASCII punctuation separates words too.
        for number in folds:
            found.pop(number, None)
            hits = self.anchor_hits(folds[number].text)
            if hits and number in terms:
                inside = _containment([(start, end) for _, start, end, _ in terms[number]])
                hits = [hit for hit in hits if not inside(hit[1:])]
            if hits:
                found[number] = hits
        found = {number: hits for number, hits in found.items() if hits}
        self._drop_unguarded(joined, words, found)
        return found

    def _drop_unguarded(self, joined: JoinedText, words: bytes, found: dict[int, list]) -> None:
        """Drop the hits of shared anchors whose guard is nowhere in their segment.

        For every segment of the document at once, from its bytes: most hits of a shared
        anchor ("university") fall here, and splitting and looking up each segment's words
        in :meth:`find` one segment at a time cost more than the rest of the search.

        Args:
            joined: The document.
            words: ``joined.data`` with every ASCII character that is not part of a word as a
                space: the words of its ASCII segments.
            found: Anchor hits by segment; changed in place.
        """
        by_anchor = self._by_anchor
        todo = [number for number, hits in found.items() if any(not by_anchor[hit[0]] for hit in hits)]
        if not todo:
            return
        starts, folds = joined.starts, joined.folds
        words_of = {}
        for number in todo:
            folded = folds.get(number)
            if folded is None or folded.text.isascii():
                words_of[number] = set(words[starts[number] : starts[number + 1] - 1].decode("ascii").split())
            else:  # non-ASCII punctuation separates words too
                words_of[number] = _words_of(folded.text)
        self._learn_guards(set().union(*words_of.values()))
        for number in todo:
            hits = self._standing(found[number], words_of[number])
            if hits:
                found[number] = hits
            else:
                del found[number]

    def _learn_guards(self, vocabulary: set[str]) -> None:
        """Work out which shared anchors each word of a document lets stand, unless known."""
        new = vocabulary.difference(self._learned)
        if len(self._learned) + len(new) > _MAX_MEMO:  # forget between documents, never within one
            self._learned.clear()
            self._guarded_by.clear()
            new = vocabulary
        for word in new:
            self._learn(word)

    def _standing(self, hits: list, words: set[str]) -> list:
        """The hits that may stand for a term: those of an anchor with terms of its own, and
        those of a shared anchor that one of ``words`` (the segment's, every one of them
        learned: :meth:`_learn_guards`) guards.
        """
        by_anchor, guarded_by = self._by_anchor, self._guarded_by
        return [hit for hit in hits
                if by_anchor[hit[0]] or not guarded_by.get(hit[0], _NO_WORDS).isdisjoint(words)]

    def anchor_hits(self, folded_text: str) -> list[tuple[int, int, int]]:
        """Every whole-word occurrence of an anchor in a folded text, as (anchor, start, end)."""
        if self._automaton is None:
            return []
        spaced = f" {_NOT_WORD.sub(' ', folded_text)} "
        # In ``spaced`` a hit starts one character before its word, and the
        # leading space shifts everything by one: the start is the word's.
        return [
            (anchor, start, end - 2)
            for anchor, start, end in self._automaton.find_matches_as_indexes(spaced, overlapping=True)
        ]

    def _learn(self, word: str) -> None:
        """Note the shared anchors ``word`` lets stand for a term (it is within one edit of a guard)."""
        guard_keys = self._guard_keys
        for anchor in set().union(*[guard_keys[key].keys() for key in _one_edit_keys(word) if key in guard_keys]):
            self._guarded_by.setdefault(anchor, set()).add(word)
        self._learned.add(word)

    def find(
        self,
        text: str,
        folded: Folded,
        occupied: list[tuple[int, int]],
        hits: list[tuple[int, int, int]] | None = None,
    ) -> list[Fix]:
        """Near-miss fixes in ``text`` that overlap no span in ``occupied``.

        Args:
            text: The original text.
            folded: ``text`` folded for matching.
            occupied: Original spans already taken by terms and other fixes.
            hits: The anchor hits in ``folded`` that may stand, as :meth:`anchors_in` gives
                them, if already known.
        """
        if self._automaton is None:
            return []
        by_anchor, is_guarded = self._by_anchor, self._is_guarded
        if hits is None:
            hits = self.anchor_hits(folded.text)
            if any(not by_anchor[anchor] for anchor, _, _ in hits):
                words = _words_of(folded.text)
                self._learn_guards(words)
                hits = self._standing(hits, words)
        # Most anchors sit inside a term the glossary already matched exactly.
        if occupied and hits:
            inside = _containment(occupied)
            hits = [hit for hit in hits if not inside(folded.span(hit[1], hit[2]))]
        if not hits:
            return []
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded.text)]
        word_at = {start: i for i, (start, _, _) in enumerate(words)}
        # Per span: (score, closeness, -term number). A spelling that scores the
        # same against two names goes to the one it is fewer edits from (a swap
        # of two letters is one edit), then to the one first in the glossary: the
        # same fix on every run, whatever order the candidates came in.
        best: dict[tuple[int, int], tuple[float, float, int]] = {}
        tried: set[tuple[int, int]] = set()
        for anchor, start, end in hits:
            position = word_at.get(start)
            if position is None or words[position][1] != end:
                continue  # the anchor is part of a longer word
            candidates = by_anchor[anchor]
            if is_guarded[anchor]:
                candidates = candidates + self._guarded_terms(anchor, words, position)
            for number, offset in candidates:
                if (number, position - offset) in tried:
                    continue  # the term's other anchor put the same words in front of it
                tried.add((number, position - offset))
                found = self._best_window(words, position, offset, number, folded.text)
                if found is not None:
                    span, score = found
                    rank = (score, OSA.normalized_similarity(folded.text[span[0] : span[1]],
                                                             self._terms[number][0].key), -number)
                    if rank > best.get(span, _NO_RANK):
                        best[span] = rank
        fixes: list[Fix] = []
        taken = list(occupied)
        for (fstart, fend), (score, _, negative) in sorted(best.items(), key=lambda kv: -kv[1][0]):
            entry = self._terms[-negative][0]
            start, end = folded.span(fstart, fend)
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            after = entry.replacement or entry.term.text
            fixes.append(
                Fix(start, end, text[start:end], after, entry.concept.id, FixKind.FUZZY,
                    applied=self.apply, score=round(score, 1),
                    note=f"near miss of “{entry.term.text}”")
            )
        return fixes

    def _guarded_terms(self, anchor: int, words, position: int) -> list[tuple[int, int]]:
        """The (term, offset) pairs the shared anchor at ``position`` stands for.

        Those whose rarest other word has a spelling within one edit among the
        words around the anchor.
        """
        reach = self._reach[anchor]
        guard_keys = self._guard_keys
        found: dict[tuple[int, int], None] = {}
        for _, _, word in words[max(0, position - reach) : position + reach + 1]:
            if word not in self._learned:
                self._learn(word)
            if word in self._guarded_by.get(anchor, _NO_WORDS):
                pairs = self._guard_pairs.get((word, anchor))
                if pairs is None:
                    if len(self._guard_pairs) >= _MAX_MEMO:
                        self._guard_pairs.clear()
                    pairs = self._guard_pairs[word, anchor] = list(dict.fromkeys(itertools.chain.from_iterable(
                        guard_keys[key].get(anchor, ()) for key in _one_edit_keys(word) if key in guard_keys)))
                found.update(dict.fromkeys(pairs))
        return sorted(found)  # in glossary order, not the order the words' keys came in

    def _close(self, word: str, other: str) -> bool:
        """Whether ``word`` is ``other`` or a typo of it: lengths first, then a remembered OSA.

        Short words must match exactly (both of four letters or fewer, or either
        of three or fewer): one edit to a short word mostly makes another word
        ("main" for "mai", "from" for "form"), not a typo.
        """
        if word == other:
            return True
        a, b = len(word), len(other)
        if a < _MIN_TYPO_LENGTH - 1 or b < _MIN_TYPO_LENGTH - 1 or (a < _MIN_TYPO_LENGTH and b < _MIN_TYPO_LENGTH):
            return False
        # OSA similarity is at most 1 - |a - b| / max(a, b).
        if 1 - abs(a - b) / max(a, b) < _MIN_WORD_SIMILARITY:
            return False
        key = (word, other)
        known = self._closeness.get(key)
        if known is None:
            if len(self._closeness) >= _MAX_MEMO:
                self._closeness.clear()
            known = self._closeness[key] = OSA.normalized_similarity(word, other) >= _MIN_WORD_SIMILARITY
        return known

    def _same_words(self, window: list[str], content: list[str]) -> bool:
        """Whether every content word on each side has a close spelling on the other."""
        close = self._close
        mine = {w for w in window if w not in STOPWORDS}
        theirs = set(content)
        # words both sides spell alike need no closer look: mostly all of them
        return (all(any(close(w, c) for c in content) for w in mine - theirs)
                and all(any(close(c, w) for w in mine) for c in theirs - mine))

    def _best_window(self, words, position, offset, number, folded_text):
        """The best-scoring run of words around an anchor, if it is a near miss."""
        entry, term_words, content = self._terms[number]
        size = len(term_words)
        natural = position - offset  # where the term would start
        if number in self._anywhere:
            # The anchor is a word every near miss has: swapped words can put
            # it anywhere in the window.
            shifts = sorted(range(offset - size, offset + 1), key=abs)
            low, high = position - size, position + size + 1
        else:
            shifts = (0, -1, 1)
            low, high = natural - 1, natural + size + 2
        # Every window below lies in this region, and a near miss has a close
        # spelling of each content word of the term: most candidates stop here.
        region = {w for _, _, w in words[max(0, low) : high]}
        close = self._close
        for word in content:
            if word not in region and not any(close(word, other) for other in region):
                return None
        key_length = len(entry.key)
        # ratio and token_sort_ratio are at most 200 * shorter / (sum of lengths).
        room = self.threshold / 200 - 1e-9
        result = None
        for length in (size, size - 1, size + 1):
            for shift in shifts:
                first = natural + shift
                if not first <= position < first + length:
                    continue
                last = first + length - 1
                if length < 2 or first < 0 or last >= len(words):
                    continue
                start, end = words[first][0], words[last][1]
                chars = end - start
                if min(chars, key_length) < room * (chars + key_length):
                    continue
                candidate = folded_text[start:end]
                if candidate in self._known:
                    continue
                score = fuzz.ratio(candidate, entry.key, score_cutoff=self.threshold) or fuzz.token_sort_ratio(
                    candidate, entry.key, score_cutoff=self.threshold
                )
                if not score:
                    continue
                window = [w for _, _, w in words[first : last + 1]]
                if not self._same_words(window, content):
                    continue
                if result is None or score > result[1]:
                    result = ((start, end), score)
        return result


@lru_cache(maxsize=1 << 16)
def _one_edit_keys(word: str) -> frozenset[str]:
    """The word and every way to drop one letter from it.

    Two words share one of these keys when they are one letter dropped,
    added, changed or swapped apart.
    """
    return frozenset([word, *(word[:i] + word[i + 1 :] for i in range(len(word)))])


def _words_of(folded_text: str) -> set[str]:
    """The distinct words of a folded text."""
    return set(_WORD.findall(folded_text))


def _containment(spans: list[tuple[int, int]]):
    """A test of whether a span lies within one of ``spans``: logarithmic, for long segments."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    reach = list(itertools.accumulate((b for _, b in ordered), max))  # furthest end so far

    def inside(span: tuple[int, int]) -> bool:
        i = bisect.bisect_right(starts, span[0]) - 1
        return i >= 0 and span[1] <= reach[i]

    return inside

