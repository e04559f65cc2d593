"""``mtfix report``: the post-editing report of a review, as JSON, HTML and terminal tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtfix.cli import cli
from mtfix.config import load_config
from mtfix.core.glossary import FixEngine
from mtfix.core.models import RevisionCause
from mtfix.formats.glossary_files import load_glossaries
from mtfix.store.workspace import Workspace
from mtfix.workflow import open_for_review

ROOT = Path(__file__).resolve().parents[2]
ENGINE = FixEngine(load_glossaries(load_config(start=ROOT).glossaries))

TEXT = (
    "Dalian University of Science and Technology signed 80 agreements.\n\n"
    "The robot said <script>alert(1)</script> & left.\n\n"
    "Nothing changes here.\n\n"
    "The exchange programme grew fast.\n"
)
TM_TEXT = "The exchange programme grew quickly."
FINAL = "The exchange programme grew very quickly."


@pytest.fixture
def reviewed(tmp_path):
    """A small document reviewed in a workspace: a glossary fix, a manual edit, a TM match then typing."""
    document = tmp_path / "doc.txt"
    document.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "work.sqlite"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, document, ENGINE)
        workspace.confirm(info.id, 0)
        workspace.set_target(info.id, 1, "The robot said <script>alert(2)</script> & left.")
        workspace.set_target(info.id, 3, TM_TEXT, cause=RevisionCause.TM_MATCH)
        workspace.set_target(info.id, 3, FINAL)
    return document, db


@pytest.fixture
def run(monkeypatch):
    monkeypatch.chdir(ROOT)
    return lambda *args: CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_json_report_fields(run, reviewed, tmp_path):
    """The JSON report has the totals, the rules and every segment's figures and sources."""
    document, db = reviewed
    output = tmp_path / "report.json"
    result = run("report", str(document), "--db", str(db), "-o", str(output))
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["document"] == str(document.resolve())
    totals = data["totals"]
    assert totals["segments"] == 4 and totals["changed_segments"] == 3
    assert totals["statuses"] == {"new": 1, "draft": 2, "confirmed": 1, "rejected": 0}
    assert totals["edit_distance"] == sum(s["edit_distance"] for s in data["segments"]) > 0
    assert 0 < totals["ter"] < 100
    assert data["time_spent"] is None and "not measured" in data["time_note"]
    assert {"rule": "dut", "kind": "term", "accepted": 1, "rejected": 0} in data["rules"]

    fixed, typed, untouched, from_tm = data["segments"]
    assert fixed["target"].startswith("Dalian University of Technology")
    assert fixed["sources"]["fixes"]["share"] == 1.0 and fixed["accepted_fixes"] == ["dut"]
    assert typed["sources"]["free"] == {"characters": 1, "share": 1.0}
    assert untouched["edit_distance"] == 0 and untouched["ter"] == 0
    assert from_tm["sources"]["tm"]["characters"] == from_tm["edit_distance"] - len("very ")
    assert from_tm["sources"]["free"]["characters"] == len("very ")
    assert from_tm["segment"] == 4 and from_tm["target"] == FINAL


def test_dash_writes_json_to_stdout(run, reviewed):
    """-o - writes the JSON report to standard output."""
    document, db = reviewed
    result = run("report", str(document), "--db", str(db), "-o", "-")
    assert json.loads(result.stdout)["totals"]["segments"] == 4


def test_html_report_escapes_text_and_loads_nothing(run, reviewed, tmp_path):
    """Segment text is escaped; the page fetches no asset from the network (no script at all)."""
    document, db = reviewed
    output = tmp_path / "report.html"
    assert run("report", str(document), "--db", str(db), "-o", str(output)).exit_code == 0
    page = output.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in page and "&lt;/script&gt; &amp; left." in page
    assert "<script" not in page.lower()
    assert not re.search(r"(?:src|href)\s*=|url\(|@import|https?://", page, re.IGNORECASE)
    assert "<svg" in page and 'aria-label="Accepted fixes per rule"' in page
    assert "prefers-color-scheme:dark" in page and "@media print" in page


def test_terminal_tables_without_output(run, reviewed):
    """Without -o the totals and the fixes per rule are printed."""
    document, db = reviewed
    result = run("report", str(document), "--db", str(db))
    assert result.exit_code == 0
    assert "4 (3 changed)" in result.stdout
    assert "dut" in result.stdout and "not measured" in result.stdout


def test_document_not_reviewed_is_bad_input(run, tmp_path):
    """A file never opened for review: exit 2, one message naming it, nothing written."""
    document = tmp_path / "new.txt"
    document.write_text("Hello.\n", encoding="utf-8")
    output = tmp_path / "report.json"
    result = run("report", str(document), "--db", str(tmp_path / "work.sqlite"), "-o", str(output))
    assert result.exit_code == 2
    assert "new.txt" in result.stderr and "mtfix review" in result.stderr
    assert not output.exists()
