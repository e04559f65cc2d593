"""The segment list: every segment of the document, source beside target, one row each.

Rows are drawn with the Line API (``render_line`` returning a :class:`~textual.strip.Strip`)
and only when they come into view, so a 100,000 segment document costs what a
screenful does. Each row is wrapped to the column width the first time it is
shown; until then its height is an estimate (see :mod:`._heights`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mtfix.tui.widgets._heights import HeightIndex
from mtfix.tui.widgets._layout import Line, Run, printable, runs, with_deletions, wrap
from mtfix.tui.widgets._styles import overlay_style
from mtfix.tui.widgets.rows import RowList, RowProvider, SegmentRow

STATUS_GLYPHS = {"new": "○", "draft": "◐", "confirmed": "✓", "rejected": "✗"}
"""The mark shown beside the segment number for each status."""

_DIVIDER = " │ "
_SAMPLE_ROWS = 48  # rows measured to estimate the height of the others


@dataclass(slots=True)
class _RowLayout:
    """One row wrapped to the current column widths."""

    row: SegmentRow
    source: str
    source_lines: list[Line]
    source_runs: list[Run]
    target: str
    target_lines: list[Line]
    target_runs: list[Run]
    height: int


class SegmentList(ScrollView, can_focus=True):
    """Every segment of a document, numbered, with its status, source and target side by side.

    The list shows what a :class:`~mtfix.tui.widgets.rows.RowProvider` gives it and
    asks for a row only when the row comes into view. Moving the cursor posts
    :class:`SegmentList.Highlighted`; the app reacts by showing the segment's
    details. When a segment changes, the app calls :meth:`refresh_row`.

    Args:
        rows: Where the rows come from; empty if not given.
        number_width: Digits to reserve for segment numbers; defaults to the
            digits of the number of rows. Pass the document's segment count
            when ``rows`` is a filtered view.
        show_deleted: Show text removed from the target, struck through.
        name: The name of the widget.
        id: The DOM id of the widget.
        classes: The CSS classes of the widget.
        disabled: Whether the widget is disabled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Previous segment", show=False, id="segment.previous"),
        Binding("down,j", "cursor_down", "Next segment", show=False, id="segment.next"),
        Binding("pageup", "page_up", "Page up", show=False, id="segment.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="segment.page_down"),
        Binding("home", "first", "First segment", show=False, id="segment.first"),
        Binding("end", "last", "Last segment", show=False, id="segment.last"),
        Binding("d", "toggle_deleted", "Deleted text", show=False, id="segment.toggle_deleted"),
    ]
    """
    | Key(s) | id | Description |
    | :- | :- | :- |
    | up, k | segment.previous | Move to the previous segment. |
    | down, j | segment.next | Move to the next segment. |
    | pageup | segment.page_up | Move up one screen. |
    | pagedown | segment.page_down | Move down one screen. |
    | home | segment.first | Move to the first segment. |
    | end | segment.last | Move to the last segment. |
    | d | segment.toggle_deleted | Show or hide deleted text in the target. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "segment-list--cursor",
        "segment-list--number",
        "segment-list--divider",
        "segment-list--status-new",
        "segment-list--status-draft",
        "segment-list--status-confirmed",
        "segment-list--status-rejected",
        "segment-list--finding",
        "segment-list--mark",
        "segment-list--insert",
        "segment-list--delete",
    }
    """
    | Class | Description |
    | :- | :- |
    | `segment-list--cursor` | The row under the cursor. |
    | `segment-list--number` | Segment numbers. |
    | `segment-list--divider` | The line between source and target. |
    | `segment-list--status-new` | The status mark of a new segment (likewise `-draft`, `-confirmed`, `-rejected`). |
    | `segment-list--finding` | The mark of a segment with QA findings. |
    | `segment-list--mark` | Source text that a fix or edit changes. |
    | `segment-list--insert` | Target text inserted by a fix or edit. |
    | `segment-list--delete` | Removed text, when deleted text is shown. |
    """

    DEFAULT_CSS = """
    SegmentList {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;

        & > .segment-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .segment-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .segment-list--number { color: $text-muted; }
        & > .segment-list--divider { color: $text-muted; }
        & > .segment-list--status-new { color: $text-muted; }
        & > .segment-list--status-draft { color: $foreground; }
        & > .segment-list--status-confirmed { color: $text-success; text-style: bold; }
        & > .segment-list--status-rejected { color: $text-error; text-style: bold; }
        & > .segment-list--finding { color: $text-error; text-style: bold; }
        & > .segment-list--mark {
            color: $foreground;
            background: $warning-muted;
            text-style: underline;
        }
        & > .segment-list--insert {
            color: $foreground;
            background: $success-muted;
        }
        & > .segment-list--delete {
            color: $foreground;
            background: $error-muted;
            text-style: strike;
        }
    }
    """

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted row (0 for the first row, whatever its segment number)."""

    show_deleted: reactive[bool] = reactive(False, init=False)
    """Show the text removed from each target, struck through, where it was removed."""

    @dataclass
    class Highlighted(Message):
        """Posted when the cursor moves to a row, and when new rows are set."""

        segment_list: SegmentList
        """The segment list whose cursor moved."""

        index: int
        """The index of the highlighted row."""

        @property
        def control(self) -> SegmentList:
            """Alias for :attr:`segment_list`."""
            return self.segment_list

    def __init__(
        self,
        rows: RowProvider | None = None,
        *,
        number_width: int | None = None,
        show_deleted: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._rows: RowProvider = rows if rows is not None else RowList()
        self._number_width = number_width
        self.set_reactive(SegmentList.show_deleted, show_deleted)
        self._index = HeightIndex(0)
        self._layouts: LRUCache[int, _RowLayout] = LRUCache(4096)
        self._strips: LRUCache[tuple[int, bool], list[Strip]] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None
        self._width = 0  # the width the layouts were made for; 0 before the first layout
        self._digits = 1
        self._columns = (1, 1)
        self._sync_pending = False

    # --- public API -------------------------------------------------------------------

    @property
    def rows(self) -> RowProvider:
        """Where the rows come from."""
        return self._rows

    @property
    def row_count(self) -> int:
        """The number of rows."""
        return len(self._rows)

    def set_rows(self, rows: RowProvider, *, cursor: int = 0, number_width: int | None = None) -> None:
        """Show other rows (another document, or a filtered view), then post :class:`Highlighted`.

        Args:
            rows: Where the rows come from.
            cursor: The row to highlight.
            number_width: Digits to reserve for segment numbers (see the constructor).
        """
        self._rows = rows
        self._number_width = number_width
        self.set_reactive(SegmentList.cursor, self.validate_cursor(cursor))
        self._width = 0
        self._index = HeightIndex(0)
        self._layouts.clear()
        self._strips.clear()
        if self.is_mounted:
            self._relayout()
            self._scroll_to_row(self.cursor)
            self.refresh()
        if len(rows):
            self.post_message(self.Highlighted(self, self.cursor))

    def refresh_row(self, index: int) -> None:
        """Draw row ``index`` again after its segment changed; cheap when it is off screen.

        Args:
            index: The row whose segment changed.
        """
        self._layouts.discard(index)
        self._strips.discard((index, True))
        self._strips.discard((index, False))
        if not self._width or not 0 <= index < len(self._rows):
            return
        top, old_height = self._index.top(index), self._index.height(index)
        height = self._layout(index).height
        if height == old_height:
            self.refresh_lines(top, height)
            return
        self._sync_virtual_size()
        scroll_y = self.scroll_offset.y
        if top < scroll_y:
            # The row is above the window: keep what the reader is looking at in place.
            self.scroll_to(y=scroll_y + height - old_height, animate=False)
        self.refresh()

    def refresh_rows(self) -> None:
        """Forget every row drawn so far and draw them again (after many segments changed)."""
        self._layouts.clear()
        self._strips.clear()
        if self._width:
            self._relayout()
            self._scroll_to_row(self.cursor)
        self.refresh()

    def row_at(self, y: int) -> int | None:
        """The row on line ``y`` of the widget (0 is the top line on screen), if any."""
        row, _ = self._index.find(self.scroll_offset.y + y)
        return row if row < len(self._rows) else None

    def row_region(self, index: int) -> Region:
        """Where row ``index`` lies in the list's virtual space (measuring it if needed)."""
        height = self._layout(index).height if self._width else self._index.height(index)
        return Region(0, self._index.top(index), self._width, height)

    def row_lines(self, index: int) -> list[str]:
        """The text of row ``index`` as drawn, one string per screen line (for tests and tools).

        Only meaningful once the list has been laid out (after its first resize).
        """
        return [strip.text for strip in self._row_strips(index)]

    # --- reactives ----------------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        """Keep the cursor on a row."""
        return max(0, min(cursor, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        """Repaint the two rows, bring the new one into view and tell the app."""
        self._refresh_row_lines(old)
        self._refresh_row_lines(new)
        self._scroll_to_row(new)
        self.post_message(self.Highlighted(self, new))

    def watch_show_deleted(self) -> None:
        """Rows change height with the deleted text: wrap them all again."""
        self.refresh_rows()

    # --- actions ------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        """Move to the previous segment."""
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        """Move to the next segment."""
        self.cursor += 1

    def action_page_up(self) -> None:
        """Move up by the rows that fit on one screen."""
        if not self._width:
            return
        height, row, used = self._window_height(), self.cursor, 0
        while row > 0 and used + self._height(row - 1) <= height:
            row -= 1
            used += self._height(row)
        self.cursor = min(row, self.cursor - 1)

    def action_page_down(self) -> None:
        """Move down by the rows that fit on one screen."""
        if not self._width:
            return
        height, row, used = self._window_height(), self.cursor, 0
        last = len(self._rows) - 1
        while row < last and used + self._height(row) <= height:
            used += self._height(row)
            row += 1
        self.cursor = max(row, self.cursor + 1)

    def action_first(self) -> None:
        """Move to the first segment."""
        self.cursor = 0

    def action_last(self) -> None:
        """Move to the last segment."""
        self.cursor = len(self._rows) - 1

    def action_toggle_deleted(self) -> None:
        """Show or hide the text removed from the targets."""
        self.show_deleted = not self.show_deleted

    # --- events -------------------------------------------------------------------------

    def on_mount(self) -> None:
        if len(self._rows):
            self.post_message(self.Highlighted(self, self.cursor))

    def on_resize(self, event: events.Resize) -> None:
        if self._content_width() != self._width:
            self._relayout()
            self.refresh()
        self._scroll_to_row(self.cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and (row := self.row_at(offset.y)) is not None:
            self.cursor = row

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _window_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _relayout(self) -> None:
        """Fit every row to the current width: forget the old wrapping, estimate heights anew."""
        width = self._content_width()
        count = len(self._rows)
        self._width = width
        self._layouts.clear()
        self._strips.clear()
        self._digits = max(1, self._number_width or len(str(count)))
        gutter = self._digits + 4  # number, space, status, findings mark, space
        available = max(2, width - gutter - len(_DIVIDER))
        self._columns = (available // 2, available - available // 2)
        if not width:
            self._index = HeightIndex(count)
            return
        # Measure a sample spread over the document: their heights are exact, and
        # their mean is the estimate for the rest, so the scrollbar is about right.
        step = max(1, count // _SAMPLE_ROWS)
        sample = [(i, self._wrap_row(i)) for i in range(0, count, step)]
        estimate = round(sum(layout.height for _, layout in sample) / len(sample)) if sample else 1
        self._index = HeightIndex(count, estimate)
        for i, layout in sample:
            self._layouts[i] = layout
            self._index.set(i, layout.height)
        self._sync_virtual_size()

    def _wrap_row(self, index: int) -> _RowLayout:
        row = self._rows.row(index)
        source_width, target_width = self._columns
        source = printable(row.source)
        target = printable(row.target)
        target_spans = [(s, e, "insert") for s, e in row.target_marks]
        if self.show_deleted and row.deleted:
            target, target_spans = with_deletions(target, row.target_marks, row.deleted)
            target = printable(target)
        source_lines = wrap(source, source_width)
        target_lines = wrap(target, target_width)
        return _RowLayout(
            row=row,
            source=source,
            source_lines=source_lines,
            source_runs=runs(((s, e, "mark") for s, e in row.source_marks), ("mark",)),
            target=target,
            target_lines=target_lines,
            target_runs=runs(target_spans, ("insert", "delete")),
            height=max(len(source_lines), len(target_lines)),
        )

    def _layout(self, index: int) -> _RowLayout:
        """Row ``index`` wrapped to the current width, recording its real height."""
        layout = self._layouts.get(index)
        if layout is None:
            layout = self._layouts[index] = self._wrap_row(index)
            self._index.set(index, layout.height)
        return layout

    def _height(self, index: int) -> int:
        return self._layout(index).height

    def _measure_window(self) -> bool:
        """Measure every row in the window; True if that changed the total height."""
        total_before = self._index.total
        height, count = self._window_height(), len(self._rows)
        row, line = self._index.find(self.scroll_offset.y)
        covered = -line
        while row < count and covered < height:
            covered += self._layout(row).height
            row += 1
        return self._index.total != total_before

    def _measure_around(self, index: int) -> None:
        """Measure the rows that can share the window with row ``index``."""
        height, count = self._window_height(), len(self._rows)
        row, used = index, 0
        while row >= 0 and used < height:
            used += self._layout(row).height
            row -= 1
        row, used = index + 1, 0
        while row < count and used < height:
            used += self._layout(row).height
            row += 1

    def _sync_virtual_size(self, window_top: int | None = None) -> None:
        """Tell the scroll machinery the height of all rows, when it matters.

        Every newly measured row corrects the total a little. Each change of the
        virtual size costs a layout pass, so small drift far from the end waits:
        the scrollbar is then a line or two off, and nothing can be cut off.

        Args:
            window_top: Where the window is about to be scrolled to; defaults to
                where it is.
        """
        self._sync_pending = False
        total, shown = self._index.total, self.virtual_size
        if shown.width == self._width and shown.height:
            if window_top is None:
                window_top = self.scroll_offset.y
            near_end = window_top + 2 * self._window_height() >= min(total, shown.height)
            if not near_end and abs(total - shown.height) * 50 <= total:
                return
        size = Size(self._width, total)
        if shown != size:
            self.virtual_size = size

    def _scroll_to_row(self, index: int) -> None:
        """Scroll the least distance that shows all of row ``index`` (its top if it is taller)."""
        if not self._width or not 0 <= index < len(self._rows):
            return
        self._measure_around(index)
        top, height = self._index.top(index), self._index.height(index)
        window, scroll_y = self._window_height(), self.scroll_offset.y
        if top < scroll_y:
            target = top
        elif top + height > scroll_y + window:
            target = min(top, top + height - window)
        else:
            self._sync_virtual_size()
            return
        self._sync_virtual_size(target)
        self.scroll_to(y=target, animate=False, force=True)

    def _refresh_row_lines(self, index: int) -> None:
        if self._width and 0 <= index < len(self._rows) and self._index.is_measured(index):
            self.refresh_lines(self._index.top(index), self._index.height(index))

    # --- drawing ------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._content_width() != self._width:
            self._relayout()
            self.call_later(self._scroll_to_row, self.cursor)
        if self._measure_window() and not self._sync_pending:
            # Setting the virtual size while drawing would re-enter layout: do it next.
            self._sync_pending = True
            self.call_later(self._sync_virtual_size)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        line_y = self.scroll_offset.y + y
        count = len(self._rows)
        for _ in range(2):
            row, line = self._index.find(line_y)
            if row >= count:
                break
            strips = self._row_strips(row)
            if line < len(strips):
                return strips[line]
            # The row was measured just now and is shorter than estimated: look again.
        return Strip.blank(self._width, self.rich_style)

    def _style_table(self) -> dict[str, Style]:
        if self._styles is None:
            base = self.rich_style
            cursor = base + overlay_style(self, "segment-list--cursor")
            styles = {"base": base, "cursor": cursor}
            for name in ("number", "divider", "finding", "mark", "insert", "delete"):
                styles[name] = overlay_style(self, f"segment-list--{name}")
            for status in STATUS_GLYPHS:
                styles[status] = overlay_style(self, f"segment-list--status-{status}")
            self._styles = styles
        return self._styles

    def _row_strips(self, index: int) -> list[Strip]:
        is_cursor = index == self.cursor
        strips = self._strips.get((index, is_cursor))
        if strips is None:
            strips = self._strips[(index, is_cursor)] = self._draw_row(self._layout(index), is_cursor)
        return strips

    def _draw_row(self, layout: _RowLayout, is_cursor: bool) -> list[Strip]:
        styles = self._style_table()
        base = styles["cursor" if is_cursor else "base"]
        row, digits, width = layout.row, self._digits, self._width
        source_width, target_width = self._columns
        number = str(row.number)
        if len(number) > digits:
            number = "…" + number[len(number) - digits + 1 :]
        status = row.status if row.status in STATUS_GLYPHS else "new"
        glyph = STATUS_GLYPHS.get(row.status, "?")
        # On the cursor row the cursor colours win: muted colours would not read on it.
        first_line = [
            Segment(f"{number:>{digits}} ", base if is_cursor else base + styles["number"]),
            Segment(glyph, base if is_cursor else base + styles[status]),
            Segment("!" if row.has_findings else " ", base + styles["finding"]),
            Segment(" ", base),
        ]
        blank_gutter = [Segment(" " * (digits + 4), base)]
        divider = Segment(_DIVIDER, base if is_cursor else base + styles["divider"])
        strips = []
        for line_no in range(layout.height):
            segments = list(first_line if line_no == 0 else blank_gutter)
            segments += _column(
                layout.source, layout.source_lines, line_no, layout.source_runs, source_width, base, styles
            )
            segments.append(divider)
            segments += _column(
                layout.target, layout.target_lines, line_no, layout.target_runs, target_width, base, styles
            )
            strip = Strip(segments)
            if strip.cell_length != width:
                strip = strip.adjust_cell_length(width, base)
            strips.append(strip)
        return strips


def _column(
    text: str,
    lines: list[Line],
    line_no: int,
    text_runs: list[Run],
    width: int,
    base: Style,
    styles: dict[str, Style],
) -> list[Segment]:
    """Line ``line_no`` of one column as segments exactly ``width`` cells wide."""
    if line_no >= len(lines):
        return [Segment(" " * width, base)]
    start, end = lines[line_no]
    segments: list[Segment] = []
    position = start
    for run_start, run_end, kind in text_runs:
        if run_end <= start:
            continue
        if run_start >= end:
            break
        run_start, run_end = max(run_start, start), min(run_end, end)
        if run_start > position:
            segments.append(Segment(text[position:run_start], base))
        segments.append(Segment(text[run_start:run_end], base + styles[kind]))
        position = run_end
    if position < end:
        segments.append(Segment(text[position:end], base))
    return Segment.adjust_line_length(segments, width, base, pad=True)
