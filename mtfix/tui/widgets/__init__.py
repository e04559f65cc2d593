"""The widgets of the review screen. They show what they are given and post messages;
the app owns the workspace and every change to it."""

from mtfix.tui.widgets.detail import DetailPanel, FindingView, FixState, FixView, MatchView
from mtfix.tui.widgets.rows import (
    Changes,
    RowList,
    RowProvider,
    SegmentRow,
    changes_between,
    changes_from_fixes,
)
from mtfix.tui.widgets.segment_list import SegmentList
from mtfix.tui.widgets.status import StatusLine

__all__ = [
    "Changes",
    "DetailPanel",
    "FindingView",
    "FixState",
    "FixView",
    "MatchView",
    "RowList",
    "RowProvider",
    "SegmentList",
    "SegmentRow",
    "StatusLine",
    "changes_between",
    "changes_from_fixes",
]
