"""Wrapping, marking and height bookkeeping behind the segment list (no terminal needed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from mtfix.tui.widgets._heights import HeightIndex
from mtfix.tui.widgets._layout import printable, runs, with_deletions, wrap

TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghij  .,-") + ["\n", "\t", "中", "文", "é", "ﬁ"]),
    max_size=200,
)


@given(TEXT, st.integers(min_value=1, max_value=40))
def test_wrapped_lines_cover_the_text_once_and_fit_the_width(text, width):
    """Every character is on exactly one line, and each line fits the column but for spaces at its end."""
    text = printable(text)
    lines = wrap(text, width)
    position = 0
    for start, end in lines:
        gap = text[position:start]
        assert gap in ("", "\n"), "a line skipped text"
        line = text[start:end]
        assert "\n" not in line
        visible = line.rstrip(" ")
        assert cell_len(visible) <= width or len(visible) == 1, f"{line!r} is wider than {width}"
        position = end
    assert position == len(text)
    assert len(lines) >= 1 + text.count("\n")


def test_words_break_at_spaces_and_long_words_fold():
    """Lines end after a space where one fits, and a word longer than the line is cut."""
    text = "The colour of the car is red; unbelievably-long-compound"
    assert [text[s:e] for s, e in wrap(text, 12)] == [
        "The colour ",
        "of the car ",
        "is red; ",
        "unbelievably",
        "-long-compou",
        "nd",
    ]


def test_wide_characters_count_two_cells():
    """CJK text wraps by cells, not characters."""
    assert [("中文中文中文"[s:e]) for s, e in wrap("中文中文中文", 5)] == ["中文", "中文", "中文"]


@given(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=60), st.data())
def test_height_index_agrees_with_plain_sums(heights, data):
    """Row tops and the row on any line match a plain running sum, estimates and corrections alike."""
    index = HeightIndex(len(heights), estimate=3)
    known = [3] * len(heights)
    for row in data.draw(st.lists(st.integers(0, len(heights) - 1), max_size=30)):
        index.set(row, heights[row])
        known[row] = heights[row]
    assert index.total == sum(known)
    for row in range(len(known)):
        assert index.top(row) == sum(known[:row])
    for y in range(sum(known)):
        row, line = index.find(y)
        assert sum(known[:row]) + line == y and 0 <= line < known[row]
    assert index.find(sum(known))[0] == len(known)


def test_deleted_text_goes_back_before_the_insertion():
    """Shown deletions sit where they were removed, struck, and the inserted text stays marked."""
    shown, spans = with_deletions("The color is red.", [(4, 9)], [(4, "colour"), (17, " Really.")])
    assert shown == "The colourcolor is red. Really."
    assert sorted(spans) == [(4, 10, "delete"), (10, 15, "insert"), (23, 31, "delete")]
    assert "".join(shown[s:e] for s, e, kind in sorted(spans) if kind == "insert") == "color"


def test_overlapping_spans_resolve_to_the_strongest_kind():
    """Where an insertion and a deletion overlap the deletion shows; neighbours of one kind merge."""
    assert runs([(0, 5, "insert"), (3, 8, "delete"), (8, 10, "delete")], ("insert", "delete")) == [
        (0, 3, "insert"),
        (3, 10, "delete"),
    ]
