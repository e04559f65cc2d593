"""The review of one document as the screen sees it: rows, filters, progress.

:class:`Review` holds a summary of every segment (status, words, open fixes:
no text) and reads a segment in full only when the segment list shows it, so a
document of 100,000 segments opens with one light query.
Filters and search are views: a list of the segment indices that pass.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from mtfix.core.models import Finding, SegmentState, SegmentStatus, SegmentSummary
from mtfix.tui.widgets import FixState, FixView, SegmentRow, changes_between, changes_from_fixes


@dataclass(frozen=True)
class Filter:
    """A named test that a segment passes or not (given its summary and whether it has findings)."""

    name: str
    test: Callable[[SegmentSummary, bool], bool]


FILTERS = (
    Filter("all", lambda s, findings: True),
    Filter("unconfirmed", lambda s, findings: s.status is not SegmentStatus.CONFIRMED),
    Filter("with fixes", lambda s, findings: s.open_fixes > 0),
    Filter("with findings", lambda s, findings: findings),
)
"""The filters that ``f`` cycles through, in order."""

CROSS_SEGMENT_CHECKS = frozenset({"inconsistent_target", "inconsistent_source"})

_CACHED_STATES = 4096


class Review:
    """The segments of one document, and the view of them that is shown.

    Args:
        summaries: Status, words and open fixes of every segment, in order.
        load: Reads one segment in full, when it is shown.
        find: The indices of the segments containing a text (search).
    """

    def __init__(
        self,
        summaries: list[SegmentSummary],
        load: Callable[[int], SegmentState],
        find: Callable[[str], list[int]],
    ):
        self.summaries = summaries
        # Progress is kept up to date by update(): summing 100,000 summaries per keypress shows.
        confirmed = [s.words for s in summaries if s.status is SegmentStatus.CONFIRMED]
        self._confirmed_segments, self._confirmed_words = len(confirmed), sum(confirmed)
        self._words = sum(s.words for s in summaries)
        self._load = load
        self._find = find
        self.filter = FILTERS[0]
        self.search = ""
        self.indices: list[int] = list(range(len(summaries)))
        self.findings: dict[int, list[Finding]] = {}
        """QA findings per segment index, once the checks have run."""
        self._states: OrderedDict[int, SegmentState] = OrderedDict()
        self._rows: dict[int, SegmentRow] = {}

    # --- the RowProvider protocol of the segment list ------------------------------------
    def __len__(self) -> int:
        return len(self.indices)

    def row(self, position: int) -> SegmentRow:
        """The row shown at ``position`` of the current view."""
        index = self.indices[position]
        row = self._rows.get(index)
        if row is None:
            row = self._rows[index] = segment_row(self.state(index), bool(self.findings.get(index)))
        return row

    def state(self, index: int) -> SegmentState:
        """Segment ``index`` in full (read from the workspace the first time)."""
        state = self._states.get(index)
        if state is None:
            state = self._states[index] = self._load(index)
            if len(self._states) > _CACHED_STATES:
                old, _ = self._states.popitem(last=False)
                self._rows.pop(old, None)
        return state

    # --- changes ---------------------------------------------------------------------------
    def set_findings(self, index: int, findings: list[Finding]) -> None:
        """Take the new QA findings of one segment."""
        if findings:
            self.findings[index] = findings
        else:
            self.findings.pop(index, None)
        self._rows.pop(index, None)

    def update(self, state: SegmentState) -> None:
        """Take the new state of one segment."""
        self._states[state.index] = state
        self._rows.pop(state.index, None)
        old = self.summaries[state.index]
        self.summaries[state.index] = SegmentSummary(state.index, state.status, old.words, len(state.open_fixes))
        was, now = old.status is SegmentStatus.CONFIRMED, state.status is SegmentStatus.CONFIRMED
        if was != now:
            sign = 1 if now else -1
            self._confirmed_segments += sign
            self._confirmed_words += sign * old.words

    def position_of(self, index: int) -> int | None:
        """Where segment ``index`` is in the current view, if it is in it."""
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
        found = set(self._find(self.search)) if self.search else None
        self.indices = [
            s.index for s in self.summaries
            if self.filter.test(s, s.index in self.findings) and (found is None or s.index in found)
        ]

    @property
    def view_name(self) -> str:
        """The filter and search in force, for the status line."""
        name = self.filter.name
        return f"{name}, “{self.search}”" if self.search else name

    # --- progress --------------------------------------------------------------------------
    def progress(self) -> tuple[int, int, int, int]:
        """Confirmed segments, all segments, confirmed words, all words."""
        return self._confirmed_segments, len(self.summaries), self._confirmed_words, self._words

    def next_unconfirmed(self, after: int) -> int | None:
        """The first unconfirmed segment after ``after`` (wrapping round), if any."""
        count = len(self.summaries)
        for step in range(1, count + 1):
            index = (after + step) % count
            if self.summaries[index].status is not SegmentStatus.CONFIRMED:
                return index
        return None


def segment_row(state: SegmentState, has_findings: bool = False) -> SegmentRow:
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
        has_findings=has_findings,
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
