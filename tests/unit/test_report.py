"""The post-editing figures: edit distance, TER, and where each change came from."""

from __future__ import annotations

import pytest

from mtfix.core.models import (
    Fix,
    FixDecision,
    FixKind,
    ProposedFix,
    Revision,
    RevisionCause,
    SegmentState,
    SegmentStatus,
)
from mtfix.core.report import (
    TIME_NOT_MEASURED,
    build_report,
    change_sources,
    effective_revisions,
    segment_figures,
    translation_edit_rate,
)

MT = "The Dalian University of Science and Technology signed 80 agreements."
PREFERRED = "Dalian University of Technology"
DEPRECATED = "Dalian University of Science and Technology"
FIX = Fix(4, 4 + len(DEPRECATED), DEPRECATED, PREFERRED, "dut", FixKind.TERM)
FIXED = MT.replace(FIX.before, PREFERRED)


def segment(target=MT, *, index=0, fixes=(), edited=False, status=SegmentStatus.DRAFT, mt=MT):
    return SegmentState(0, index, mt, target, status=status, edited=edited, fixes=tuple(fixes))


_ids = iter(range(1, 10_000))


def revision(cause, before, after, *, index=0, action=None, undone=False):
    number = next(_ids)
    return Revision(number, action if action is not None else number, 0, index, cause, before, after,
                    SegmentStatus.NEW, SegmentStatus.DRAFT, "2024-05-01T10:00:00Z", undone)


def test_untouched_segment_has_no_distance_and_no_ter():
    """A segment left as the MT has it scores 0 everywhere."""
    figures = segment_figures(segment(status=SegmentStatus.NEW))
    assert figures.edit_distance == 0
    assert figures.ter == 0.0
    assert figures.sources.total == 0
    assert set(figures.sources.shares().values()) == {0.0}
    assert not figures.changed


def test_glossary_fix_alone_is_all_fixes():
    """A segment changed only by an accepted glossary fix owes 100% of its change to fixes."""
    state = segment(FIXED, fixes=[ProposedFix(FIX, FixDecision.ACCEPTED)])
    figures = segment_figures(state)
    assert figures.edit_distance > 0
    assert figures.sources.fixes == figures.edit_distance
    assert figures.sources.shares() == {"fixes": 1.0, "tm": 0.0, "propagated": 0.0, "free": 0.0}
    assert figures.accepted_fixes == ("dut",)


def test_rejected_fix_changes_nothing():
    """A rejected fix is not part of the target and not counted as an edit."""
    state = segment(MT, fixes=[ProposedFix(FIX, FixDecision.REJECTED)])
    assert change_sources(state).total == 0
    assert segment_figures(state).accepted_fixes == ()


def test_tm_insertion_then_manual_edit_are_split():
    """The TM match owes its own change, the typing after it the rest."""
    tm_text = "Dalian University of Technology signed 80 agreements."
    final = "Dalian University of Technology signed 80 new agreements."
    history = [revision(RevisionCause.TM_MATCH, MT, tm_text),
               revision(RevisionCause.MANUAL_EDIT, tm_text, final)]
    sources = change_sources(segment(final, edited=True), history)
    assert sources.fixes == 0
    assert sources.tm == len(MT) - len(tm_text)  # the TM text is the MT with words deleted
    assert sources.free == len(" new")
    assert sources.shares()["tm"] == pytest.approx(sources.tm / (sources.tm + 4))


def test_manual_edit_after_fix_splits_fix_and_free_editing():
    """Fix first, then one word typed: the fix and the typing each get their characters."""
    final = FIXED.replace("80", "eighty")
    state = segment(final, edited=True, fixes=[ProposedFix(FIX, FixDecision.ACCEPTED)])
    history = [revision(RevisionCause.FIX_ACCEPTED, MT, FIXED), revision(RevisionCause.MANUAL_EDIT, FIXED, final)]
    sources = change_sources(state, history)
    assert sources.fixes == segment_figures(segment(FIXED)).edit_distance
    assert sources.free == 6  # "80" -> "eighty": two substitutions, four insertions
    assert sources.tm == 0


def test_undone_tm_insertion_is_not_counted():
    """A TM match that was undone (and then replaced by typing) owes nothing."""
    tm_text = "A memory sentence."
    final = MT + " Indeed."
    history = [
        revision(RevisionCause.TM_MATCH, MT, tm_text, action=1),
        revision(RevisionCause.UNDO, tm_text, MT, action=2),
        revision(RevisionCause.MANUAL_EDIT, MT, final, action=3),  # drops the undone insertion
        revision(RevisionCause.REDO, MT, MT, action=4),  # nothing left to redo: no effect
    ]
    effective = effective_revisions(history)
    assert [r.cause for r in effective[0]] == [RevisionCause.MANUAL_EDIT]
    sources = change_sources(segment(final, edited=True), effective[0])
    assert sources.tm == 0 and sources.free == len(" Indeed.")


def test_redone_tm_insertion_counts_again():
    """Undo then redo leaves the TM insertion in effect."""
    tm_text = "Dalian University of Technology signed 80 agreements."
    history = [
        revision(RevisionCause.TM_MATCH, MT, tm_text, action=1),
        revision(RevisionCause.UNDO, tm_text, MT, action=2),
        revision(RevisionCause.REDO, MT, tm_text, action=3),
    ]
    effective = effective_revisions(history)
    assert change_sources(segment(tm_text, edited=True), effective[0]).tm > 0


def test_revisions_of_another_past_are_ignored():
    """Revisions that do not end in the current target (a re-import since) attribute nothing to TM."""
    history = [revision(RevisionCause.TM_MATCH, MT, "Something else entirely.")]
    final = MT + "!"
    sources = change_sources(segment(final, edited=True), history)
    assert sources.tm == 0 and sources.free == 1


def test_propagated_target_is_its_own_source():
    """A target copied from an identical confirmed segment is not the reviewer's free editing."""
    final = "Copied from the twin segment."
    sources = change_sources(segment(final, edited=True), [revision(RevisionCause.PROPAGATED, MT, final)])
    assert sources.propagated > 0 and sources.free == 0


def test_ter_counts_word_edits_case_sensitively():
    """TER: word edits per word of the final target; a capital letter is an edit."""
    assert translation_edit_rate("the cat sat", "The cat sat down") == (50.0, 2, 4)
    assert translation_edit_rate("a b c d", "c d a b")[1] == 1  # one block shift
    assert translation_edit_rate("", "")[0] == 0.0


def test_report_totals_and_rules():
    """Totals add the segments up; the document TER is all edits over all target words."""
    fixed = segment(FIXED, index=0, fixes=[ProposedFix(FIX, FixDecision.ACCEPTED)])
    untouched = segment(index=1, status=SegmentStatus.NEW, fixes=[ProposedFix(FIX, FixDecision.REJECTED)])
    typed = segment("Short.", index=2, mt="Too long.", edited=True, status=SegmentStatus.CONFIRMED)
    history = [revision(RevisionCause.MANUAL_EDIT, "Too long.", "Short.", index=2)]
    report = build_report("doc.txt", [fixed, untouched, typed], history)
    totals = report.totals
    assert totals.segments == 3 and totals.changed_segments == 2
    assert totals.statuses == {"new": 1, "draft": 1, "confirmed": 1, "rejected": 0}
    assert totals.edit_distance == sum(f.edit_distance for f in report.segments)
    assert totals.ter == pytest.approx(100 * totals.ter_edits / totals.target_words)
    assert totals.sources.free == report.segments[2].edit_distance
    assert totals.sources.fixes == report.segments[0].edit_distance
    assert [(r.rule, r.accepted, r.rejected) for r in report.rules] == [("dut", 1, 1)]
    assert totals.accepted_fixes == 1
    assert report.time_spent is None and report.time_note == TIME_NOT_MEASURED


def test_time_measured_by_the_ui_is_reported_per_segment_and_in_total():
    """Seconds the UI recorded appear per segment and in total, with how they were measured."""
    from mtfix.core.models import SegmentState
    from mtfix.core.report import build_report

    segments = [SegmentState(1, 0, "A b.", "A b."), SegmentState(1, 1, "C d.", "C e.")]
    unmeasured = build_report("doc.txt", segments)
    assert unmeasured.time_spent is None and "not measured" in unmeasured.time_note
    measured = build_report("doc.txt", segments, times={1: 42.5}, idle_cap=300)
    assert measured.time_spent == 42.5
    assert [f.seconds for f in measured.segments] == [None, 42.5]
    assert "300 seconds" in measured.time_note
