"""``mtfix fix`` and ``mtfix export`` with bilingual formats, as a user runs them."""

from __future__ import annotations

from click.testing import CliRunner
from lxml import etree

from mtfix.cli import cli
from mtfix.core.glossary import FixEngine
from mtfix.core.models import Concept, Glossary, Term, TermStatus
from mtfix.formats.registry import read_document
from mtfix.store.workspace import Workspace
from mtfix.workflow import export_bytes, open_for_review

XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">
 <file id="f1">
  <unit id="u1"><segment state="translated"><source>新冠肺炎很严重。</source><target>The new crown pneumonia is serious.</target></segment></unit>
  <unit id="u2"><segment state="final"><source>谢谢。</source><target>Thanks.</target></segment></unit>
 </file>
</xliff>
"""
NS = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
ENGINE = FixEngine(Glossary(concepts=(Concept("covid", (
    Term("COVID-19", TermStatus.PREFERRED), Term("new crown pneumonia", TermStatus.DEPRECATED))),)))


def test_fix_writes_the_same_format_it_reads(tmp_path):
    source = tmp_path / "doc.xlf"
    source.write_text(XLIFF, encoding="utf-8")
    glossary = tmp_path / "g.csv"
    glossary.write_text("variant,preferred\nnew crown pneumonia,COVID-19\n", encoding="utf-8")
    out = tmp_path / "fixed.xlf"
    result = CliRunner().invoke(cli, ["fix", str(source), "-o", str(out), "-g", str(glossary)])
    assert result.exit_code == 0, result.output
    root = etree.parse(str(out)).getroot()
    targets = [t.text for t in root.iterfind(".//x:target", NS)]
    assert targets == ["The COVID-19 is serious.", "Thanks."]
    assert root.find(".//x:segment", NS).get("state") == "translated"  # fix does not review


def test_fix_format_option_reads_stdin_as_tsv(tmp_path):
    glossary = tmp_path / "g.csv"
    glossary.write_text("variant,preferred\nnew crown pneumonia,COVID-19\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fix", "-", "--format", "tsv", "-g", str(glossary)],
                                input="新冠肺炎\tnew crown pneumonia\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "新冠肺炎\tCOVID-19\n"


def test_a_reviewed_xliff_exports_targets_and_states_into_the_original(tmp_path):
    path = tmp_path / "doc.xlf"
    path.write_text(XLIFF, encoding="utf-8")
    with Workspace(tmp_path / "ws.db") as workspace:
        info, _ = open_for_review(workspace, path, ENGINE)
        assert workspace.segment(info.id, 0).source == "新冠肺炎很严重。"
        untouched = export_bytes(workspace, info, confirmed_only=True)
        workspace.confirm(info.id, 0)
        data = export_bytes(workspace, info)
        text = export_bytes(workspace, info, format="text")
    assert untouched == XLIFF.encode()  # unreviewed segments keep their MT text and their state
    root = etree.fromstring(data)
    segments = root.findall(".//x:segment", NS)
    assert [s.get("state") for s in segments] == ["final", "final"]
    assert segments[0].find("x:target", NS).text == "The COVID-19 is serious."
    assert text == b"The COVID-19 is serious.\nThanks.\n"


def test_export_command_defaults_to_the_documents_format(tmp_path):
    path = tmp_path / "doc.xlf"
    path.write_text(XLIFF, encoding="utf-8")
    db = tmp_path / "ws.db"
    with Workspace(db) as workspace:
        open_for_review(workspace, path, ENGINE)
    result = CliRunner().invoke(cli, ["export", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "<target>The COVID-19 is serious.</target>" in result.stdout
    unknown = CliRunner().invoke(cli, ["export", str(path), "--db", str(db), "--format", "docx"])
    assert unknown.exit_code == 2
    assert "'docx' is not one of" in unknown.output


def test_export_command_writes_any_format(tmp_path):
    """--format, or else the -o file's ending, picks the format; the file is built from the segments."""
    path = tmp_path / "doc.xlf"
    path.write_text(XLIFF, encoding="utf-8")
    db = tmp_path / "ws.db"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, path, ENGINE)
        workspace.confirm(info.id, 0)
    as_po = CliRunner().invoke(cli, ["export", str(path), "--db", str(db), "--format", "po"])
    assert as_po.exit_code == 0, as_po.output
    assert 'msgid "新冠肺炎很严重。"\nmsgstr "The COVID-19 is serious."\n' in as_po.stdout
    out = tmp_path / "reviewed.tmx"
    by_name = CliRunner().invoke(cli, ["export", str(path), "--db", str(db), "-o", str(out)])
    assert by_name.exit_code == 0, by_name.output
    back = read_document(out)
    assert [(s.source, s.text, s.id) for s in back.segments] == [
        ("新冠肺炎很严重。", "The COVID-19 is serious.", "u1"), ("谢谢。", "Thanks.", "u2")]
    named = tmp_path / "table.tsv"
    forced = CliRunner().invoke(cli, ["export", str(path), "--db", str(db), "-o", str(named), "--format", "xliff12"])
    assert forced.exit_code == 0, forced.output
    assert read_document(named, "xliff12").metadata["version"] == "1.2"


def test_a_monolingual_review_exports_as_a_bilingual_file_of_mt_and_target(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("The new crown pneumonia spreads. Wash your hands.\n", encoding="utf-8")
    db = tmp_path / "ws.db"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, path, ENGINE)
        workspace.confirm(info.id, 0)
    out = tmp_path / "doc.xliff"
    result = CliRunner().invoke(cli, ["export", str(path), "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    back = read_document(out)
    assert [(s.source, s.text) for s in back.segments] == [
        ("The new crown pneumonia spreads.", "The COVID-19 spreads."), ("Wash your hands.", "Wash your hands.")]
    assert back.metadata["statuses"] == ["confirmed", "new"]
    assert (back.source_language, back.target_language) == ("en", "en")
