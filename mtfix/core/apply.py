"""Applying fixes to a text, and showing what they change."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from mtfix.core.models import Fix


def apply_fixes(text: str, fixes: Iterable[Fix]) -> str:
    """The text with ``fixes`` applied.

    Args:
        text: The text the fixes were found in.
        fixes: Non-overlapping fixes on ``text``; pass only the ones to apply.

    Raises:
        ValueError: If two fixes overlap or a fix does not describe ``text``.
    """
    parts: list[str] = []
    position = 0
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        if fix.start < position:
            raise ValueError(f"fix at {fix.start} overlaps the fix before it")
        if text[fix.start : fix.end] != fix.before:
            raise ValueError(f"fix at {fix.start} expects {fix.before!r}, text has {text[fix.start:fix.end]!r}")
        parts.append(text[position : fix.start])
        parts.append(fix.after)
        position = fix.end
    parts.append(text[position:])
    return "".join(parts)


def applied(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes that apply without a reviewer's decision."""
    return [f for f in fixes if f.applied]


def changed_spans(fixes: Iterable[Fix]) -> list[tuple[int, int, int, int]]:
    """Where each fix sits before and after it is applied.

    Args:
        fixes: Non-overlapping fixes, all of them applied.

    Returns:
        For each fix in text order, ``(start, end)`` in the original text and
        ``(start, end)`` of its replacement in the fixed text, as one 4-tuple.
    """
    spans = []
    shift = 0
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        start = fix.start + shift
        spans.append((fix.start, fix.end, start, start + len(fix.after)))
        shift += len(fix.after) - (fix.end - fix.start)
    return spans


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def word_diff(before: str, after: str) -> list[tuple[str, int, int, int, int]]:
    """A word-level diff of two texts, for showing a manual edit or a TM match.

    Returns:
        difflib-style opcodes ``(tag, i1, i2, j1, j2)`` whose offsets are
        character offsets into ``before`` and ``after``; tags are "equal",
        "replace", "delete" and "insert".
    """
    a = [m.span() for m in _TOKEN.finditer(before)]
    b = [m.span() for m in _TOKEN.finditer(after)]
    matcher = difflib.SequenceMatcher(
        None, [before[s:e] for s, e in a], [after[s:e] for s, e in b], autojunk=False
    )

    def start(spans, i, text):
        return spans[i][0] if i < len(spans) else len(text)

    return [
        (tag, start(a, i1, before), start(a, i2, before), start(b, j1, after), start(b, j2, after))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
