"""Every document format holds to the shared contract (tests/formats/contract.py)."""

from __future__ import annotations

import codecs

import pytest
from contract import FormatContract

from mtfix.errors import FormatError
from mtfix.formats.registry import (
    format_for,
    format_names,
    read_document,
    write_document,
)

XLIFF_12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:x="urn:example:x">
 <file original="a.html" source-language="zh-CN" target-language="en" datatype="html" x:tool="keep">
  <body>
   <trans-unit id="1" x:extra="keep me">
    <source>点击<g id="b1">保存</g>按钮<x id="br"/></source>
    <target state="translated">Click the <g id="b1">Save</g> button<x id="br"/></target>
    <note from="pm">Button label</note>
   </trans-unit>
   <trans-unit id="2" approved="no">
    <source>大连理工大学</source>
   </trans-unit>
   <trans-unit id="3" translate="no"><source>DUT</source><target>DUT</target></trans-unit>
   <trans-unit id="4">
    <source>A <bpt id="5">&lt;b&gt;</bpt>bold<ept id="5">&lt;/b&gt;</ept> move.</source>
    <seg-source><mrk mtype="seg" mid="a">A <bpt id="5">&lt;b&gt;</bpt>bold<ept id="5">&lt;/b&gt;</ept> move.</mrk></seg-source>
    <target state="needs-translation"><mrk mtype="seg" mid="a">A <bpt id="5">&lt;b&gt;</bpt>bold<ept id="5">&lt;/b&gt;</ept> moves.</mrk></target>
   </trans-unit>
   <trans-unit id="5" xml:space="preserve"><source>  two  spaces </source><target state="final">  deux  espaces </target></trans-unit>
  </body>
 </file>
</xliff>
"""

XLIFF_2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="zh" trgLang="en">
 <file id="f1">
  <unit id="u1">
   <notes><note id="n1">Headline</note></notes>
   <originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data></originalData>
   <segment id="s1" state="translated">
    <source>第一句 <pc id="1" dataRefStart="d1" dataRefEnd="d2">加粗</pc>。</source>
    <target>First <pc id="1" dataRefStart="d1" dataRefEnd="d2">bold</pc> sentence.</target>
   </segment>
   <ignorable><source> </source></ignorable>
   <segment id="s2">
    <source><sc id="2"/>第二句<ec startRef="2"/><ph id="3"/></source>
    <target><sc id="2"/>Second sentence<ec startRef="2"/><ph id="3"/></target>
   </segment>
  </unit>
  <unit id="u2">
   <segment state="final" subState="x:approved"><source>新冠肺炎</source><target>COVID-19</target></segment>
  </unit>
  <unit id="u3"><segment><source>无译文</source></segment></unit>
 </file>
</xliff>
"""

PO = """# Translator comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Language: en\\n"

#: src/a.c:1
#, c-format
msgctxt "menu"
msgid "文件"
msgstr "File"

#, fuzzy
msgid "%d 个文件"
msgid_plural "%d 个文件"
msgstr[0] "%d file"
msgstr[1] "%d files"

msgid ""
"多行\\n"
"文本"
msgstr ""

#~ msgid "旧"
#~ msgstr "Old"
"""

TSV = "source\ttarget\n大连理工大学\tDalian University of Technology\n\"含\t制表符\"\t\"a \"\"quoted\"\" cell\"\n只有原文\n\n新冠肺炎\tnew crown pneumonia\textra\n"
CSV = "zh,en\r\n大连理工大学,\"Dalian, University\"\r\n新冠肺炎,new crown pneumonia\r\n"

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
 <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="zh-CN" datatype="plaintext"/>
 <body>
  <tu tuid="a"><prop type="x-origin">mt</prop>
   <tuv xml:lang="zh-CN"><seg>点击<bpt i="1">&lt;b&gt;</bpt>保存<ept i="1">&lt;/b&gt;</ept></seg></tuv>
   <tuv xml:lang="en"><seg>Click <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept></seg></tuv>
  </tu>
  <tu tuid="b"><tuv xml:lang="zh-CN"><seg>没有译文</seg></tuv></tu>
 </body>
</tmx>
"""

UTF16_XLIFF = XLIFF_12.replace('encoding="UTF-8"', 'encoding="UTF-16"')


class TestTextContract(FormatContract):
    format_name = "text"

    def samples(self):
        return {
            "a.txt": "First line. Second -class line.\r\n\r\n大连理工大学。\n".encode(),
            "bom.txt": codecs.BOM_UTF8 + b"One. Two.\n",
            "le.txt": codecs.BOM_UTF16_LE + "One. Two.\n".encode("utf-16-le"),
            "be.txt": codecs.BOM_UTF16_BE + "One. Two.\n".encode("utf-16-be"),
        }


class TestTsvContract(FormatContract):
    format_name = "tsv"

    def samples(self):
        return {"a.tsv": TSV.encode(), "bom.tsv": codecs.BOM_UTF8 + TSV.encode(),
                "le.tsv": codecs.BOM_UTF16_LE + TSV.encode("utf-16-le")}


class TestCsvContract(FormatContract):
    format_name = "csv"

    def samples(self):
        return {"a.csv": CSV.encode(), "be.csv": codecs.BOM_UTF16_BE + CSV.encode("utf-16-be")}


class TestXliffContract(FormatContract):
    format_name = "xliff"

    def samples(self):
        return {
            "a.xlf": XLIFF_12.encode(),
            "bom.xlf": codecs.BOM_UTF8 + XLIFF_12.encode(),
            "le.xlf": codecs.BOM_UTF16_LE + UTF16_XLIFF.encode("utf-16-le"),
            "be.xlf": codecs.BOM_UTF16_BE + UTF16_XLIFF.encode("utf-16-be"),
            "legacy.xlf": XLIFF_12.replace("UTF-8", "GB18030").encode("gb18030"),
            "crlf.xlf": XLIFF_12.replace("\n", "\r\n").encode(),
            "b.xlf": XLIFF_2.encode(),
        }


class TestPoContract(FormatContract):
    format_name = "po"

    def samples(self):
        return {
            "a.po": PO.encode(),
            "bom.po": codecs.BOM_UTF8 + PO.encode(),
            "legacy.po": PO.replace("UTF-8", "GB2312").encode("gb2312"),
            "crlf.po": PO.replace("\n", "\r\n").encode(),
        }


class TestTmxContract(FormatContract):
    format_name = "tmx"

    def samples(self):
        return {"a.tmx": TMX.encode(), "le.tmx": codecs.BOM_UTF16_LE + TMX.replace("UTF-8", "UTF-16").encode("utf-16-le")}


# --- the registry ---------------------------------------------------------------------------


def test_every_format_is_registered():
    assert set(format_names()) >= {"text", "tsv", "csv", "xliff", "po", "tmx"}


def test_the_format_option_overrides_the_extension(tmp_path):
    path = tmp_path / "units.txt"
    path.write_text(TSV, encoding="utf-8")
    assert read_document(path, "tsv").segments[0].source == "大连理工大学"
    assert read_document(path).format == "text"


def test_unknown_extensions_read_as_text_and_unknown_names_are_refused():
    assert format_for("notes.unknown").name == "text"
    with pytest.raises(Exception, match="unknown format 'docx'"):
        format_for("a.docx", "docx")


def test_a_rebuilt_document_needs_its_original_file():
    document = format_for("a.xlf").read(XLIFF_12.encode(), "<stdin>")
    from dataclasses import replace

    with pytest.raises(FormatError, match="original file"):
        write_document(replace(document, metadata={}, path=None), [s.text for s in document.segments])


def test_a_changed_original_file_is_refused(tmp_path):
    path = tmp_path / "a.xlf"
    path.write_text(XLIFF_12, encoding="utf-8")
    document = read_document(path)
    from dataclasses import replace

    path.write_text(XLIFF_12.replace('<trans-unit id="2"', '<trans-unit id="9"'), encoding="utf-8")
    with pytest.raises(FormatError, match="changed since it was imported"):
        write_document(replace(document, metadata={}), [s.text for s in document.segments])
