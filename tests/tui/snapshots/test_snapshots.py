"""A few pictures of the review screen, compared with the ones approved before.

Textual is pinned, so a changed picture means the screen changed. After an
intended change, look at the report and approve with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mtfix.config import load_config
from mtfix.core.glossary import FixEngine
from mtfix.formats.glossary_files import load_glossaries
from mtfix.store.workspace import Workspace
from mtfix.tui.app import ReviewApp
from mtfix.workflow import open_for_review

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "corpora" / "dut-international-2022.txt"


@pytest.fixture
def app(tmp_path) -> ReviewApp:
    """The review of the sample, as ``mtfix review`` opens it."""
    engine = FixEngine(load_glossaries(load_config(start=ROOT).glossaries), near_misses=True)
    document = tmp_path / "article.txt"
    document.write_bytes(SAMPLE.read_bytes())
    workspace = Workspace(tmp_path / "work.sqlite")
    info, _ = open_for_review(workspace, document, engine)
    return ReviewApp(workspace, info.id, export_path=tmp_path / "out.txt")


def test_main_screen_80x24(app, snap_compare):
    """The first segments side by side, the detail panel and the status line, in 80x24."""
    assert snap_compare(app, terminal_size=(80, 24))


def test_detail_panel_with_several_fixes(app, snap_compare):
    """The by-line segment: four fixes, the second one rejected."""
    assert snap_compare(app, press=["down", "right_square_bracket", "space"], terminal_size=(100, 30))


def test_help_screen(app, snap_compare):
    """? lists every key."""
    assert snap_compare(app, press=["question_mark"], terminal_size=(100, 50))
