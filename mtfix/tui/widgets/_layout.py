"""Wrapping segment text to a column and marking the changed parts, for the segment list.

Everything works on character offsets into the segment text, so the marks of a
:class:`~mtfix.tui.widgets.rows.SegmentRow` apply to the wrapped lines unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rich.cells import get_character_cell_size

from mtfix.core.visible import visible

Line = tuple[int, int]
"""A display line: ``(start, end)`` offsets into the text, end exclusive."""

Run = tuple[int, int, str]
"""A styled part of a text: ``(start, end, kind)``, kind naming a component style."""


_TOKEN = re.compile(r"[^ ]+ *| +")


def printable(text: str) -> str:
    """``text`` with tabs as spaces and control characters visible (ESC as ␛), offsets unchanged.

    Escape sequences and bidirectional controls never reach the terminal raw:
    see :func:`mtfix.core.visible.visible`. Line feeds stay: they break lines.
    """
    return visible(text)


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(get_character_cell_size(c) for c in text)


def wrap(text: str, width: int) -> list[Line]:
    """Break ``text`` into lines of at most ``width`` cells.

    Lines break after spaces; a word longer than the line is folded. A line feed
    always ends a line. Spaces at the end of a line may run past ``width``
    (they are cut when drawn), so no character is dropped and every character
    belongs to exactly one line.

    Args:
        text: Printable text (see :func:`printable`).
        width: The column width in cells, at least 1.

    Returns:
        The lines in order; at least one (an empty text gives ``[(0, 0)]``).
    """
    width = max(1, width)
    lines: list[Line] = []
    start = 0
    for paragraph in text.split("\n"):
        end = start + len(paragraph)
        if paragraph.isascii() and len(paragraph) <= width:
            lines.append((start, end))
        else:
            _wrap_paragraph(paragraph, start, width, lines)
        start = end + 1
    return lines


def _wrap_paragraph(paragraph: str, base: int, width: int, lines: list[Line]) -> None:
    ascii_only = paragraph.isascii()
    line_start = 0
    used = 0  # cells taken on the current line, trailing spaces included
    for match in _TOKEN.finditer(paragraph):
        token_start, token = match.start(), match.group()
        word = token.rstrip(" ")
        word_width = len(word) if ascii_only else _width(word)
        token_width = word_width + len(token) - len(word)
        if used + word_width <= width:
            used += token_width
            continue
        if used:
            lines.append((base + line_start, base + token_start))
            line_start, used = token_start, 0
        if word_width <= width:
            used = token_width
            continue
        # A word wider than the line: fold it.
        position = token_start
        for index, char in enumerate(word):
            char_width = 1 if ascii_only else get_character_cell_size(char)
            if used + char_width > width and used:
                lines.append((base + line_start, base + token_start + index))
                line_start, used = token_start + index, 0
            used += char_width
            position = token_start + index + 1
        used += len(token) - (position - token_start)
    lines.append((base + line_start, base + len(paragraph)))


def runs(spans: Iterable[tuple[int, int, str]], priority: Sequence[str]) -> list[Run]:
    """Non-overlapping styled parts from spans that may overlap.

    Args:
        spans: ``(start, end, kind)`` triples in any order.
        priority: Kinds from weakest to strongest; where spans overlap the
            strongest kind wins.

    Returns:
        Sorted, non-overlapping runs; neighbouring runs of one kind are joined.
    """
    spans = [(s, e, k) for s, e, k in spans if e > s]
    if not spans:
        return []
    if len(spans) == 1:
        return spans
    rank = {kind: i for i, kind in enumerate(priority)}
    cuts = sorted({p for s, e, _ in spans for p in (s, e)})
    result: list[Run] = []
    for left, right in zip(cuts, cuts[1:]):
        covering = [k for s, e, k in spans if s <= left and right <= e]
        if not covering:
            continue
        kind = max(covering, key=lambda k: rank.get(k, -1))
        if result and result[-1][1] == left and result[-1][2] == kind:
            result[-1] = (result[-1][0], right, kind)
        else:
            result.append((left, right, kind))
    return result


def with_deletions(
    target: str, inserted: Iterable[tuple[int, int]], deleted: Iterable[tuple[int, str]]
) -> tuple[str, list[tuple[int, int, str]]]:
    """The target with the deleted text put back in place, for showing struck through.

    Deleted text at an offset is shown before text inserted at the same offset
    ("colour color" for colour → color).

    Args:
        target: The current target.
        inserted: Spans of ``target`` that fixes or edits inserted.
        deleted: ``(offset in target, text)`` of what was removed.

    Returns:
        The text to show and its ``(start, end, kind)`` spans, kind "insert" or "delete",
        with offsets into the text to show.
    """
    deleted = sorted((max(0, min(len(target), o)), t) for o, t in deleted if t)
    if not deleted:
        return target, [(s, e, "insert") for s, e in inserted]
    offsets = [o for o, _ in deleted]
    lengths = [len(t) for _, t in deleted]

    def shift(position: int, inclusive: bool) -> int:
        return position + sum(
            n for o, n in zip(offsets, lengths) if (o <= position if inclusive else o < position)
        )

    spans = [(shift(s, True), shift(e, False), "insert") for s, e in inserted]
    pieces: list[str] = []
    position = moved = 0
    for offset, text in deleted:
        pieces.append(target[position:offset])
        spans.append((offset + moved, offset + moved + len(text), "delete"))
        pieces.append(text)
        position, moved = offset, moved + len(text)
    pieces.append(target[position:])
    return "".join(pieces), spans
