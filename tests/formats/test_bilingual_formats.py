"""What translators rely on in XLIFF, PO, TSV and TMX documents: segments, codes, states, charsets."""

from __future__ import annotations

import pytest
from lxml import etree
from test_document_formats import PO, TMX, TSV, XLIFF_2, XLIFF_12

from mtfix.errors import FormatError
from mtfix.formats.registry import format_for, write_document

NS12 = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
NS2 = {"x": "urn:oasis:names:tc:xliff:document:2.0"}


def read(name: str, text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return format_for(name).read(data, name)


# --- XLIFF 1.2 --------------------------------------------------------------------------------


def test_xliff12_units_sources_targets_and_codes():
    document = read("a.xlf", XLIFF_12)
    assert [s.id for s in document.segments] == ["1", "2", "4#a", "5"]  # translate="no" is not reviewed
    first = document.segments[0]
    assert first.source == "点击<g1>保存</g1>按钮<x2/>"
    assert first.text == "Click the <g1>Save</g1> button<x2/>"
    assert document.segments[1].text == ""
    assert document.segments[2].source == "A <g1>bold</g1> move."
    assert document.segments[3].text == "  deux  espaces "  # xml:space="preserve"
    assert (document.source_language, document.target_language) == ("zh-CN", "en")
    assert document.metadata["notes"][0] == ["Button label"]
    assert document.metadata["statuses"] == ["draft", "new", "new", "confirmed"]


def test_xliff12_written_targets_keep_codes_attributes_and_notes():
    document = read("a.xlf", XLIFF_12)
    targets = [s.text for s in document.segments]
    targets[0] = "Press the <g1>Save</g1> key<x2/>"
    targets[1] = "Dalian University of Technology"
    out = write_document(document, targets, ["confirmed", "draft", "new", "confirmed"])
    root = etree.fromstring(out)
    unit = root.find(".//x:trans-unit[@id='1']", NS12)
    target = unit.find("x:target", NS12)
    assert etree.tostring(target, encoding="unicode", with_tail=False).count('<g id="b1">Save</g>') == 1
    assert target.find("x:x", NS12).get("id") == "br"
    assert target.get("state") == "final"
    assert unit.get("{urn:example:x}extra") == "keep me"
    assert unit.find("x:note", NS12).text == "Button label"
    new = root.find(".//x:trans-unit[@id='2']", NS12)
    assert new.find("x:target", NS12).text == "Dalian University of Technology"
    assert new.find("x:target", NS12).get("state") == "translated"
    assert new.get("approved") == "no"
    assert root.find(".//x:trans-unit[@id='3']/x:target", NS12).text == "DUT"
    assert read("a.xlf", out).metadata["statuses"] == ["confirmed", "draft", "new", "confirmed"]


def test_unchanged_statuses_leave_the_states_alone():
    document = read("a.xlf", XLIFF_12)
    out = write_document(document, [s.text for s in document.segments], document.metadata["statuses"])
    assert out == XLIFF_12.encode()


def test_codes_must_stay_balanced():
    document = read("a.xlf", XLIFF_12)
    targets = [s.text for s in document.segments]
    targets[0] = "Press </g1>Save<g1> now<x2/>"
    with pytest.raises(FormatError, match="out of order"):
        write_document(document, targets)


def test_a_placeholder_that_is_no_code_of_the_segment_is_literal_text():
    document = read("a.xlf", XLIFF_12)
    targets = [s.text for s in document.segments]
    targets[1] = "Use <x9/> here"
    out = write_document(document, targets)
    assert b"Use &lt;x9/&gt; here" in out


# --- XLIFF 2.x --------------------------------------------------------------------------------


def test_xliff2_segments_states_and_codes():
    document = read("b.xlf", XLIFF_2)
    assert [s.id for s in document.segments] == ["u1/s1", "u1/s2", "u2", "u3"]
    assert document.segments[0].source == "第一句 <g1>加粗</g1>。"
    assert document.segments[1].text == "<g1>Second sentence</g1><x2/>"
    assert document.metadata["statuses"] == ["draft", "new", "confirmed", "new"]
    assert document.metadata["notes"][0] == ["Headline"]
    assert [s.paragraph for s in document.segments] == [0, 0, 1, 2]


def test_xliff2_states_and_substates_are_written_back():
    document = read("b.xlf", XLIFF_2)
    targets = [s.text for s in document.segments]
    targets[3] = "No translation"
    out = write_document(document, targets, ["confirmed", "rejected", "draft", "draft"])
    root = etree.fromstring(out)
    segments = root.findall(".//x:segment", NS2)
    assert [s.get("state") for s in segments] == ["final", "initial", "translated", "translated"]
    assert segments[1].get("subState") == "mtfix:rejected"
    assert segments[2].get("subState") is None  # a stale subState of another tool goes with its state
    assert segments[3].find("x:target", NS2).text == "No translation"
    assert root.find(".//x:ignorable/x:source", NS2).text == " "
    assert read("b.xlf", out).metadata["statuses"] == ["confirmed", "rejected", "draft", "draft"]


def test_xliff2_paired_codes_are_rebuilt_from_the_originals():
    document = read("b.xlf", XLIFF_2)
    targets = [s.text for s in document.segments]
    targets[1] = "<x2/>Now <g1>the second</g1> one"
    root = etree.fromstring(write_document(document, targets))
    target = root.findall(".//x:segment", NS2)[1].find("x:target", NS2)
    assert [(etree.QName(c).localname, dict(c.attrib)) for c in target] == [
        ("ph", {"id": "3"}), ("sc", {"id": "2"}), ("ec", {"startRef": "2"})]


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("unit-id-unique", XLIFF_2.replace('<unit id="u2">', '<unit id="u1">')),
        ("state-value", XLIFF_2.replace('state="final"', 'state="done"')),
        ("language-tag", XLIFF_2.replace('srcLang="zh"', 'srcLang="z"')),
        ("trgLang-required", XLIFF_2.replace(' trgLang="en"', "")),
    ],
)
def test_xliff2_broken_rules_are_named(rule, broken):
    with pytest.raises(FormatError, match=rf"\[{rule}\]"):
        read("b.xlf", broken)


def test_entity_declarations_are_refused():
    evil = XLIFF_12.replace('<?xml version="1.0" encoding="UTF-8"?>',
                            '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
    with pytest.raises(FormatError, match="entity"):
        read("a.xlf", evil)


def test_not_xliff_is_refused_with_the_line():
    with pytest.raises(FormatError, match="not well-formed") as error:
        read("a.xlf", "<xliff>\n<file>\n</xliff>")
    assert error.value.line == 3


# --- PO ---------------------------------------------------------------------------------------


def test_po_entries_contexts_plurals_and_obsolete():
    document = read("a.po", PO)
    assert [s.id for s in document.segments] == ["menu|文件", "%d 个文件[0]", "%d 个文件[1]", "多行\n文本"]
    assert [s.text for s in document.segments] == ["File", "%d file", "%d files", ""]
    assert document.metadata["statuses"] == ["confirmed", "draft", "draft", "new"]
    assert document.target_language == "en"


def test_po_fuzzy_follows_the_status_and_obsolete_entries_stay():
    document = read("a.po", PO)
    targets = ["File", "%d file", "%d files", "Multi-line\ntext"]
    out = write_document(document, targets, ["draft", "confirmed", "confirmed", "draft"]).decode()
    assert '#, fuzzy, c-format\nmsgctxt "menu"' in out
    assert '#, fuzzy\nmsgid_plural' not in out and 'msgid "%d 个文件"' in out
    assert 'msgstr ""\n"Multi-line\\n"\n"text"\n' in out
    assert '#~ msgid "旧"\n#~ msgstr "Old"\n' in out
    assert read("a.po", out.encode()).metadata["statuses"] == ["draft", "confirmed", "confirmed", "draft"]


def test_po_header_charset_is_used():
    data = PO.replace("UTF-8", "ISO-8859-1").replace("文件", "Datei").replace("个", "x").replace(
        "多行", "mehr").replace("文本", "Zeilen").replace("旧", "alt").replace("File", "Fichier é").encode("latin-1")
    document = read("a.po", data)
    assert document.segments[0].text == "Fichier é"
    assert write_document(document, [s.text for s in document.segments]) == data


def test_po_utf8_bytes_under_a_legacy_charset_are_refused():
    with pytest.raises(FormatError, match="declares charset cp1251 but the file is UTF-8") as error:
        read("a.po", PO.replace("UTF-8", "CP1251"))
    assert error.value.line == 4


def test_po_without_charset_must_be_utf8():
    with pytest.raises(FormatError, match="declares no charset"):
        read("a.po", 'msgid "caf\xe9"\nmsgstr "caf\xe9"\n'.encode("latin-1"))


def test_po_unwritable_character_is_an_error_not_a_question_mark():
    document = read("a.po", PO.replace("UTF-8", "GB2312").encode("gb2312"))
    with pytest.raises(FormatError, match="cannot be written in gb2312"):
        write_document(document, ["«File»", "%d file", "%d files", ""])


# --- TSV / CSV --------------------------------------------------------------------------------


def test_tsv_header_quotes_short_rows_and_extra_columns():
    document = read("a.tsv", TSV)
    assert [(s.source, s.text) for s in document.segments] == [
        ("大连理工大学", "Dalian University of Technology"),
        ("含\t制表符", 'a "quoted" cell'),
        ("只有原文", ""),
        ("新冠肺炎", "new crown pneumonia"),
    ]
    assert [s.id for s in document.segments] == ["2", "3", "4", "6"]  # line numbers
    out = write_document(document, ["DUT", 'say "hi"', "Only source", "COVID-19"]).decode()
    assert out == ('source\ttarget\n大连理工大学\tDUT\n"含\t制表符"\t"say ""hi"""\n只有原文\tOnly source\n\n'
                   "新冠肺炎\tCOVID-19\textra\n")


def test_language_tag_header_sets_the_languages():
    document = read("a.csv", "zh,en-GB\n新冠肺炎,new crown pneumonia\n")
    assert (document.source_language, document.target_language) == ("zh", "en-GB")
    assert len(document.segments) == 1


def test_unclosed_quote_names_the_line():
    with pytest.raises(FormatError, match="not closed") as error:
        read("a.tsv", 'a\tb\n"open\tx\n')
    assert error.value.line == 2


# --- TMX as a document ------------------------------------------------------------------------


def test_tmx_units_as_segments():
    document = read("a.tmx", TMX)
    assert [(s.id, s.source, s.text) for s in document.segments] == [
        ("a", "点击<g1>保存</g1>", "Click <g1>Save</g1>"), ("b", "没有译文", "")]
    assert (document.source_language, document.target_language) == ("zh-CN", "en")
    out = write_document(document, ["Press <g1>Save</g1>", "No translation"])
    root = etree.fromstring(out)
    assert root.find(".//tu[@tuid='a']/prop").text == "mt"
    added = root.findall(".//tu[@tuid='b']/tuv")
    assert [t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in added] == ["zh-CN", "en"]
    assert added[1].find("seg").text == "No translation"
