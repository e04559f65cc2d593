"""What the review widgets are given to show: rows of the segment list, and where they come from.

The widgets never read the workspace. The app turns each segment into a
:class:`SegmentRow` when the segment list asks for it (see :class:`RowProvider`),
so a document of any length costs only the rows on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from mtfix.core.apply import changed_spans, word_diff
from mtfix.core.models import Fix

Span = tuple[int, int]
"""A ``(start, end)`` character range, end exclusive."""

Deletion = tuple[int, str]
"""Text taken out of a target: ``(offset in the target, the removed text)``."""


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """One segment as the segment list shows it.

    Attributes:
        number: The segment number shown to the reviewer (1 for the first segment).
        status: "new", "draft", "confirmed" or "rejected".
        source: The text on the left: the source text, or the raw MT text in
            monolingual post-editing.
        target: The text on the right: the current target.
        source_marks: Spans of ``source`` that fixes or edits change.
        target_marks: Spans of ``target`` inserted by fixes or edits.
        deleted: Text removed from the source, placed at its offset in ``target``;
            shown struck through when the list shows deletions.
        has_findings: Whether QA found something in the segment.
    """

    number: int
    status: str
    source: str
    target: str
    source_marks: tuple[Span, ...] = ()
    target_marks: tuple[Span, ...] = ()
    deleted: tuple[Deletion, ...] = ()
    has_findings: bool = False


@runtime_checkable
class RowProvider(Protocol):
    """Where a segment list gets its rows: any sized object that can build row ``index``.

    ``row`` is called only for rows about to be shown or measured, a few dozen
    at a time, so it may read from a database.
    """

    def __len__(self) -> int:
        """The number of rows."""
        ...

    def row(self, index: int) -> SegmentRow:
        """The row at ``index`` (0 <= index < len(self))."""
        ...


class RowList:
    """A row provider over rows already in memory (tests, small documents, previews).

    Args:
        rows: The rows, in order.
    """

    def __init__(self, rows: Iterable[SegmentRow] = ()) -> None:
        self.rows: list[SegmentRow] = list(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, index: int) -> SegmentRow:
        """The row at ``index``."""
        return self.rows[index]


@dataclass(frozen=True, slots=True)
class Changes:
    """Where a target differs from its source, ready for a :class:`SegmentRow`.

    Attributes:
        source_marks: Changed spans of the source.
        target_marks: Inserted spans of the target.
        deleted: Removed source text at its offset in the target.
    """

    source_marks: tuple[Span, ...] = ()
    target_marks: tuple[Span, ...] = ()
    deleted: tuple[Deletion, ...] = ()


def changes_from_fixes(fixes: Iterable[Fix]) -> Changes:
    """The changes made by applying ``fixes`` to the text they were found in.

    Args:
        fixes: Non-overlapping fixes, all of them applied to the target.
    """
    fixes = sorted(fixes, key=lambda f: (f.start, f.end))
    spans = changed_spans(fixes)
    return Changes(
        source_marks=tuple((s, e) for s, e, _, _ in spans if e > s),
        target_marks=tuple((ts, te) for _, _, ts, te in spans if te > ts),
        deleted=tuple((ts, fix.before) for fix, (_, _, ts, _) in zip(fixes, spans) if fix.before),
    )


def changes_between(source: str, target: str) -> Changes:
    """The changes that turn ``source`` into ``target``, word by word.

    Use it when the target was edited by hand or replaced by a TM match, where
    the fixes no longer describe the difference.
    """
    source_marks: list[Span] = []
    target_marks: list[Span] = []
    deleted: list[Deletion] = []
    for tag, i1, i2, j1, j2 in word_diff(source, target):
        if tag == "equal":
            continue
        if i2 > i1:
            source_marks.append((i1, i2))
            deleted.append((j1, source[i1:i2]))
        if j2 > j1:
            target_marks.append((j1, j2))
    return Changes(tuple(source_marks), tuple(target_marks), tuple(deleted))

