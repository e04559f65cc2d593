"""The review widgets, driven with a pilot: each test runs a tiny app around one widget."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from tui_testing import contrast, pilot_test, screen_text

from mtfix.core.apply import apply_fixes
from mtfix.core.models import Fix, FixKind
from mtfix.tui.widgets import (
    DetailPanel,
    FindingView,
    FixState,
    FixView,
    MatchView,
    RowList,
    SegmentList,
    SegmentRow,
    StatusLine,
    changes_between,
    changes_from_fixes,
)

STYLESHEET = Path(__file__).resolve().parents[2] / "mtfix" / "tui" / "mtfix.tcss"

MT = (
    "Dalian University of Science and Technology has established long -term stable "
    "inter -school cooperative relations with 276 well -known universities."
)


def _fix(before: str, after: str, rule: str, kind: FixKind) -> Fix:
    start = MT.index(before)
    return Fix(start, start + len(before), before, after, rule, kind)


FIXES = (
    _fix("Dalian University of Science and Technology", "Dalian University of Technology", "dut", FixKind.TERM),
    _fix("long -", "long-", "space-before-hyphen", FixKind.PATTERN),
    _fix("inter -", "inter-", "space-before-hyphen", FixKind.PATTERN),
)


def fixed_row(number: int, status: str = "draft", source: str = MT, fixes=FIXES) -> SegmentRow:
    """A row whose target is ``source`` with ``fixes`` applied, marked as the app marks it."""
    changes = changes_from_fixes(fixes)
    return SegmentRow(
        number,
        status,
        source,
        apply_fixes(source, fixes),
        changes.source_marks,
        changes.target_marks,
        changes.deleted,
    )


def plain_row(number: int, status: str = "new") -> SegmentRow:
    """A short row with nothing to fix."""
    text = f"Segment {number} needs no fix."
    return SegmentRow(number, status, text, text)


class Numbered:
    """A lazy provider of ``count`` rows, every third one long: stands in for a workspace."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.asked: set[int] = set()

    def __len__(self) -> int:
        return self.count

    def row(self, index: int) -> SegmentRow:
        self.asked.add(index)
        return fixed_row(index + 1) if index % 3 == 0 else plain_row(index + 1)


class ListApp(App):
    """A segment list and the messages it posts."""

    def __init__(self, rows) -> None:
        super().__init__()
        self.rows = rows
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield SegmentList(self.rows)

    def on_segment_list_highlighted(self, message: SegmentList.Highlighted) -> None:
        self.messages.append(message)


class DetailApp(App):
    """A focused detail panel and the messages it posts."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield DetailPanel()

    def on_mount(self) -> None:
        self.query_one(DetailPanel).focus()

    def on_detail_panel_fix_toggled(self, message: DetailPanel.FixToggled) -> None:
        self.messages.append(message)

    def on_detail_panel_match_inserted(self, message: DetailPanel.MatchInserted) -> None:
        self.messages.append(message)


def words(lines: list[str], column: slice) -> list[str]:
    """The words in one column of a row's lines."""
    return " ".join(line[column] for line in lines).split()


def highlighted(app: ListApp) -> list[int]:
    return [m.index for m in app.messages]


@pilot_test
async def test_keys_move_the_cursor_and_post_highlighted():
    """up/down/j/k/home/end/page keys move the cursor, and each move posts Highlighted."""
    app = ListApp(Numbered(200))
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        app.messages.clear()
        await pilot.press("down", "j", "j", "k")
        assert segments.cursor == 2
        await pilot.press("up", "up", "up")
        assert segments.cursor == 0
        await pilot.press("end")
        assert segments.cursor == 199
        await pilot.press("home", "pagedown")
        page = segments.cursor
        assert 1 < page < 24
        await pilot.press("pageup")
        await pilot.pause()
        assert segments.cursor == 0
        assert highlighted(app) == [1, 2, 3, 2, 1, 0, 199, 0, page, 0]


@pilot_test
async def test_cursor_row_stays_on_screen_when_moving_down():
    """Moving past the bottom scrolls the list so the cursor row is fully visible."""
    app = ListApp(Numbered(200))
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        for _ in range(30):
            segments.action_cursor_down()
        await pilot.pause()
        region = segments.row_region(30)
        top = segments.scroll_offset.y
        assert top <= region.y and region.bottom <= top + segments.scrollable_content_region.height
        assert " 31 ◐" in screen_text(app)


@pilot_test
async def test_rows_wrap_to_the_column_width_without_losing_text():
    """Source and target wrap inside their halves of the width, every word kept."""
    app = ListApp(RowList([fixed_row(1), plain_row(2)]))
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        lines = segments.row_lines(0)
        width = segments.scrollable_content_region.width
        assert len(lines) > 2 and all(len(line) == width for line in lines)
        divider = lines[0].index("│")
        assert {line.index("│") for line in lines} == {divider}
        source, target = slice(5, divider), slice(divider + 1, None)
        assert words(lines, source) == MT.split()
        assert words(lines, target) == apply_fixes(MT, FIXES).split()
        assert all(line.startswith("     ") for line in lines[1:])
        assert lines[0].startswith("1 ◐  Dalian")


@pilot_test
async def test_resizing_rewraps_rows_and_keeps_the_cursor():
    """After a resize rows rewrap to the new width, no text is lost, and the cursor row is on screen."""
    app = ListApp(Numbered(300))
    async with app.run_test(size=(120, 30)) as pilot:
        segments = app.query_one(SegmentList)
        segments.cursor = 150
        await pilot.pause()
        wide = segments.row_lines(150)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        narrow = segments.row_lines(150)
        assert len(narrow) > len(wide)
        assert all(len(line) == segments.scrollable_content_region.width for line in narrow)
        divider = narrow[0].index("│")
        assert words(narrow, slice(6, divider)) == MT.split()
        assert words(narrow, slice(divider + 1, None)) == apply_fixes(MT, FIXES).split()
        assert segments.cursor == 150
        region, top = segments.row_region(150), segments.scroll_offset.y
        assert top <= region.y < top + segments.scrollable_content_region.height
        assert "151 ◐" in screen_text(app)


@pilot_test
async def test_refresh_row_repaints_the_changed_segment():
    """After the app changes a segment, refresh_row shows the new target and status."""
    rows = RowList([plain_row(n) for n in range(1, 6)])
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        assert "Cheers" not in screen_text(app)
        edited = "Segment 3 was edited. Cheers, and a much longer target that has to wrap onto more lines."
        rows.rows[2] = SegmentRow(3, "confirmed", rows.rows[2].source, edited)
        segments.refresh_row(2)
        await pilot.pause()
        screen = screen_text(app)
        assert "Cheers" in screen and "3 ✓" in screen
        assert "4 ○" in screen  # the rows below moved down, not over
        assert len(segments.row_lines(2)) > 1


@pilot_test
async def test_show_deleted_puts_removed_text_back_in_the_target():
    """With deleted text shown the removed words appear in the target, and disappear again."""
    row = SegmentRow(1, "draft", "The colour is red.", "The color is red.", ((4, 10),), ((4, 9),), ((4, "colour"),))
    app = ListApp(RowList([row]))
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        assert "colourcolor" not in segments.row_lines(0)[0]
        await pilot.press("d")
        await pilot.pause()
        assert segments.show_deleted
        assert "The colourcolor is red." in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert "colourcolor" not in screen_text(app)


def test_changes_between_marks_a_manual_edit():
    """A hand edit is marked word by word: changed source, inserted target, deleted text."""
    changes = changes_between("The colour is red.", "The color is bright red.")
    assert changes.source_marks == ((4, 10),)
    assert changes.target_marks == ((4, 9), (13, 20))
    assert changes.deleted == ((4, "colour"),)


@pilot_test
async def test_a_large_document_opens_and_the_end_is_reachable():
    """100,000 rows mount asking only for the rows it shows, and end reaches the last one."""
    rows = Numbered(100_000)
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        assert len(rows.asked) < 500
        await pilot.press("end")
        await pilot.pause()
        assert segments.cursor == 99_999 and highlighted(app)[-1] == 99_999
        assert "100000 ◐" in screen_text(app)
        await pilot.press("up", "up")
        await pilot.pause()
        assert segments.cursor == 99_997
        assert "99998 ○" in screen_text(app) and "100000 ◐" in screen_text(app)
        assert len(rows.asked) < 1000


@pilot_test
async def test_clicking_a_row_moves_the_cursor():
    """A click on a row highlights it."""
    app = ListApp(RowList([plain_row(n) for n in range(1, 10)]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click(SegmentList, offset=(20, 4))
        await pilot.pause()
        assert app.query_one(SegmentList).cursor == 4


@pilot_test
async def test_set_rows_replaces_the_rows_and_posts_highlighted():
    """set_rows shows the new rows (a filtered view) and posts Highlighted for its cursor."""
    app = ListApp(Numbered(50))
    async with app.run_test(size=(80, 24)) as pilot:
        segments = app.query_one(SegmentList)
        await pilot.pause()
        app.messages.clear()
        segments.set_rows(RowList([plain_row(7), plain_row(42)]), cursor=1, number_width=2)
        await pilot.pause()
        assert segments.row_count == 2 and segments.cursor == 1
        assert highlighted(app) == [1]
        screen = screen_text(app)
        assert "42 ○" in screen and " 1 " not in screen


FIX_VIEWS = [
    FixView("dut", "Dalian University of Science and Technology", "Dalian University of Technology", "term", FixState.ACCEPTED),
    FixView("dut-near", "Dalain", "Dalian", "fuzzy", FixState.SUGGESTED, score=91.7, note="A near miss of Dalian."),
    FixView("space-before-hyphen", "long -", "long-", "pattern", FixState.REJECTED),
]
MATCH_VIEWS = [
    MatchView(88, "The colour of the car is red.", "The color of the car is red.", origin="memory.tmx"),
    MatchView(75, "The colour of a bike is blue.", "The color of a bike is blue."),
]


@pilot_test
async def test_toggling_a_fix_posts_fix_toggled():
    """space toggles the highlighted fix: the panel posts FixToggled with the segment and fix."""
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(DetailPanel)
        panel.show(41, FIX_VIEWS, MATCH_VIEWS, [])
        await pilot.press("space", "down", "space", "down", "down", "space")
        await pilot.pause()
        toggled = [(m.segment_index, m.fix_index) for m in app.messages]
        assert toggled == [(41, 0), (41, 1), (41, 2)]
        screen = screen_text(app)
        assert "✓ accepted" in screen and "? suggested" in screen and "✗ rejected" in screen
        assert "fuzzy 92%" in screen


@pilot_test
async def test_showing_the_same_segment_again_keeps_the_highlighted_fix():
    """After the app re-shows a segment (a fix was toggled), the same fix stays highlighted."""
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(DetailPanel)
        panel.show(3, FIX_VIEWS)
        await pilot.press("down")
        panel.show(3, [FIX_VIEWS[0], replace(FIX_VIEWS[1], state=FixState.ACCEPTED)])
        await pilot.pause()
        assert panel.fix_cursor == 1
        assert "A near miss of Dalian." in screen_text(app)
        panel.show(4, FIX_VIEWS)
        assert panel.fix_cursor == 0


@pilot_test
async def test_alt_number_posts_match_inserted():
    """alt+1 asks to insert the best match, alt+2 the next; a key without a match does nothing."""
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(DetailPanel)
        panel.show(7, [], MATCH_VIEWS, [], source="The colour of the truck is red.")
        await pilot.press("alt+1", "alt+2", "alt+3")
        await pilot.pause()
        assert [(m.segment_index, m.match_index) for m in app.messages] == [(7, 0), (7, 1)]
        screen = screen_text(app)
        assert "alt+1" in screen and "88%" in screen and "→ The color of the car is red." in screen
        assert "No fixes proposed." in screen


@pilot_test
async def test_late_matches_for_another_segment_are_dropped():
    """show_matches ignores results looked up for a segment the reviewer has left."""
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(DetailPanel)
        panel.show(1, FIX_VIEWS)
        panel.show(2, FIX_VIEWS)
        assert not panel.show_matches(1, MATCH_VIEWS)
        assert panel.show_matches(2, MATCH_VIEWS[:1])
        await pilot.pause()
        assert panel.matches == tuple(MATCH_VIEWS[:1])
        assert "memory.tmx" in screen_text(app)


@pilot_test
async def test_findings_are_listed_with_their_severity():
    """QA findings show under their own title; with none, the section is hidden."""
    app = DetailApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(DetailPanel)
        panel.show(0, [], [], [FindingView("critical", "Number 276 missing in the target")])
        await pilot.pause()
        assert "QA findings (1)" in screen_text(app)
        assert "critical Number 276 missing in the target" in screen_text(app)
        panel.show(1, [], [], [])
        await pilot.pause()
        assert "QA findings" not in screen_text(app)


class StatusApp(App):
    """A status line under a segment list, with one shown app binding."""

    BINDINGS = [("c", "confirm", "Confirm")]

    def compose(self) -> ComposeResult:
        yield SegmentList(RowList([plain_row(1)]))
        yield StatusLine()

    def action_confirm(self) -> None:
        pass


@pilot_test
async def test_status_line_shows_progress_filter_and_keys():
    """The status line shows confirmed/total segments and words, the filter and the shown keys."""
    app = StatusApp()
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.query_one(StatusLine)
        status.set_progress(12, 340, 1203, 9876)
        status.filter_name = "unconfirmed"
        await pilot.pause()
        line = screen_text(app).splitlines()[-1]
        assert "12/340 (3%)" in line and "1,203/9,876" in line
        assert "filter: unconfirmed" in line and "c confirm" in line
        status.hints = (("?", "help"),)
        await pilot.pause()
        line = screen_text(app).splitlines()[-1]
        assert "? help" in line and "c confirm" not in line


class ReviewScreen(App):
    """The three widgets as the review screen arranges them, with every kind of mark on show."""

    CSS_PATH = str(STYLESHEET)
    BINDINGS = [("c", "confirm", "Confirm")]

    def __init__(self, theme: str) -> None:
        super().__init__()
        self.theme_name = theme

    def compose(self) -> ComposeResult:
        rows = [fixed_row(1, "confirmed"), fixed_row(2, "draft"), plain_row(3, "rejected")]
        rows.append(SegmentRow(4, "new", "Numbers: 276.", "Numbers:", has_findings=True))
        yield SegmentList(RowList(rows), show_deleted=True)
        yield DetailPanel()
        yield StatusLine()

    def on_mount(self) -> None:
        self.theme = self.theme_name
        self.query_one(DetailPanel).show(
            0, FIX_VIEWS, MATCH_VIEWS, [FindingView("critical", "276 is missing")], source="The colour of the truck."
        )
        self.query_one(StatusLine).set_progress(1, 4, 20, 60)

    def action_confirm(self) -> None:
        pass


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pilot_test
async def test_every_letter_reads_on_light_and_dark_themes(theme):
    """All text on the review screen, cursor rows and marks included, has a contrast of at least 3:1."""
    app = ReviewScreen(theme)
    async with app.run_test(size=(80, 24)) as pilot:
        for focused in (SegmentList, DetailPanel):
            app.query_one(focused).focus()
            await pilot.pause()
            faint = set()
            for y, strip in enumerate(app.screen._compositor.render_strips()):
                for segment in strip:
                    # Box drawing and block elements (dividers, scrollbars) are lines, not letters.
                    letters = [c for c in segment.text if not c.isspace() and not 0x2500 <= ord(c) <= 0x259F]
                    if letters and contrast(segment.style) < 3.0:
                        faint.add((y, segment.text.strip(), round(contrast(segment.style), 2)))
            assert not faint, f"hard to read with {focused.__name__} focused: {sorted(faint)}"
