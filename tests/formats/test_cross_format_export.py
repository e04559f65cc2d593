"""A reviewed document exports in any registered format (issue 5, point 7).

Every pair (format of the reviewed document, another format to export in) is exported
after a review and read back through our own reader: the same sources (the MT text for a
monolingual document), targets and statuses (as far as the format holds them); and
translate-toolkit reads the TMX, XLIFF 1.2 and PO files we build from scratch.
"""

from __future__ import annotations

import pytest
from lxml import etree
from test_interop import same_text, their_units
from translate.storage import po as tt_po
from translate.storage import xliff as tt_xliff

from mtfix.core.glossary import FixEngine
from mtfix.core.models import Glossary, SegmentStatus
from mtfix.formats.base import ExportUnit
from mtfix.formats.registry import format_for
from mtfix.store.workspace import Workspace
from mtfix.workflow import export_bytes, export_path_for, open_for_review

ENGINE = FixEngine(Glossary())

DOCUMENTS = {
    "doc.txt": "The first sentence is here. A second one follows.\nA third, on its own line.\nThe last one.\n",
    "doc.tsv": "zh\ten\n你好，世界。\tHello, world.\n谢谢你的帮助。\tThanks for the help.\n"
               "他说：“好”。\t\"He said \"\"fine\"\".\"\n再见。\tBye & see you.\n",
    "doc.xlf": """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">
 <file id="f1">
  <unit id="u1"><segment state="translated"><source>点击<pc id="1">保存</pc>。</source><target>Click <pc id="1">Save</pc>.</target></segment></unit>
  <unit id="u2"><segment><source>大连理工大学</source><target>Dalian University</target></segment></unit>
  <unit id="u3"><segment state="final"><source>谢谢。</source><target>Thanks.</target></segment></unit>
  <unit id="u4"><segment><source>新冠肺炎</source></segment></unit>
 </file>
</xliff>
""",
    "doc12.xlf": """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a.html" source-language="de" target-language="fr" datatype="html">
  <body>
   <trans-unit id="a1"><source>Klicken Sie <g id="b">hier</g>.</source><target state="translated">Cliquez <g id="b">ici</g>.</target></trans-unit>
   <trans-unit id="a2"><source>Guten Tag</source><target>Bonjour</target></trans-unit>
   <trans-unit id="a3" xml:space="preserve"><source>zwei  Leerzeichen</source><target>deux  espaces</target></trans-unit>
   <trans-unit id="a4"><source>Ende</source></trans-unit>
  </body>
 </file>
</xliff>
""",
    "doc.po": """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"

msgid "Open the file"
msgstr "Ouvrir le fichier"

#, fuzzy
msgctxt "menu"
msgid "Open the file"
msgstr "Ouvrir"

msgid "Line one\\nline two"
msgstr "Ligne un\\nligne deux"

msgid "Quit"
msgstr ""
""",
    "doc.tmx": """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
 <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/>
 <body>
  <tu tuid="t1"><tuv xml:lang="en"><seg>Press <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>.</seg></tuv><tuv xml:lang="es"><seg>Pulse <bpt i="1">&lt;b&gt;</bpt>Aceptar<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>
  <tu tuid="t2"><tuv xml:lang="en"><seg>Good morning</seg></tuv><tuv xml:lang="es"><seg>Buenos días</seg></tuv></tu>
  <tu tuid="t3"><tuv xml:lang="en"><seg>Tabs	and  spaces</seg></tuv><tuv xml:lang="es"><seg>Tabuladores	y  espacios</seg></tuv></tu>
  <tu tuid="t4"><tuv xml:lang="en"><seg>Goodbye</seg></tuv></tu>
 </body>
</tmx>
""",
}
EXPORTS = ["tsv", "csv", "xliff", "xliff12", "po", "tmx"]
PAIRS = [(name, fmt) for name in DOCUMENTS for fmt in EXPORTS if format_for(name).name != fmt]


def reviewed(tmp_path, name: str):
    """The document imported and reviewed: 1st edited and confirmed, 2nd edited, 3rd rejected."""
    path = tmp_path / name
    path.write_text(DOCUMENTS[name], encoding="utf-8")
    workspace = Workspace(tmp_path / "ws.db")
    info, _ = open_for_review(workspace, path, ENGINE)
    first, second = workspace.segment(info.id, 0), workspace.segment(info.id, 1)
    workspace.set_target(info.id, 0, first.target + " (checked)")
    workspace.confirm(info.id, 0, propagate=False)
    workspace.set_target(info.id, 1, second.target + " ✓")
    workspace.reject_segment(info.id, 2)
    return workspace, info


def expected_status(fmt: str, status: str, target: str) -> str:
    """What each format's reader gives back for a status we wrote."""
    if fmt == "xliff12" and status == "rejected":
        return "draft"  # XLIFF 1.2 has no rejected state: needs-review-translation
    if fmt == "po":
        return ("confirmed" if status == "confirmed" else "draft") if target else "new"
    return status


@pytest.mark.parametrize(("name", "fmt"), PAIRS)
def test_a_reviewed_document_exports_in_another_format_and_reads_back(tmp_path, name, fmt):
    workspace, info = reviewed(tmp_path, name)
    with workspace:
        states = workspace.segments(info.id)
        data = export_bytes(workspace, info, format=fmt)
    back = format_for(None, fmt).read(data, f"out.{fmt}")
    bilingual = states[0].source is not None
    assert [s.source for s in back.segments] == [s.source if bilingual else s.mt for s in states]
    assert [s.text for s in back.segments] == [s.target for s in states]
    if fmt in ("xliff", "xliff12", "po"):
        assert back.metadata["statuses"] == [expected_status(fmt, str(s.status), s.target) for s in states]
    source_language = info.source_language if bilingual else info.target_language
    if fmt in ("xliff", "xliff12") or (bilingual and fmt in ("tsv", "csv")):  # a table's header holds two
        assert back.source_language == source_language                       # different languages only
    if fmt != "tmx":  # our TMX reader gives the target language in lower case
        assert back.target_language == info.target_language
    if fmt in ("xliff12", "tmx"):  # any string is an id there
        assert [s.id for s in back.segments] == [s.id or str(n) for n, s in enumerate(states, 1)]


@pytest.mark.parametrize("name", ["doc.xlf", "doc.txt"])
def test_confirmed_only_exports_the_mt_of_unconfirmed_segments_as_untouched(tmp_path, name):
    workspace, info = reviewed(tmp_path, name)
    with workspace:
        states = workspace.segments(info.id)
        data = export_bytes(workspace, info, format="xliff12" if name == "doc.xlf" else "xliff",
                            confirmed_only=True)
    back = format_for("out.xlf").read(data, "out.xlf")
    assert [s.text for s in back.segments] == [s.target if s.status is SegmentStatus.CONFIRMED else s.mt
                                               for s in states]
    # rejected stays visible (1.2 has it as needs-review, read as draft); the rest is new again
    assert back.metadata["statuses"][:4] == ["confirmed", "new", "draft" if name == "doc.xlf" else "rejected", "new"]


def test_ids_are_kept_where_the_format_allows_and_numbered_elsewhere(tmp_path):
    workspace, info = reviewed(tmp_path, "doc.po")
    with workspace:
        data = export_bytes(workspace, info, format="xliff")
    units = etree.fromstring(data).iter("{urn:oasis:names:tc:xliff:document:2.0}unit")
    # a msgid is no XLIFF 2 id (spaces): the unit is numbered and keeps it as its name
    assert [(u.get("id"), u.get("name")) for u in units][:2] == [("1", "Open the file"), ("2", "menu|Open the file")]


def test_inline_codes_become_the_formats_own_codes(tmp_path):
    workspace, info = reviewed(tmp_path, "doc.xlf")
    with workspace:
        xliff12 = export_bytes(workspace, info, format="xliff12")
        tmx = export_bytes(workspace, info, format="tmx")
    assert b'<source>\xe7\x82\xb9\xe5\x87\xbb<g id="1">' in xliff12
    assert b'<seg>Click <bpt i="1"></bpt>Save<ept i="1"></ept>. (checked)</seg>' in tmx


def test_xliff_codes_of_every_kind_survive_a_fresh_xliff(tmp_path):
    units = [ExportUnit("a<g1>b<h2>c</h2></g1><x3/>", "A<g1>B<h2>C</h2></g1><x3/>", "draft", "u1"),
             ExportUnit("broken <g1> pair", "<x1/><x1/> twice", "new", "u2")]
    for fmt in ("xliff", "xliff12"):
        back = format_for(None, fmt).read(format_for(None, fmt).create(units, "en", "de"), "out.xlf")
        assert [s.source for s in back.segments] == [u.source for u in units], fmt
        if fmt == "xliff":  # 1.2 <mrk> has no id, so its target copy is numbered anew
            assert [s.text for s in back.segments] == [u.target for u in units]


def test_a_character_xml_cannot_hold_is_refused_with_the_unit(tmp_path):
    from mtfix.errors import FormatError

    for fmt in ("xliff", "xliff12", "tmx"):
        with pytest.raises(FormatError, match="unit 1"):
            format_for(None, fmt).create([ExportUnit("a", "bell \a")], "en", "de")


def test_unknown_statuses_are_refused():
    for fmt in ("xliff", "po", "tmx"):
        with pytest.raises(ValueError, match="unknown status"):
            format_for(None, fmt).create([ExportUnit("a", "b", "done")], "en", "de")


def test_text_export_of_a_bilingual_document_is_its_targets(tmp_path):
    workspace, info = reviewed(tmp_path, "doc.tsv")
    with workspace:
        targets = [s.target for s in workspace.segments(info.id)]
        data = export_bytes(workspace, info, format="text")
    assert data.decode("utf-8").splitlines() == targets
    assert format_for(None, "text").create([ExportUnit("s", t) for t in targets], "zh", "en") == data


def test_export_paths_take_the_formats_ending(tmp_path):
    path = tmp_path / "doc.cleaned.xlf"
    assert export_path_for(path, "tmx", "xliff") == tmp_path / "doc.cleaned.tmx"
    assert export_path_for(path, "xliff", "xliff") == path
    assert export_path_for(path, "xliff12", "po").suffix == ".xlf"


# --- translate-toolkit reads what we build -------------------------------------------------

UNITS = [
    ExportUnit("新冠肺炎很严重。", "COVID-19 is serious & \"contagious\".", "confirmed", "u1"),
    ExportUnit("第二行\n第三行", "Line two\nline three", "draft", "u2"),
    ExportUnit("谢谢。", "Thanks <for> all", "rejected", ""),
    ExportUnit("新冠肺炎很严重。", "Same source, another target", "new", "u4"),
]


@pytest.mark.parametrize("fmt", ["tmx", "xliff12", "po"])
def test_translate_toolkit_reads_the_units_we_build(fmt):
    data = format_for(None, fmt).create(UNITS, "zh", "en")
    theirs = their_units("xliff" if fmt == "xliff12" else fmt, data)
    assert len(theirs) == len(UNITS)
    for (their_source, their_target), unit in zip(theirs, UNITS, strict=True):
        assert same_text(their_source, unit.source), (their_source, unit.source)
        assert same_text(their_target, unit.target), (their_target, unit.target)


def test_translate_toolkit_sees_our_states():
    xliff = tt_xliff.xlifffile.parsestring(format_for(None, "xliff12").create(UNITS, "zh", "en"))
    assert [u.isapproved() for u in xliff.units] == [True, False, False, False]
    po = [u for u in tt_po.pofile.parsestring(format_for(None, "po").create(UNITS, "zh", "en")).units
          if not u.isheader()]
    assert [u.isfuzzy() for u in po] == [False, True, True, True]
    assert [u.getcontext() for u in po] == ["", "", "", "u4"]  # a repeated msgid gets its id as context
