"""Plain text files: decoding, segmenting, and writing back byte for byte."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtfix.core.segment import segment_text
from mtfix.errors import FormatError, MtfixError
from mtfix.formats.text import decode_text, read_text, write_text

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "dut-international-2022.txt"
TESTDATA = REPO / ".." / "shared" / "testdata"
needs_testdata = pytest.mark.skipif(not TESTDATA.exists(), reason="shared test data not available")

MIXED = (
    "Dalian University of Technology 大连理工大学。\r\n"
    "Second line. Third «sentence».\r\n\r\nNext 😀.\r\n"
)
BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def test_sample_round_trip_is_byte_identical():
    data = SAMPLE.read_bytes()
    document = read_text(SAMPLE)
    assert document.format == "text"
    assert document.path == str(SAMPLE)
    assert (document.encoding, document.bom) == ("utf-8", False)
    assert len(document.segments) > 50
    assert write_text(document) == data


def test_segments_are_those_of_the_decoded_text():
    document = read_text(data=MIXED.encode("utf-8"))
    prefix, segments = segment_text(MIXED)
    assert document.prefix == prefix
    assert list(document.segments) == segments
    assert document.path is None


def test_replacement_texts_are_written_between_the_original_separators():
    document = read_text(data=b"  One -class.\r\nTwo.\r\n")
    out = write_text(document, ["One-class.", "Two!"])
    assert out == b"  One-class.\r\nTwo!\r\n"


def test_replacement_texts_must_match_the_segments():
    document = read_text(data=b"One. Two.")
    with pytest.raises(ValueError):
        write_text(document, ["One."])


def test_utf8_bom_is_kept_and_not_part_of_the_text():
    data = codecs.BOM_UTF8 + b"Hello.\r\nWorld.\r\n"
    document = read_text(data=data)
    assert (document.encoding, document.bom) == ("utf-8", True)
    assert document.segments[0].text == "Hello."
    assert write_text(document) == data


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom_round_trip(encoding):
    data = BOMS[encoding] + MIXED.encode(encoding)
    document = read_text(data=data)
    assert (document.encoding, document.bom) == (encoding, True)
    assert [s.text for s in document.segments][:2] == [
        "Dalian University of Technology 大连理工大学。",
        "Second line.",
    ]
    assert write_text(document) == data


def test_edits_are_written_in_the_original_encoding():
    data = codecs.BOM_UTF16_LE + "Dalian University of Science and Technology.\r\n".encode(
        "utf-16-le"
    )
    document = read_text(data=data)
    out = write_text(document, ["Dalian University of Technology."])
    assert out == codecs.BOM_UTF16_LE + "Dalian University of Technology.\r\n".encode("utf-16-le")


def test_crlf_and_cr_line_ends_are_kept():
    data = b"One.\r\nTwo.\rThree.\n\r\n\r\nFour.\r\n"
    document = read_text(data=data)
    assert [s.text for s in document.segments] == ["One.", "Two.", "Three.", "Four."]
    assert write_text(document) == data


def test_empty_and_blank_files():
    for data in (b"", b"\n\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b" \r\n"):
        document = read_text(data=data)
        assert document.segments == ()
        assert write_text(document) == data


@settings(max_examples=300)
@given(
    text=st.text().filter(lambda text: "\0" not in text),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", *BOMS]),
)
def test_any_text_round_trips_byte_for_byte(text, encoding):
    if encoding == "utf-8":
        data = text.encode("utf-8")
    elif encoding == "utf-8-sig":
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    else:
        data = BOMS[encoding] + text.encode(encoding)
    assert write_text(read_text(data=data)) == data


# --- refusing what is not text ------------------------------------------------------------


def test_invalid_utf8_names_line_and_offset():
    data = b"line one\nline two\nbad \xe9 byte\n"
    with pytest.raises(FormatError) as caught:
        read_text(data=data, name="mt.txt")
    error = caught.value
    assert (error.path, error.line) == ("mt.txt", 3)
    assert "offset 22" in error.message
    assert "0xE9" in error.message
    assert "not UTF-8" in error.message
    assert "convert" in error.message
    assert str(error).startswith("mt.txt:3: ")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"a\r\nb\r\n\xff", 3),
        (b"a\rb\r\r\xff", 4),
        (b"\xff", 1),
        ("déjà vu\n".encode() + b"\xc3", 2),  # a character cut short at the end
    ],
)
def test_invalid_utf8_line_counts_every_kind_of_line_end(data, line):
    with pytest.raises(FormatError) as caught:
        decode_text(data, "x.txt")
    assert caught.value.line == line


def test_invalid_utf8_after_a_bom_counts_the_bom_in_the_offset():
    with pytest.raises(FormatError) as caught:
        read_text(data=codecs.BOM_UTF8 + b"ab\x80", name="x.txt")
    assert "offset 5" in caught.value.message
    assert caught.value.line == 1


def test_nul_bytes_mean_a_binary_file():
    with pytest.raises(FormatError) as caught:
        read_text(data=b"text\nmore\0binary", name="x.bin")
    assert caught.value.line == 2
    assert "binary" in caught.value.message


def test_utf16_without_bom_is_refused_with_a_hint():
    with pytest.raises(FormatError) as caught:
        read_text(data="Hello.\n".encode("utf-16-le"), name="x.txt")
    assert "UTF-16" in caught.value.message


def test_damaged_utf16_is_refused():
    data = codecs.BOM_UTF16_LE + "ab\ncd".encode("utf-16-le") + b"\x00"
    with pytest.raises(FormatError) as caught:
        read_text(data=data, name="x.txt")
    assert caught.value.line == 2
    assert "UTF-16-LE" in caught.value.message


def test_missing_file_is_an_mtfix_error_naming_it(tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(MtfixError) as caught:
        read_text(missing)
    assert caught.value.path == str(missing)


def test_text_that_cannot_be_encoded_is_a_format_error():
    document = read_text(data=b"One.\nTwo.")
    with pytest.raises(FormatError) as caught:
        write_text(document, ["One.", "Two \ud800."])
    assert caught.value.line == 2


# --- real third-party files ---------------------------------------------------------------


@needs_testdata
@pytest.mark.parametrize(
    ("name", "encoding", "bom"),
    [
        ("tmx/omegat/TMXComplianceKit/ImportTest1F.tmx", "utf-16-le", True),
        ("tmx/omegat/TMXComplianceKit/ImportTest1G.tmx", "utf-16-be", True),
        ("tmx/omegat/TMXComplianceKit/ImportTest1D.txt", "utf-8", True),
        ("wmt-zh-en/wmt21-news-systems/newstest2021.zh-en.src.zh", "utf-8", False),
        ("wmt-zh-en/wmt21-news-systems/newstest2021.zh-en.hyp.NiuTrans.en", "utf-8", False),
    ],
)
def test_real_files_round_trip(name, encoding, bom):
    path = TESTDATA / name
    document = read_text(path)
    assert (document.encoding, document.bom) == (encoding, bom)
    assert document.segments
    assert write_text(document) == path.read_bytes()


@needs_testdata
def test_real_latin1_file_is_refused_at_its_first_accented_byte():
    path = TESTDATA / "po" / "omegat" / "ExportTest1D.po"
    data = path.read_bytes()
    offset = next(i for i, byte in enumerate(data) if byte >= 0x80)
    with pytest.raises(FormatError) as caught:
        read_text(path)
    assert caught.value.path == str(path)
    assert caught.value.line == data[:offset].count(b"\n") + 1
    assert f"offset {offset}" in caught.value.message
