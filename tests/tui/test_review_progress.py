"""The progress the status line shows follows every confirmation, and its undo."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from mtfix.config import load_config
from mtfix.core.glossary import FixEngine
from mtfix.formats.glossary_files import load_glossaries
from mtfix.store.workspace import Workspace
from mtfix.tui.review import Review
from mtfix.workflow import open_for_review

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "dut-international-2022.txt"


def _review(workspace: Workspace, document_id: int) -> Review:
    return Review(
        workspace.overview(document_id),
        load=partial(workspace.segment, document_id),
        find=partial(workspace.find_segments, document_id),
    )


def test_progress_follows_confirmations_and_undo(tmp_path):
    """Kept up to date segment by segment, the progress always equals a fresh count."""
    document = tmp_path / "article.txt"
    document.write_bytes(SAMPLE.read_bytes())
    engine = FixEngine(load_glossaries(load_config(start=ROOT).glossaries), near_misses=True)
    with Workspace(tmp_path / "work.sqlite") as workspace:
        info, _ = open_for_review(workspace, document, engine)
        review = _review(workspace, info.id)
        confirmed, total, confirmed_words, words = review.progress()
        assert (confirmed, confirmed_words) == (0, 0)
        assert total == info.segment_count and words > 0

        for index in (0, 5):
            for changed in workspace.confirm(info.id, index):
                review.update(workspace.segment(info.id, changed))
        assert review.progress()[0] == 2
        assert review.progress() == _review(workspace, info.id).progress()

        for changed in workspace.undo(info.id):
            review.update(workspace.segment(info.id, changed))
        assert review.progress()[0] == 1
        assert review.progress() == _review(workspace, info.id).progress()
