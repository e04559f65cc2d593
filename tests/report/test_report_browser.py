"""The HTML post-editing report in a real browser: headless Chromium from the OS packages.

The page is rendered offline (no network) to a screenshot and to its DOM, and the
text a reader sees must hold the document's totals. Skipped only where no Chromium
is installed; .ci/run installs Debian's ``chromium`` so CI runs it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtfix.cli import cli
from mtfix.core.glossary import FixEngine
from mtfix.core.models import Concept, Glossary, RevisionCause, Term, TermStatus
from mtfix.core.report import build_report
from mtfix.store.workspace import Workspace
from mtfix.workflow import open_for_review

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)



@pytest.fixture(autouse=True)
def _needs_chromium():
    """A missing browser is a failure that says what to install, not a skip that hides the test."""
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run does)")

GLOSSARY = Glossary(concepts=(
    Concept("dut", (Term("Dalian University of Technology"),
                    Term("Dalian University of Science and Technology", TermStatus.DEPRECATED))),
))
TEXT = (
    "Dalian University of Science and Technology signed 80 agreements.\n\n"
    "The students <b>said</b> \"thank you\" & left.\n\n"
    "Nothing changes here.\n"
)


class _Text(HTMLParser):
    """The text of a page as a reader sees it (no style sheet)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "title")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium with everything that would reach the network switched off."""
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def html_report(tmp_path):
    """The HTML report of a small review: a glossary fix, a TM match, a manual edit."""
    document = tmp_path / "article.txt"
    document.write_text(TEXT, encoding="utf-8")
    db = tmp_path / "work.sqlite"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, document, FixEngine(GLOSSARY))
        workspace.confirm(info.id, 0)
        workspace.set_target(info.id, 1, "The students <b>said</b> \"thanks\" & left.", cause=RevisionCause.TM_MATCH)
        workspace.set_target(info.id, 1, "The students <b>said</b> \"thanks\" & went home.")
        expected = build_report(info.path, workspace.segments(info.id), workspace.history(info.id))
    output = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(document), "--db", str(db), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output, expected


def test_report_renders_with_its_totals(html_report, tmp_path):
    """Chromium renders the report offline; the page shows the totals and the escaped text."""
    page, expected = html_report
    totals = expected.totals
    shot = tmp_path / "report.png"
    result = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert shot.exists(), result.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1600)

    dom = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    parser = _Text()
    parser.feed(dom.stdout)
    text = parser.text()
    assert "Post-editing report: article.txt" in text
    assert f"Segments {totals.segments} {totals.changed_segments} changed" in text
    assert f"Words {totals.mt_words} → {totals.target_words}" in text
    assert f"Edit distance {totals.edit_distance} characters" in text
    assert f"TER {totals.ter:.1f}%" in text
    assert "Time spent not measured" in text
    assert f"TM matches: {totals.sources.tm} characters" in text
    assert "dut" in text  # the chart's and the table's rule
    # The markup typed into a segment is shown as text, not rendered as markup.
    assert "The students <b>said</b>" in text
    assert "<b>" not in dom.stdout.replace("&lt;b&gt;", "")
