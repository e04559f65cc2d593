"""Folding text for matching, with a map back to the original offsets.

Matching is case-insensitive, treats any run of whitespace as one space, sees
full-width forms as their ASCII twins and curly apostrophes as straight ones.
The text itself is never changed: a :class:`Folded` text remembers where each of
its characters came from, so a match on the folded text becomes a span of the
original.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)

# Every entry maps one character to one character, so translating keeps offsets.
_TABLE = {ord(c): " " for c in _WHITESPACE}
_TABLE.update({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})  # full-width ASCII
_TABLE.update({ord(c): "'" for c in "\u2018\u2019\u02bc\u2032\uff07"})
_TABLE.update({ord(c): '"' for c in "\u201c\u201d\u201e\u2033"})
_TABLE.update({ord(c): "-" for c in "\u2010\u2011"})

_DOUBLE_SPACE = "  "
# The characters the table changes: a regex finds the few in a text far faster
# than str.translate walks a non-ASCII text through a dict.
_FOLDABLE = re.compile("[" + re.escape("".join(chr(c) for c in _TABLE)) + "]")
_FOLDED_CHAR = {chr(c): chr(v) if isinstance(v, int) else v for c, v in _TABLE.items()}


def _fold_char(match: re.Match[str]) -> str:
    return _FOLDED_CHAR[match.group()]


class Folded:
    """A folded text and the way back to the original.

    A plain slotted class rather than a dataclass: one is made per segment, on
    the engine's hot path.

    Attributes:
        text: The folded text, in which matches are looked for.
        starts: For each folded character, the original offset it starts at;
            None when folding kept every offset.
        ends: For each folded character, the original offset just after it.
    """

    __slots__ = ("text", "starts", "ends")

    def __init__(
        self, text: str, starts: tuple[int, ...] | None = None, ends: tuple[int, ...] | None = None
    ):
        self.text = text
        self.starts = starts
        self.ends = ends

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Folded):
            return NotImplemented
        return (self.text, self.starts, self.ends) == (other.text, other.starts, other.ends)

    def __repr__(self) -> str:
        return f"Folded({self.text!r}, {self.starts!r}, {self.ends!r})"

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the folded span ``[start, end)`` (``end > start``)."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> Folded:
    """Fold ``text`` for matching; see the module docstring."""
    if text.isascii() and text.isprintable():
        # Most segments: no control characters (the only ASCII keys of the
        # table), so lowering is the whole fold and keeps every offset.
        folded = text.lower()
        if _DOUBLE_SPACE not in folded:
            return Folded(folded)
        return _collapse_spaces(folded, range(len(text)), range(1, len(text) + 1))
    folded = _FOLDABLE.sub(_fold_char, text).lower()
    if len(folded) == len(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        if _DOUBLE_SPACE not in folded:
            return Folded(folded)
        starts = range(len(text))
        return _collapse_spaces(folded, starts, range(1, len(text) + 1))
    return _fold_by_cluster(text)


def fold_term(term: str) -> str:
    """Fold a glossary term the way texts are folded, without outer whitespace."""
    return fold(term.strip()).text


def _fold_by_cluster(text: str) -> Folded:
    """The slow path: compose each base character with its combining marks first."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for c in _FOLDABLE.sub(_fold_char, unicodedata.normalize("NFC", text[i:j])).lower():
            chars.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    return _collapse_spaces("".join(chars), starts, ends)


def _collapse_spaces(folded: str, starts, ends) -> Folded:
    """Fold every run of spaces into one space that covers the whole run."""
    chars: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for m in re.finditer(" {2,}", folded):
        chars.append(folded[pos : m.start()])
        new_starts.extend(starts[pos : m.start()])
        new_ends.extend(ends[pos : m.start()])
        chars.append(" ")
        new_starts.append(starts[m.start()])
        new_ends.append(ends[m.end() - 1])
        pos = m.end()
    chars.append(folded[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return Folded("".join(chars), tuple(new_starts), tuple(new_ends))


def is_word_char(c: str) -> bool:
    """Whether ``c`` is part of a word for the purpose of word boundaries.

    CJK characters are not: CJK text has no spaces, so a Chinese term may start
    or end next to any other character.
    """
    return (c.isalnum() or c == "_") and not _is_cjk(c)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o


class _WordChars(dict):
    """``is_word_char`` memoised per character: a dict lookup on the hot path."""

    def __missing__(self, c: str) -> bool:
        word = self[c] = is_word_char(c)
        return word


WORD_CHARS: dict[str, bool] = _WordChars()
"""``WORD_CHARS[c]`` is ``is_word_char(c)``."""
