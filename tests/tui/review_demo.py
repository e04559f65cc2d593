"""A review of the sample article held in memory: the three review widgets wired the way the app wires them.

It keeps every decision in a dict instead of the workspace, so the widgets can
be tried and tested on their own::

    .venv/bin/python tests/tui/review_demo.py [FILE]

Keys: up/down (j/k) move between segments; space toggles the first open fix
of the segment or, with the detail panel focused (tab), the highlighted one;
c confirms; d shows deleted text; alt+1..9 would insert memory matches.
"""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding

from mtfix.config import load_config
from mtfix.core.apply import apply_fixes
from mtfix.core.glossary import FixEngine
from mtfix.core.models import Fix
from mtfix.core.segment import segment_text
from mtfix.formats.glossary_files import load_glossaries
from mtfix.tui.widgets import (
    DetailPanel,
    FixState,
    FixView,
    SegmentList,
    SegmentRow,
    StatusLine,
    changes_from_fixes,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "dut-international-2022.txt"


class Review:
    """Segments, their fixes and the reviewer's decisions, in memory; a row provider."""

    def __init__(self, texts: list[str], engine: FixEngine) -> None:
        self.texts = texts
        self.fixes: list[list[Fix]] = [engine.find_fixes(text) for text in texts]
        self.accepted: list[list[bool]] = [[fix.applied for fix in fixes] for fixes in self.fixes]
        self.status = ["new"] * len(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def applied(self, index: int) -> list[Fix]:
        return [fix for fix, on in zip(self.fixes[index], self.accepted[index]) if on]

    def row(self, index: int) -> SegmentRow:
        applied = self.applied(index)
        changes = changes_from_fixes(applied)
        return SegmentRow(
            number=index + 1,
            status=self.status[index],
            source=self.texts[index],
            target=apply_fixes(self.texts[index], applied),
            source_marks=changes.source_marks,
            target_marks=changes.target_marks,
            deleted=changes.deleted,
        )

    def fix_views(self, index: int) -> list[FixView]:
        views = []
        for fix, on in zip(self.fixes[index], self.accepted[index]):
            if on:
                state = FixState.ACCEPTED
            elif fix.applied:
                state = FixState.REJECTED
            else:
                state = FixState.SUGGESTED
            views.append(FixView(fix.rule, fix.before, fix.after, str(fix.kind), state, fix.score, fix.note))
        return views

    def words(self, index: int) -> int:
        return len(self.texts[index].split())


class ReviewDemo(App):
    """The review screen over an in-memory :class:`Review`."""

    CSS_PATH = str(REPO / "mtfix" / "tui" / "mtfix.tcss")
    BINDINGS = [
        # The detail panel's own keys work when it has focus; these reach it from the list.
        Binding("space", "toggle_fix", "Toggle fix", id="review.toggle_fix"),
        Binding("c", "confirm", "Confirm", id="review.confirm"),
        Binding("tab", "focus_next", "Fixes", show=False),
    ]

    def __init__(self, review: Review) -> None:
        super().__init__()
        self.review = review

    def compose(self) -> ComposeResult:
        yield SegmentList(self.review)
        yield DetailPanel()
        yield StatusLine()

    def on_mount(self) -> None:
        self.query_one(SegmentList).focus()
        self.update_progress()

    def update_progress(self) -> None:
        review = self.review
        confirmed = [i for i, status in enumerate(review.status) if status == "confirmed"]
        self.query_one(StatusLine).set_progress(
            len(confirmed),
            len(review),
            sum(review.words(i) for i in confirmed),
            sum(review.words(i) for i in range(len(review))),
        )

    def show_segment(self, index: int) -> None:
        self.query_one(DetailPanel).show(index, self.review.fix_views(index), source=self.review.texts[index])

    def on_segment_list_highlighted(self, message: SegmentList.Highlighted) -> None:
        self.show_segment(message.index)

    def on_detail_panel_fix_toggled(self, message: DetailPanel.FixToggled) -> None:
        index = message.segment_index
        accepted = self.review.accepted[index]
        accepted[message.fix_index] = not accepted[message.fix_index]
        self.review.status[index] = "draft"
        self.query_one(SegmentList).refresh_row(index)
        self.show_segment(index)

    def action_toggle_fix(self) -> None:
        self.query_one(DetailPanel).action_toggle_fix()

    def action_confirm(self) -> None:
        segments = self.query_one(SegmentList)
        self.review.status[segments.cursor] = "confirmed"
        segments.refresh_row(segments.cursor)
        self.update_progress()
        segments.action_cursor_down()


def sample_review(path: Path = SAMPLE) -> Review:
    """The sample article (or ``path``), fixed with the checkout's glossaries."""
    config = load_config(start=REPO)
    engine = FixEngine(load_glossaries(config.glossaries), language=config.language, near_misses=True)
    _, segments = segment_text(path.read_text(encoding="utf-8"))
    return Review([segment.text for segment in segments], engine)


if __name__ == "__main__":
    ReviewDemo(sample_review(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE)).run()
