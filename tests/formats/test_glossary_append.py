"""Accepted suggestions are added to TBX and CSV glossaries; the rest of the file stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mtfix.cli import cli
from mtfix.core.models import TermStatus
from mtfix.core.suggest import Suggestion
from mtfix.errors import GlossaryError
from mtfix.formats.glossary_append import add_suggestions
from mtfix.formats.glossary_files import load_glossary

ROOT = Path(__file__).resolve().parents[2]
NEW = Suggestion("friendship of classmates", "classmate friendship", None, "inconsistent", 1)
KNOWN = Suggestion("Dalian Univeristy of Technology", "Dalian University of Technology", "dut", "near miss", 2)


def terms(path: Path) -> dict[str, dict[str, TermStatus]]:
    return {c.id: {t.text: t.status for t in c.terms} for c in load_glossary(path).concepts}


def test_tbx_v3_gets_a_variant_in_its_concept_and_a_new_concept(tmp_path):
    """The shipped TBX keeps every comment and gains the two entries."""
    path = tmp_path / "dut.tbx"
    original = (ROOT / "glossaries" / "dut.tbx").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    add_suggestions(path, [KNOWN, NEW])
    after = terms(path)
    assert after["dut"]["Dalian Univeristy of Technology"] is TermStatus.DEPRECATED
    assert after["classmate-friendship"] == {
        "classmate friendship": TermStatus.PREFERRED, "friendship of classmates": TermStatus.DEPRECATED}
    text = path.read_text(encoding="utf-8")
    assert text.count("<!--") == original.count("<!--") + 1
    assert text.startswith(original[: original.index('<conceptEntry id="dut">')])


def test_tbx_v2_martif_gets_a_tig(tmp_path):
    """A TBX v2 file gets a tig in the langSet of its language."""
    path = tmp_path / "old.tbx"
    path.write_text(
        '<?xml version="1.0"?>\n<martif type="TBX"><text><body>\n'
        '  <termEntry id="dut">\n    <langSet xml:lang="en">\n'
        '      <tig><term>Dalian University of Technology</term>'
        '<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>\n'
        '    </langSet>\n  </termEntry>\n</body></text></martif>\n', encoding="utf-8")
    add_suggestions(path, [KNOWN])
    assert terms(path)["dut"]["Dalian Univeristy of Technology"] is TermStatus.DEPRECATED


def test_csv_gets_rows_at_its_end(tmp_path):
    """CSV rows are appended with a note; existing rows are untouched."""
    path = tmp_path / "terms.csv"
    path.write_text("variant,preferred\nnew crown pneumonia,COVID-19", encoding="utf-8")
    add_suggestions(path, [NEW])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["variant,preferred", "new crown pneumonia,COVID-19"]
    assert lines[2].startswith('friendship of classmates,classmate friendship,"Suggested by mtfix')


def test_an_edit_that_would_break_the_file_is_refused(tmp_path):
    """A TBX without a body is left alone and the error says why."""
    path = tmp_path / "odd.tbx"
    path.write_text("<tbx><text></text></tbx>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="body"):
        add_suggestions(path, [NEW])
    assert path.read_text() == "<tbx><text></text></tbx>"


def test_suggest_command_writes_accepted_suggestions(tmp_path, monkeypatch):
    """mtfix glossary suggest --write --yes adds the sample's classmate programme."""
    monkeypatch.chdir(ROOT)
    path = tmp_path / "new.csv"
    path.write_text("", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["glossary", "suggest", "corpora/dut-international-2022.txt", "--write", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "friendship with classmates,classmate friendship" in path.read_text(encoding="utf-8")
    assert "classmate" in result.stdout
