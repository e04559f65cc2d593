"""The review of one document as the screen sees it: rows, filters, progress.

:class:`Review` holds the segment states read from the workspace and turns each
into a :class:`SegmentRow` when the segment list asks for it, so a document of
100,000 segments costs one read at start-up and a row only when it is shown.
Filters and search are views: a list of the segment indices that pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mtfix.core.models import SegmentState, SegmentStatus
from mtfix.tui.widgets import FixState, FixView, SegmentRow, changes_between, changes_from_fixes


@dataclass(frozen=True)
class Filter:
    """A named test that a segment passes or not."""

    name: str
    test: Callable[[SegmentState], bool]


FILTERS = (
    Filter("all", lambda s: True),
    Filter("unconfirmed", lambda s: s.status is not SegmentStatus.CONFIRMED),
    Filter("with fixes", lambda s: bool(s.open_fixes)),
)
"""The filters that ``f`` cycles through, in order."""


class Review:
    """The segments of one document, and the view of them that is shown.

    Args:
        states: Every segment of the document, in order.
    """

    def __init__(self, states: list[SegmentState]):
        self.states = states
        self.words = [len(s.mt.split()) for s in states]
        self.filter = FILTERS[0]
        self.search = ""
        self.indices: list[int] = list(range(len(states)))
        self._cache: dict[int, SegmentRow] = {}

    # --- the RowProvider protocol of the segment list ------------------------------------
    def __len__(self) -> int:
        return len(self.indices)

    def row(self, position: int) -> SegmentRow:
        """The row shown at ``position`` of the current view."""
        index = self.indices[position]
        row = self._cache.get(index)
        if row is None:
            row = self._cache[index] = segment_row(self.states[index])
        return row

    # --- changes ---------------------------------------------------------------------------
    def update(self, state: SegmentState) -> None:
        """Take the new state of one segment."""
        self.states[state.index] = state
        self._cache.pop(state.index, None)

    def position_of(self, index: int) -> int | None:
        """Where segment ``index`` is in the current view, if it is in it."""
        from bisect import bisect_left

        position = bisect_left(self.indices, index)
        if position < len(self.indices) and self.indices[position] == index:
            return position
        return None

    def apply_view(self, filter: Filter | None = None, search: str | None = None) -> None:
        """Show only the segments that pass the filter and contain the search text."""
        if filter is not None:
            self.filter = filter
        if search is not None:
            self.search = search
        needle = self.search.casefold()
        self.indices = [
            s.index
            for s in self.states
            if self.filter.test(s)
            and (not needle or needle in s.mt.casefold() or needle in s.target.casefold()
                 or (s.source is not None and needle in s.source.casefold()))
        ]

    @property
    def view_name(self) -> str:
        """The filter and search in force, for the status line."""
        name = self.filter.name
        return f"{name}, “{self.search}”" if self.search else name

    # --- progress --------------------------------------------------------------------------
    def progress(self) -> tuple[int, int, int, int]:
        """Confirmed segments, all segments, confirmed words, all words."""
        confirmed = [s.index for s in self.states if s.status is SegmentStatus.CONFIRMED]
        return len(confirmed), len(self.states), sum(self.words[i] for i in confirmed), sum(self.words)

    def next_unconfirmed(self, after: int) -> int | None:
        """The first unconfirmed segment after ``after`` (wrapping round), if any."""
        count = len(self.states)
        for step in range(1, count + 1):
            index = (after + step) % count
            if self.states[index].status is not SegmentStatus.CONFIRMED:
                return index
        return None


def segment_row(state: SegmentState) -> SegmentRow:
    """What the segment list shows for one segment."""
    if state.edited:
        changes = changes_between(state.mt, state.target)
    else:
        changes = changes_from_fixes([p.fix for p in state.fixes if p.accepted])
    return SegmentRow(
        number=state.index + 1,
        status=str(state.status),
        source=state.source if state.source is not None else state.mt,
        target=state.target,
        source_marks=changes.source_marks if state.source is None else (),
        target_marks=changes.target_marks,
        deleted=changes.deleted,
    )


def fix_views(state: SegmentState) -> list[FixView]:
    """The fixes of a segment as the detail panel lists them."""
    views = []
    for proposed in state.fixes:
        fix = proposed.fix
        if proposed.decision is None:
            fix_state = FixState.ACCEPTED if fix.applied else FixState.SUGGESTED
        else:
            fix_state = FixState.ACCEPTED if proposed.accepted else FixState.REJECTED
        views.append(FixView(fix.rule, fix.before, fix.after, str(fix.kind), fix_state, fix.score, fix.note))
    return views
