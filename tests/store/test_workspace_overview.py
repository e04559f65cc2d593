"""The light queries the review opens with: overview, search, rule counts; cheap refreshes."""

from __future__ import annotations

from test_workspace import FIXES, HYPHEN, WORK, make_document

from mtfix.core.models import SegmentStatus
from mtfix.store.workspace import Workspace


def open_doc(tmp_path):
    workspace = Workspace(tmp_path / "work.mtfix")
    return workspace, workspace.import_document(make_document(tmp_path), FIXES).id


def test_overview_counts_words_status_and_open_fixes(tmp_path):
    """Every segment's status, words and not-rejected fixes, without reading texts in full."""
    ws, doc = open_doc(tmp_path)
    with ws:
        ws.decide_fix(doc, 0, HYPHEN, accept=False)
        ws.confirm(doc, 3)
        summary = ws.overview(doc)
    assert [s.index for s in summary] == [0, 1, 2, 3]
    assert [s.words for s in summary] == [6, 2, 6, 4]
    assert [s.open_fixes for s in summary] == [1, 0, 2, 0]
    assert summary[3].status is SegmentStatus.CONFIRMED
    assert summary[0].status is SegmentStatus.DRAFT


def test_find_segments_searches_mt_and_target(tmp_path):
    """Search finds a text in the MT or the current target, ignoring ASCII case."""
    ws, doc = open_doc(tmp_path)
    with ws:
        ws.set_target(doc, 1, "Hello, 100% world_wide.")
        assert ws.find_segments(doc, "BIG WORK") == [0, 2]
        assert ws.find_segments(doc, "first-class") == [0, 2]  # only in the targets
        assert ws.find_segments(doc, "100%") == [1]  # LIKE wildcards are taken literally
        assert ws.find_segments(doc, "o_l") == []  # "_" would match the "r" of "world"
        assert ws.find_segments(doc, "d_w") == [1]


def test_fix_rules_counts_fixes_per_rule(tmp_path):
    """The palette's rules, most frequent first."""
    ws, doc = open_doc(tmp_path)
    with ws:
        assert ws.fix_rules(doc) == {"big-work": 2, "hyphen": 2}


def test_update_fixes_leaves_unchanged_segments_alone(tmp_path):
    """Passing the same fixes again changes nothing; a new fix reaches its segment."""
    ws, doc = open_doc(tmp_path)
    with ws:
        ws.decide_fix(doc, 0, WORK, accept=True)
        assert ws.update_fixes(doc, {0: [WORK, HYPHEN], 1: [], 2: [WORK, HYPHEN], 3: []}) == []
        assert ws.segment(doc, 0).target == "The big project is first-class."
        assert ws.segment(doc, 2).fixes[1].accepted
        assert ws.update_fixes(doc, {2: [HYPHEN]}) == []
        assert [p.fix for p in ws.segment(doc, 2).fixes] == [HYPHEN]
