"""Segments folded and joined for the document scan."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mtfix.core.joined import JoinedText
from mtfix.core.normalize import fold

SEGMENTS = ["Dalian University", "Zürich  ＵＮＩ", "tab\there", "", "plain ASCII.", "line\nbreak ’s"]


def test_each_segment_is_its_folded_text_between_separators():
    joined = JoinedText(SEGMENTS)
    for number, text in enumerate(SEGMENTS):
        start, end = joined.starts[number], joined.starts[number + 1] - 1
        assert joined.data[start:end].decode("utf-8") == fold(text).text
        assert joined.data[start - 1 : start] == b"\x00" and joined.data[end : end + 1] == b"\x00"


def test_only_segments_that_need_more_than_lowering_keep_a_fold():
    joined = JoinedText(SEGMENTS)
    assert set(joined.folds) == {1, 2, 5}


def test_byte_offsets_become_character_offsets_of_the_folded_text():
    joined = JoinedText(["Zürich University"])
    start = joined.data.index(b"university") - joined.starts[0]
    assert joined.char_offset(0, start) == fold("Zürich University").text.index("university")


@given(st.lists(st.text(max_size=40), max_size=8))
def test_any_segments_join_and_split_back(texts):
    joined = JoinedText(texts)
    assert len(joined.starts) == len(texts) + 1
    for number, text in enumerate(texts):
        start, end = joined.starts[number], joined.starts[number + 1] - 1
        assert joined.data[start:end].decode("utf-8") == fold(text).text
