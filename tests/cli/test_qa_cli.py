"""``mtfix qa``: the table, the reports, and the exit status a pipeline gates on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtfix.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "dut-international-2022.txt"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.chdir(ROOT)
    return lambda *args: CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_sample_findings_and_default_gate(run, tmp_path):
    """The raw sample has major findings (deprecated terms) but nothing critical: exit 0."""
    report = tmp_path / "qa.json"
    result = run("qa", str(SAMPLE), "--report", str(report))
    assert result.exit_code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    checks = {f["check"] for f in data["findings"]}
    assert "deprecated_term_left" in checks
    assert data["summary"]["critical"] == 0
    assert "findings in" in result.stderr


def test_fail_on_major_exits_1(run):
    """--fail-on major turns the deprecated terms into a failing gate."""
    assert run("qa", str(SAMPLE), "--fail-on", "major").exit_code == 1


def test_fixed_sample_passes_a_major_gate(run, tmp_path):
    """After mtfix fix, no deprecated term is left that the glossary fixes automatically."""
    cleaned = tmp_path / "cleaned.txt"
    assert run("fix", str(SAMPLE), "-o", str(cleaned)).exit_code == 0
    report = tmp_path / "qa.json"
    run("qa", str(cleaned), "--report", str(report))
    majors = [f for f in json.loads(report.read_text())["findings"] if f["severity"] == "major"]
    # What is left are the suggestions the glossary leaves to the reviewer.
    assert {f["excerpt"].count("Surabaya") + f["excerpt"].count("Sakura") for f in majors} <= {1}


def test_html_report_escapes_the_text(run, tmp_path):
    """Segment text is escaped in the HTML report."""
    document = tmp_path / "doc.txt"
    document.write_text("A <script>alert(1)</script> (unpaired.\n", encoding="utf-8")
    report = tmp_path / "qa.html"
    run("qa", str(document), "--report", str(report))
    page = report.read_text(encoding="utf-8")
    assert "</script>" not in page and "&lt;/script&gt;" in page
    assert "unpaired_brackets" in page


def test_reviewed_targets_are_checked_against_their_mt(run, tmp_path):
    """--reviewed checks the workspace's targets; an edit that drops a number is major."""
    from mtfix.store.workspace import Workspace

    document = tmp_path / "doc.txt"
    document.write_text("We signed 46 agreements.\n\nAll good.\n", encoding="utf-8")
    db = tmp_path / "work.sqlite"
    assert run("export", str(document), "--db", str(db)).exit_code == 2  # not reviewed yet
    from mtfix.workflow import open_for_review
    from mtfix.core.glossary import FixEngine
    from mtfix.core.models import Glossary

    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, document, FixEngine(Glossary()))
        workspace.set_target(info.id, 0, "We signed many agreements.")
    result = run("qa", str(document), "--reviewed", "--db", str(db), "--fail-on", "major")
    assert result.exit_code == 1
    assert "number_mismatch" in result.stdout


def test_reviewed_leaves_out_dismissed_findings(run, tmp_path):
    """A finding dismissed in the review no longer fails the gate."""
    from mtfix.core.glossary import FixEngine
    from mtfix.core.models import Glossary
    from mtfix.core.qa import QaChecker, QaSegment
    from mtfix.store.workspace import Workspace
    from mtfix.workflow import open_for_review

    document = tmp_path / "doc.txt"
    document.write_text("We signed 46 agreements.\n", encoding="utf-8")
    db = tmp_path / "work.sqlite"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, document, FixEngine(Glossary()))
        state = workspace.set_target(info.id, 0, "We signed many agreements.")
        [finding] = QaChecker().check_segment(QaSegment(0, state.target, mt=state.mt))
        workspace.dismiss_finding(info.id, 0, finding, state.mt[finding.start:finding.end], "client asked")
    result = run("qa", str(document), "--reviewed", "--db", str(db), "--fail-on", "major")
    assert result.exit_code == 0
    assert "number_mismatch" not in result.stdout
