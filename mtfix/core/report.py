"""The post-editing report: how far each segment moved from its MT, and what moved it.

For every segment and for the document as a whole the report gives the words, the
status, the character edit distance and the TER (translation edit rate, here HTER:
the MT scored against the final target as reference) between the MT text and the
final target, and splits the change between its sources:

- **fixes**: the glossary and pattern fixes accepted in the segment
  (MT -> MT with the accepted fixes applied);
- **tm**: a translation-memory match inserted by the reviewer
  (-> the text of the last ``tm match inserted`` revision still in effect);
- **propagated**: the target copied from an identical segment when it was confirmed
  (-> the text of the last ``propagated`` revision still in effect);
- **free**: free editing, everything else (-> the final target).

Each source is measured as the character edit distance of its step, so the four add
up to the length of the path MT -> fixed -> reused text -> final target, which is at
least the direct edit distance. Time spent is not measured by the workspace yet, so
the report says so instead of guessing.

Pure: it reads segment states and revisions, never the workspace itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Levenshtein

from mtfix.core.apply import apply_fixes
from mtfix.core.models import FixDecision, Revision, RevisionCause, SegmentState, SegmentStatus

TIME_NOT_MEASURED = "not measured: the document was not reviewed in the review UI"
TIME_MEASURED = ("measured by the review UI: the time each segment was highlighted "
                 "(a pause longer than {cap} seconds counts as {cap})")
"""What the report says about time spent: whether and how the review UI measured it."""

SOURCES = ("fixes", "tm", "propagated", "free")
"""The sources of change, in the order a segment goes through them."""

_REUSE = {RevisionCause.TM_MATCH: "tm", RevisionCause.PROPAGATED: "propagated"}
_AUDIT = {RevisionCause.UNDO, RevisionCause.REDO}


@dataclass(frozen=True, slots=True)
class ChangeSources:
    """How many characters of a change came from each source.

    Attributes:
        fixes: Edit distance from the MT to the MT with the accepted fixes.
        tm: Edit distance added by inserting a translation-memory match.
        propagated: Edit distance added by copying an identical confirmed segment.
        free: Edit distance of the free editing (everything else).
    """

    fixes: int = 0
    tm: int = 0
    propagated: int = 0
    free: int = 0

    @property
    def total(self) -> int:
        """The characters changed along the way, all sources together."""
        return self.fixes + self.tm + self.propagated + self.free

    def shares(self) -> dict[str, float]:
        """Each source's part of the change, from 0 to 1 (all 0 when nothing changed)."""
        total = self.total
        return {name: (getattr(self, name) / total if total else 0.0) for name in SOURCES}

    def __add__(self, other: ChangeSources) -> ChangeSources:
        return ChangeSources(*(getattr(self, n) + getattr(other, n) for n in SOURCES))


@dataclass(frozen=True, slots=True)
class SegmentFigures:
    """The post-editing figures of one segment.

    Attributes:
        index: Position of the segment, from 0.
        status: New, draft, confirmed or rejected.
        mt: The MT text.
        target: The final target.
        mt_words: Words of the MT text (split on white space).
        target_words: Words of the final target.
        edit_distance: Character edit distance (Levenshtein) from the MT to the target.
        ter: Translation edit rate in percent: word edits (shifts count as one) per
            word of the final target.
        ter_edits: The word edits behind ``ter``.
        sources: Where the change came from.
        accepted_fixes: Rule or concept id of every accepted fix, in text order.
        seconds: Time the review UI measured on the segment, None where not measured.
    """

    index: int
    status: SegmentStatus
    mt: str
    target: str
    mt_words: int
    target_words: int
    edit_distance: int
    ter: float
    ter_edits: float
    sources: ChangeSources
    accepted_fixes: tuple[str, ...] = ()
    seconds: float | None = None

    @property
    def changed(self) -> bool:
        """Whether the final target differs from the MT."""
        return self.mt != self.target


@dataclass(frozen=True, slots=True)
class RuleFigures:
    """How often the reviewer took or refused the fixes of one rule or concept.

    Attributes:
        rule: The concept id or rule id.
        kind: The kind of its fixes (term, pattern, fuzzy, tm).
        accepted: Fixes of the rule that are part of a target.
        rejected: Fixes of the rule the reviewer rejected.
    """

    rule: str
    kind: str
    accepted: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class Totals:
    """The figures of the whole document.

    Attributes:
        segments: Number of segments.
        changed_segments: Segments whose final target differs from the MT.
        statuses: Segments per status (every status present, possibly 0).
        mt_words: Words of the MT.
        target_words: Words of the final targets.
        edit_distance: Sum of the segments' character edit distances.
        mt_characters: Characters of the MT, to put ``edit_distance`` in proportion.
        ter: Document TER in percent: all word edits over all target words.
        ter_edits: The word edits behind ``ter``.
        sources: Where the change came from, summed over the segments.
        accepted_fixes: Accepted fixes in all segments.
    """

    segments: int
    changed_segments: int
    statuses: Mapping[str, int]
    mt_words: int
    target_words: int
    edit_distance: int
    mt_characters: int
    ter: float
    ter_edits: float
    sources: ChangeSources
    accepted_fixes: int


@dataclass(frozen=True, slots=True)
class PostEditReport:
    """The post-editing report of one document.

    Attributes:
        document: The document's path (its name in the workspace).
        segments: The figures of every segment, in order.
        totals: The figures of the document.
        rules: Accepted and rejected fixes per rule or concept, most accepted first.
        time_spent: Seconds of review, where the UI measured them; None (not measured).
        time_note: What ``time_spent`` means, for a reader of the report.
    """

    document: str
    segments: tuple[SegmentFigures, ...]
    totals: Totals
    rules: tuple[RuleFigures, ...]
    time_spent: float | None = None
    time_note: str = field(default=TIME_NOT_MEASURED)


def edit_distance(mt: str, target: str) -> int:
    """Characters inserted, deleted or substituted to turn ``mt`` into ``target``."""
    return Levenshtein.distance(mt, target)


def translation_edit_rate(mt: str, target: str) -> tuple[float, float, int]:
    """TER of the MT against the final target as reference (HTER), case-sensitive.

    Args:
        mt: The MT text (the hypothesis).
        target: The final target (the reference).

    Returns:
        The rate in percent, the word edits (shifts of a block count as one), and the
        words of the reference. An empty target scores 100 unless the MT is empty too.
    """
    if mt == target:  # most segments of a review; TER's shift search is the slow part
        return 0.0, 0.0, len(target.split())
    statistics = _ter().sentence_score(mt, [target])
    return statistics.score, statistics.num_edits, int(statistics.ref_length)


def effective_revisions(history: Iterable[Revision]) -> dict[int, list[Revision]]:
    """The revisions still in effect for each segment, oldest first.

    Undo and redo are replayed: an undone change is not in effect, a redone one is
    again, and a new action makes every undone change unreachable (as the workspace's
    undo stack does). The audit entries of undo and redo themselves are not changes.

    Args:
        history: Every revision of one document, oldest first
            (:meth:`mtfix.store.workspace.Workspace.history`).

    Returns:
        Segment index -> its effective revisions.
    """
    done: dict[int, list[Revision]] = {}
    undone: dict[int, list[Revision]] = {}
    last_action = None
    for revision in history:
        stack = done.setdefault(revision.index, [])
        if revision.cause is RevisionCause.UNDO:
            if stack:
                undone.setdefault(revision.index, []).append(stack.pop())
        elif revision.cause is RevisionCause.REDO:
            if undone.get(revision.index):
                stack.append(undone[revision.index].pop())
        else:
            if revision.action != last_action:
                undone.clear()  # a new action: nothing undone can be redone any more
                last_action = revision.action
            stack.append(revision)
    return done


def change_sources(segment: SegmentState, revisions: Sequence[Revision] = ()) -> ChangeSources:
    """Split the change from the segment's MT to its target between its sources.

    Args:
        segment: The segment as stored.
        revisions: Its revisions still in effect, oldest first
            (see :func:`effective_revisions`).

    Returns:
        The characters changed by the accepted fixes, by an inserted TM match or a
        propagated target, and by free editing.
    """
    try:
        fixed = apply_fixes(segment.mt, [p.fix for p in segment.fixes if p.accepted])
    except ValueError:
        fixed = segment.mt  # stored fixes that no longer describe the MT change nothing
    reused, source = _reused_text(segment, revisions)
    if reused is None:
        return ChangeSources(fixes=edit_distance(segment.mt, fixed), free=edit_distance(fixed, segment.target))
    steps = {"fixes": edit_distance(segment.mt, fixed), source: edit_distance(fixed, reused),
             "free": edit_distance(reused, segment.target)}
    return ChangeSources(**steps)


def _reused_text(segment: SegmentState, revisions: Sequence[Revision]) -> tuple[str | None, str]:
    """The text of the last TM insertion or propagation still in effect, and its source."""
    if not segment.edited or not revisions or revisions[-1].target_after != segment.target:
        # Not edited, or the trail does not end in the current target (the document was
        # re-imported since, and these revisions belong to another segment's past).
        return None, ""
    for revision in reversed(revisions):
        if revision.cause in _REUSE:
            return revision.target_after, _REUSE[revision.cause]
    return None, ""


def segment_figures(segment: SegmentState, revisions: Sequence[Revision] = ()) -> SegmentFigures:
    """The post-editing figures of one segment.

    Args:
        segment: The segment as stored.
        revisions: Its revisions still in effect, oldest first.
    """
    ter, ter_edits, _ = translation_edit_rate(segment.mt, segment.target)
    return SegmentFigures(
        index=segment.index,
        status=segment.status,
        mt=segment.mt,
        target=segment.target,
        mt_words=len(segment.mt.split()),
        target_words=len(segment.target.split()),
        edit_distance=edit_distance(segment.mt, segment.target),
        ter=ter,
        ter_edits=ter_edits,
        sources=change_sources(segment, revisions),
        accepted_fixes=tuple(p.fix.rule for p in segment.fixes if p.accepted),
    )


def rule_figures(segments: Iterable[SegmentState]) -> tuple[RuleFigures, ...]:
    """Accepted and rejected fixes per rule or concept, most accepted first."""
    accepted: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    kinds: dict[str, str] = {}
    for segment in segments:
        for proposed in segment.fixes:
            rule = proposed.fix.rule
            kinds.setdefault(rule, str(proposed.fix.kind))
            if proposed.accepted:
                accepted[rule] += 1
            elif proposed.decision is FixDecision.REJECTED:
                rejected[rule] += 1
    rules = [RuleFigures(rule, kinds[rule], accepted[rule], rejected[rule]) for rule in kinds]
    return tuple(sorted((r for r in rules if r.accepted or r.rejected),
                        key=lambda r: (-r.accepted, -r.rejected, r.rule)))


def build_report(
    document: str,
    segments: Sequence[SegmentState],
    history: Iterable[Revision] = (),
    times: Mapping[int, float] | None = None,
    *,
    idle_cap: float = 300.0,
) -> PostEditReport:
    """The post-editing report of a reviewed document.

    Args:
        document: The document's path, as the workspace names it.
        segments: Every segment of the document, in order.
        history: Every revision of the document, oldest first.
        times: Seconds the review UI measured per segment index, if any.
        idle_cap: The longest stretch the UI counts at once (for the report's note).
    """
    effective = effective_revisions(history)
    times = times or {}
    figures = tuple(replace(segment_figures(s, effective.get(s.index, ())), seconds=times.get(s.index))
                    for s in segments)
    statuses = Counter(f.status.value for f in figures)
    sources = ChangeSources()
    for f in figures:
        sources += f.sources
    ter_edits = sum(f.ter_edits for f in figures)
    target_words = sum(f.target_words for f in figures)
    totals = Totals(
        segments=len(figures),
        changed_segments=sum(f.changed for f in figures),
        statuses={status.value: statuses.get(status.value, 0) for status in SegmentStatus},
        mt_words=sum(f.mt_words for f in figures),
        target_words=target_words,
        edit_distance=sum(f.edit_distance for f in figures),
        mt_characters=sum(len(f.mt) for f in figures),
        ter=_rate(ter_edits, target_words),
        ter_edits=ter_edits,
        sources=sources,
        accepted_fixes=sum(len(f.accepted_fixes) for f in figures),
    )
    if not times:
        return PostEditReport(document, figures, totals, rule_figures(segments))
    return PostEditReport(document, figures, totals, rule_figures(segments), sum(times.values()),
                          TIME_MEASURED.format(cap=round(idle_cap)))


def _rate(edits: float, words: int) -> float:
    # sacrebleu's convention for an empty reference: 100 if anything must change, else 0.
    if words:
        return 100.0 * edits / words
    return 100.0 if edits else 0.0


_TER = None


def _ter():
    global _TER
    if _TER is None:
        # Imported on first use: sacrebleu takes a while to load and only the report needs it.
        from sacrebleu.metrics.ter import TER

        _TER = TER(case_sensitive=True)
    return _TER


__all__ = [
    "SOURCES",
    "TIME_MEASURED",
    "TIME_NOT_MEASURED",
    "ChangeSources",
    "PostEditReport",
    "RuleFigures",
    "SegmentFigures",
    "Totals",
    "build_report",
    "change_sources",
    "edit_distance",
    "effective_revisions",
    "rule_figures",
    "segment_figures",
    "translation_edit_rate",
]
