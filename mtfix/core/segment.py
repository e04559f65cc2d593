"""Lossless segmentation of plain text into paragraphs and sentences.

The split never loses a character: the leading whitespace (the *prefix*), then
each segment's text followed by its separator, give back the input exactly, so
exporting an untouched document returns the original file byte for byte.

How the text is cut, in the order a reader would:

1. **Paragraphs** are blocks of lines separated by one or more blank lines. A
   line holding only whitespace (spaces, tabs, no-break spaces...) is blank.
   Line breaks are ``\\n``, ``\\r\\n`` and ``\\r``; ``\\r\\n`` counts as one.
   Other separators (form feed, U+2028...) are ordinary whitespace.
2. **Lines.** Inside a paragraph every line break ends a segment, so a heading,
   a by-line (``Edit: Qian Han Yunyun``), a list item or one sentence per line
   (the usual shape of MT output) never runs into the next line. The exception
   is *hard-wrapped* prose, where a line break is only a space that an editor
   put there. A document counts as hard-wrapped when
   - its longest line is 40 to 120 characters long,
   - at least three quarters of the lines that continue a paragraph are
     *full*: the first word of the next line would not have fitted on them, and
   - at least a third of those next lines start with a lowercase letter, as
     prose carried over from one line to the next does (a table does not).
   In such a document a line break after a full line is read as a space, and
   sentences run across it; after a short line, or before a list item (``- ``,
   ``* ``, ``1. ``), it still ends the segment. So a wrapped sentence stays one
   segment, and a term broken across two lines is still one piece of text.
3. **Sentences.** A sentence ends after ``.`` ``!`` ``?`` ``…`` (so also
   ``...``) and any closing quotes or brackets, when whitespace and then
   something that can start a sentence follow: anything but a lowercase
   letter or punctuation that continues a sentence (``,`` ``;`` ``)`` ...).
   A period does not end a sentence after a known abbreviation (``Mr.``,
   ``e.g.``, ``No.``, ``Fig.`` ...), after an initial or a dotted
   abbreviation (``J. K. Rowling``, ``U.S.``, ``a.m.``), or after the number
   that starts a numbered line (``1. Introduction``). ``etc.`` ends a sentence
   when a capital follows. Numbers such as ``2022.07.28`` or ``3.5`` are
   never cut, as a stop needs whitespace after it. The CJK stops ``。`` ``！``
   ``？`` (and the full-width period ``．``, except before a digit) end a
   sentence even with no space after them.

A segment never crosses a paragraph, never has empty text and never starts or
ends with whitespace; separators and the prefix are whitespace only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mtfix.core.models import Segment

__all__ = ["join_segments", "segment_text"]

_WESTERN_STOPS = ".!?…‼⁇⁈⁉"
_CJK_STOPS = "。！？｡．"
_CLOSERS = "\"'”’»›)\\]}」』》〉】〕）］｝"
# Punctuation that carries a sentence on: a stop followed by one of these is not an end.
_CONTINUERS = ",;:%\\-–—、，；：" + _CLOSERS.replace("\"'", "") + _WESTERN_STOPS + _CJK_STOPS

# Abbreviations after which a period does not end a sentence, grouped by length because
# Python's look-behind needs a fixed width. Initials and dotted abbreviations ("J.",
# "U.S.", "e.g.", "a.m.", "Ph.D.") are caught by the single-letter rule instead.
_ABBREVIATIONS = (
    "Mr Ms Mx Dr St Sr Jr Lt Mt No vs cf al ca pp ed Co Ch Eq",
    "Mrs Rev Hon Gen Col Sgt Gov Sen Rep Nos viz Inc Ltd Fig Vol Sec Ref eds"
    " Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec",
    "Prof Capt Sept Corp Dept Univ Figs Vols Bros",
    "Assoc",
    "approx",
)
_NOT_AFTER_ABBREVIATION = r"(?<!\b[^\W\d_]\.)" + "".join(
    rf"(?<!\b(?:{'|'.join(group.split())})\.)" for group in _ABBREVIATIONS
)

# Every place where a segment may end. Each alternative starts with a stop or a line
# break; the look-ahead in front lets the regex engine skip to those characters fast.
_BOUNDARY = re.compile(
    rf"""
    (?=[{_WESTERN_STOPS}{_CJK_STOPS}\r\n])
    (?:
        [{_WESTERN_STOPS}]+ {_NOT_AFTER_ABBREVIATION}
        [{_CLOSERS}]*                                    # closing quotes and brackets
        (?P<gap>\s+)                                     # whitespace is required
        (?=[^\sa-z{_CONTINUERS}])                        # then a possible sentence start
    |
        (?:[。！？｡]|．(?![0-9０-９]))+ [{_CLOSERS}]*     # a CJK stop, not a decimal point
        (?P<cjk_gap>\s*)
        (?=\S)
    |
        (?P<line_break>[\r\n]) \s*
    )
    """,
    re.VERBOSE,
)
_LINE_BREAK = re.compile(r"\r\n?|\n")
_LIST_MARKER = re.compile(r"[-*•·‣◦▪]|\d{1,3}[.)]")
# The number that starts a numbered line: "1.", "12.", "iv.".
_LINE_NUMBER = re.compile(r"\d{1,3}|[ivxlcIVXLC]{1,6}")

_MIN_WRAP_WIDTH = 40
_MAX_WRAP_WIDTH = 120


def segment_text(text: str) -> tuple[str, list[Segment]]:
    """Split plain text into paragraphs and sentences, losslessly.

    The rules are in the module docstring.

    Args:
        text: The whole document.

    Returns:
        The prefix (the whitespace before the first segment; the whole text
        when it holds no segment) and the segments, such that
        ``join_segments(prefix, segments) == text``.
    """
    end = len(text.rstrip())
    if not end:
        return text, []
    first = start = len(text) - len(text.lstrip())
    wrapped = _wrapped_lines(text)
    line = _count_line_breaks(text[:first])
    segments: list[Segment] = []
    paragraph = 0
    for match in _BOUNDARY.finditer(text, start, end):
        kind = match.lastgroup
        if kind == "line_break":
            gap_start = match.start()
            while text[gap_start - 1].isspace():  # trailing spaces of the line
                gap_start -= 1
            ends_sentence = False
        else:
            gap_start = match.start(kind)
            ends_sentence = kind == "cjk_gap" or _starts_sentence(text, start, match)
        gap = text[gap_start : match.end()]
        breaks = gap.count("\n")
        if "\r" in gap:
            breaks += gap.count("\r") - gap.count("\r\n")
        line += breaks
        if not ends_sentence and (not breaks or (breaks == 1 and wrapped and wrapped[line - 1])):
            continue
        segments.append(Segment(len(segments), text[start:gap_start], gap, paragraph))
        start = match.end()
        paragraph += breaks > 1
    segments.append(Segment(len(segments), text[start:end], text[end:], paragraph))
    return text[:first], segments


def join_segments(prefix: str, segments: Iterable[Segment]) -> str:
    """The text that ``segment_text`` split: the prefix, then each segment and its separator."""
    return prefix + "".join(segment.text + segment.separator for segment in segments)


def _count_line_breaks(whitespace: str) -> int:
    """How many line breaks ``whitespace`` holds (``\\r\\n`` is one)."""
    return whitespace.count("\n") + whitespace.count("\r") - whitespace.count("\r\n")


def _starts_sentence(text: str, segment_start: int, match: re.Match[str]) -> bool:
    """Whether what follows a western stop really starts a new sentence.

    The regular expression has already ruled out ASCII lowercase and abbreviations;
    this catches other lowercase letters ("é", "ß") and line numbers ("1. Introduction").
    """
    following = text[match.end()]
    if following > "\x7f" and following.islower():
        return False
    stop = match.start()
    return not (
        stop - segment_start <= 6
        and text[stop] == "."
        and _LINE_NUMBER.fullmatch(text, segment_start, stop)
    )


def _wrapped_lines(text: str) -> list[bool] | None:
    """Which lines of a hard-wrapped text continue on the next line; None if it is not hard-wrapped.

    Returns:
        For each line (0-based), True when it is full, meaning the first word of
        the next line would not have fitted on it, and that next line is no list
        item. None when the text does not look hard-wrapped.
    """
    lines = _LINE_BREAK.split(text)
    lengths = [len(line.strip()) for line in lines]
    width = max(lengths)
    if not _MIN_WRAP_WIDTH <= width <= _MAX_WRAP_WIDTH:
        return None
    wrapped = [False] * len(lines)
    continued = full = lowercase = 0
    for index, next_line in enumerate(lines[1:]):
        if not (lengths[index] and lengths[index + 1]):
            continue
        continued += 1
        first_word = next_line.split(None, 1)[0]
        lowercase += first_word[0].islower()
        if lengths[index] + 1 + len(first_word) > width and not _LIST_MARKER.fullmatch(first_word):
            wrapped[index] = True
            full += 1
    # Tables and lists can have lines of even length too; wrapped prose also carries
    # sentences on to the next line, which then often starts with a lowercase word.
    if full and full >= 0.75 * continued and lowercase >= continued / 3:
        return wrapped
    return None
