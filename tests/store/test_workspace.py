"""The workspace keeps every review action, undoes it, resumes it and survives re-imports."""

from __future__ import annotations

import pytest

from mtfix.core.models import (
    Document,
    Fix,
    FixDecision,
    FixKind,
    ImportStatus,
    RevisionCause,
    Segment,
    SegmentStatus,
)
from mtfix.store.workspace import DocumentChangedError, Workspace

TEXTS = [
    "The big work is first -class.",
    "Hello world.",
    "The big work is first -class.",
    "Nothing to fix here.",
]
WORK = Fix(8, 12, "work", "project", "big-work", FixKind.TERM, applied=False)
HYPHEN = Fix(16, 28, "first -class", "first-class", "hyphen", FixKind.PATTERN, applied=True)
FIXES = {0: [WORK, HYPHEN], 2: [WORK, HYPHEN]}


def make_document(tmp_path, texts=TEXTS, name="doc.txt") -> Document:
    segments = tuple(Segment(i, t, "\n" if i < len(texts) - 1 else "\n") for i, t in enumerate(texts))
    return Document(segments=segments, prefix="\n", path=str(tmp_path / name))


@pytest.fixture
def ws(tmp_path):
    with Workspace(tmp_path / "work.mtfix") as workspace:
        yield workspace


@pytest.fixture
def doc_id(ws, tmp_path):
    return ws.import_document(make_document(tmp_path), FIXES).id


def test_import_applies_automatic_fixes_only(ws, doc_id):
    """A new segment's target has the automatic fixes; fixes needing a decision wait."""
    seg = ws.segment(doc_id, 0)
    assert seg.status is SegmentStatus.NEW
    assert seg.target == "The big work is first-class."
    assert [p.accepted for p in seg.fixes] == [False, True]
    assert ws.segment(doc_id, 1).target == "Hello world."


def test_accepting_and_rejecting_fixes_rewrites_the_target(ws, doc_id):
    """Accepted fixes are applied to the MT text, rejected ones are not."""
    seg = ws.decide_fix(doc_id, 0, WORK, accept=True)
    assert seg.target == "The big project is first-class."
    assert seg.status is SegmentStatus.DRAFT
    seg = ws.decide_fix(doc_id, 0, HYPHEN, accept=False)
    assert seg.target == "The big project is first -class."
    assert seg.fixes[1].decision is FixDecision.REJECTED
    assert seg.open_fixes == (seg.fixes[0],)


def test_decide_all_is_one_undo_step(ws, doc_id):
    """Rejecting all fixes of a segment is one action, undone at once."""
    assert ws.decide_fixes(doc_id, 0, None, accept=False).target == TEXTS[0]
    ws.undo(doc_id)
    seg = ws.segment(doc_id, 0)
    assert seg.target == "The big work is first-class."
    assert all(p.decision is None for p in seg.fixes)


def test_rejected_fix_stays_rejected_when_proposed_again(ws, doc_id):
    """A rejected fix is remembered by rule and context when the engine runs again."""
    ws.decide_fix(doc_id, 0, HYPHEN, accept=False)
    ws.update_fixes(doc_id, {0: [HYPHEN, WORK]})
    seg = ws.segment(doc_id, 0)
    decisions = {p.fix.rule: p.decision for p in seg.fixes}
    assert decisions == {"hyphen": FixDecision.REJECTED, "big-work": None}
    assert seg.target == TEXTS[0]


def test_unknown_fix_is_refused(ws, doc_id):
    """Deciding a fix the segment does not have is an error, and changes nothing."""
    other = Fix(0, 3, "The", "A", "x", FixKind.TERM)
    with pytest.raises(Exception, match="no such proposed fix"):
        ws.decide_fix(doc_id, 0, other, accept=True)
    assert ws.history(doc_id) == []


def test_manual_edit_is_kept_and_fixes_apply_inside_it(ws, doc_id):
    """After an edit, accepting a fix replaces its text in the edited target."""
    ws.set_target(doc_id, 0, "Today the big work is first-class.")
    seg = ws.decide_fix(doc_id, 0, WORK, accept=True)
    assert seg.target == "Today the big project is first-class."
    assert seg.edited


def test_confirm_stores_the_unit_and_propagates_to_identical_segments(ws, doc_id):
    """Confirming fills the memory and copies the target to identical MT segments as draft."""
    ws.decide_fix(doc_id, 0, WORK, accept=True)
    changed = ws.confirm(doc_id, 0)
    assert changed == [0, 2]
    twin = ws.segment(doc_id, 2)
    assert (twin.target, twin.status, twin.propagated) == (
        "The big project is first-class.",
        SegmentStatus.DRAFT,
        True,
    )
    [match] = ws.memory.exact(TEXTS[0])
    assert match.unit.target == "The big project is first-class."
    assert match.unit.origin.endswith("doc.txt")


def test_propagation_spares_edited_and_confirmed_segments(ws, doc_id):
    """A hand-edited twin keeps its edit; confirming again updates the memory unit."""
    ws.set_target(doc_id, 2, "My own wording.")
    ws.confirm(doc_id, 0)
    assert ws.segment(doc_id, 2).target == "My own wording."
    ws.confirm(doc_id, 2)
    assert ws.segment(doc_id, 0).target == "The big work is first-class."
    [match] = ws.memory.exact(TEXTS[0])
    assert match.unit.target == "My own wording."
    assert match.unit.usage_count == 2


def test_bilingual_confirmation_uses_the_real_source(ws, tmp_path):
    """In bilingual documents the memory unit's source is the source text."""
    doc = Document(
        segments=(Segment(0, "Hallo Welt.", source="Hello world."),),
        path=str(tmp_path / "bi.xlf"),
        source_language="en",
        target_language="de",
    )
    doc_id = ws.import_document(doc).id
    ws.confirm(doc_id, 0)
    [match] = ws.memory.exact("Hello world.", source_language="en", target_language="de")
    assert match.unit.target == "Hallo Welt."


def test_undo_and_redo_walk_the_actions(ws, doc_id):
    """Undo restores targets, status, decisions and the memory; redo brings them back."""
    ws.decide_fix(doc_id, 0, WORK, accept=True)
    ws.confirm(doc_id, 0)
    assert ws.undo(doc_id) == [2, 0]
    assert ws.segment(doc_id, 0).status is SegmentStatus.DRAFT
    assert ws.segment(doc_id, 2).target == "The big work is first-class."
    assert len(ws.memory) == 0
    assert ws.undo(doc_id) == [0]
    assert ws.segment(doc_id, 0).fixes[0].decision is None
    assert ws.undo(doc_id) == []
    assert ws.redo(doc_id) == [0]
    assert ws.redo(doc_id) == [0, 2]
    assert ws.segment(doc_id, 2).propagated
    assert ws.memory.exact(TEXTS[0])[0].unit.target == "The big project is first-class."
    assert not ws.can_redo(doc_id)


def test_a_new_action_clears_redo(ws, doc_id):
    """After undo, any new action makes the undone one unreachable."""
    ws.set_target(doc_id, 1, "Hi world.")
    ws.undo(doc_id)
    assert ws.can_redo(doc_id)
    ws.set_target(doc_id, 3, "Still nothing.")
    assert not ws.can_redo(doc_id)
    assert ws.redo(doc_id) == []
    assert ws.segment(doc_id, 1).target == "Hello world."


def test_undo_survives_a_restart(tmp_path):
    """Closing and reopening the workspace keeps the review and its undo history."""
    doc = make_document(tmp_path)
    with Workspace(tmp_path / "w.mtfix") as ws:
        doc_id = ws.import_document(doc, FIXES).id
        ws.set_target(doc_id, 1, "Hi world.")
        ws.confirm(doc_id, 1)
    with Workspace(tmp_path / "w.mtfix") as ws:
        assert ws.import_status(doc) is ImportStatus.UNCHANGED
        assert ws.import_document(doc, FIXES).id == doc_id
        assert ws.segment(doc_id, 1).status is SegmentStatus.CONFIRMED
        ws.undo(doc_id)
        ws.undo(doc_id)
    with Workspace(tmp_path / "w.mtfix") as ws:
        assert ws.segment(doc_id, 1).target == "Hello world."
        assert ws.redo(doc_id) == [1]
        causes = [r.cause for r in ws.history(doc_id)]
        assert causes == [
            RevisionCause.MANUAL_EDIT,
            RevisionCause.CONFIRMED,
            RevisionCause.UNDO,
            RevisionCause.UNDO,
            RevisionCause.REDO,
        ]


def test_changed_file_is_reported_and_reimport_keeps_unchanged_work(ws, tmp_path, doc_id):
    """A changed file is not silently resumed; re-import keeps work on unchanged segments."""
    ws.decide_fix(doc_id, 0, WORK, accept=True)
    ws.confirm(doc_id, 0)
    ws.set_target(doc_id, 1, "Hi world.")
    ws.confirm(doc_id, 1)
    changed = make_document(tmp_path, ["A new first line.", TEXTS[0], "Hello, world!", TEXTS[3]])
    assert ws.import_status(changed) is ImportStatus.CHANGED
    with pytest.raises(DocumentChangedError):
        ws.import_document(changed)
    info = ws.import_document(changed, {1: [WORK, HYPHEN]}, reimport=True)
    assert info.id == doc_id and info.segment_count == 4
    segs = ws.segments(doc_id)
    assert [s.status for s in segs] == [
        SegmentStatus.NEW,
        SegmentStatus.CONFIRMED,
        SegmentStatus.NEW,
        SegmentStatus.NEW,
    ]
    assert segs[1].target == "The big project is first-class."
    assert segs[1].fixes[0].decision is FixDecision.ACCEPTED
    assert segs[2].target == "Hello, world!"
    assert not ws.can_undo(doc_id)  # a re-import starts a new history


def test_export_of_an_untouched_document_is_identical(ws, tmp_path, doc_id):
    """Exporting with only MT text gives the document back exactly."""
    assert ws.export_text(doc_id, confirmed_only=True) == make_document(tmp_path).text()
    ws.confirm(doc_id, 1)
    assert ws.export_text(doc_id).splitlines()[1] == "The big work is first-class."


def test_segments_lists_every_segment_in_order(ws, doc_id):
    """segments() returns the whole document with fixes and progress counts agree."""
    segs = ws.segments(doc_id)
    assert [s.mt for s in segs] == TEXTS
    assert len(segs[0].fixes) == 2 and segs[1].fixes == ()
    ws.confirm(doc_id, 3)
    progress = ws.progress(doc_id)
    assert progress[SegmentStatus.CONFIRMED] == 1 and progress[SegmentStatus.NEW] == 3


def test_reject_segment(ws, doc_id):
    """A segment can be marked rejected and that is undoable."""
    assert ws.reject_segment(doc_id, 1).status is SegmentStatus.REJECTED
    ws.undo(doc_id)
    assert ws.segment(doc_id, 1).status is SegmentStatus.NEW
