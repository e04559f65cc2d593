"""Fixing a whole document at once, and the report of what was done."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mtfix.core.apply import apply_fixes
from mtfix.core.glossary import FixEngine
from mtfix.core.models import Document, Fix, Segment


@dataclass(frozen=True, slots=True)
class FixedSegment:
    """A segment, the fixes proposed for it, and its text with the applied ones.

    Attributes:
        segment: The segment as read.
        fixes: Every fix proposed, applied or only suggested.
        target: The segment text with the applied fixes.
    """

    segment: Segment
    fixes: tuple[Fix, ...]
    target: str


def fix_document(document: Document, engine: FixEngine) -> list[FixedSegment]:
    """Find and apply the fixes of every segment of ``document``."""
    fixed = []
    found = engine.find_fixes_in([segment.text for segment in document.segments])
    for segment, proposed in zip(document.segments, found):
        fixes = tuple(proposed)
        target = apply_fixes(segment.text, (f for f in fixes if f.applied))
        fixed.append(FixedSegment(segment, fixes, target))
    return fixed


def fix_report(fixed: list[FixedSegment]) -> dict:
    """The ``--report`` JSON: every fix, and a summary (see ARCHITECTURE.md).

    Segments are numbered from 1, as in the review UI; offsets are into the
    segment's MT text.
    """
    fixes = [
        {
            "segment": item.segment.index + 1,
            "start": fix.start,
            "end": fix.end,
            "before": fix.before,
            "after": fix.after,
            "rule": fix.rule,
            "kind": str(fix.kind),
            "applied": fix.applied,
            **({"score": fix.score} if fix.score is not None else {}),
        }
        for item in fixed
        for fix in item.fixes
    ]
    return {"fixes": fixes, "summary": summarize(fixed)}


def summarize(fixed: list[FixedSegment]) -> dict:
    """Counts of segments and fixes, by kind and by rule."""
    every = [fix for item in fixed for fix in item.fixes]
    applied = [fix for fix in every if fix.applied]
    return {
        "segments": len(fixed),
        "segments_changed": sum(1 for item in fixed if item.target != item.segment.text),
        "fixes": len(every),
        "applied": len(applied),
        "suggested": len(every) - len(applied),
        "by_kind": dict(Counter(str(f.kind) for f in every).most_common()),
        "by_rule": dict(Counter(f.rule for f in every).most_common()),
    }


def summary_line(summary: dict) -> str:
    """The one-line summary printed on stderr."""
    kinds = ", ".join(f"{kind} {n}" for kind, n in summary["by_kind"].items()) or "none"
    rules = ", ".join(f"{rule} {n}" for rule, n in summary["by_rule"].items())
    line = (
        f"{summary['applied']} fixes applied in {summary['segments_changed']} of {summary['segments']} segments, "
        f"{summary['suggested']} suggested ({kinds})"
    )
    return f"{line}: {rules}" if rules else line
