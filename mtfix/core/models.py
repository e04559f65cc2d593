"""The domain objects of mtfix: documents, segments, glossaries and fixes.

Everything here is a frozen dataclass so that the engine, the store and the UI
can pass these objects around without defensive copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TermStatus(StrEnum):
    """How a glossary term may be used (TBX ``administrativeStatus``)."""

    PREFERRED = "preferred"
    ADMITTED = "admitted"
    DEPRECATED = "deprecated"
    SUPERSEDED = "superseded"

    @property
    def is_allowed(self) -> bool:
        """True for terms that are correct as they stand and must be protected."""
        return self in (TermStatus.PREFERRED, TermStatus.ADMITTED)


class FixKind(StrEnum):
    """Where a proposed fix comes from."""

    TERM = "term"
    PATTERN = "pattern"
    FUZZY = "fuzzy"
    TM = "tm"


@dataclass(frozen=True, slots=True)
class Term:
    """One rendering of a concept in one language.

    Attributes:
        text: The term as written in the glossary.
        status: Whether the term is preferred, admitted, deprecated or superseded.
        language: BCP 47 language tag of the term ("en", "zh-CN"...).
        note: A free note for the translator (usage, source of the decision).
        auto_apply: False when a fix to this term needs a reviewer's eye
            (the term is also ordinary language elsewhere, e.g. "the big work").
    """

    text: str
    status: TermStatus = TermStatus.PREFERRED
    language: str = "en"
    note: str = ""
    auto_apply: bool = True


@dataclass(frozen=True, slots=True)
class Concept:
    """A thing with one official name and any number of wrong ones.

    Attributes:
        id: Stable identifier, used as the rule name of the fixes it produces.
        terms: Every term of the concept in every language, in glossary order.
        note: A definition or note on the concept as a whole.
    """

    id: str
    terms: tuple[Term, ...]
    note: str = ""

    def terms_in(self, language: str) -> tuple[Term, ...]:
        """The terms whose language is ``language`` or one of its regional variants."""
        return tuple(t for t in self.terms if language_matches(t.language, language))

    def preferred(self, language: str = "en") -> Term | None:
        """The first preferred term in ``language``, else the first admitted one."""
        terms = self.terms_in(language)
        for status in (TermStatus.PREFERRED, TermStatus.ADMITTED):
            for term in terms:
                if term.status is status:
                    return term
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern rule for an MT artefact, with the examples that prove it.

    Attributes:
        id: Stable identifier, used as the rule name of the fixes it produces.
        pattern: A Python regular expression.
        replacement: The replacement, with ``\\1`` or ``\\g<name>`` group references.
        description: What the rule repairs, in a translator's words.
        must_match: Texts the pattern must find something in.
        must_not_match: Texts the pattern must leave alone.
        ignore_case: Match case-insensitively.
        auto_apply: False when each fix needs a reviewer's decision.
    """

    id: str
    pattern: str
    replacement: str
    description: str = ""
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()
    ignore_case: bool = False
    auto_apply: bool = True


class Severity(StrEnum):
    """How much a QA finding matters, from most to least."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        """2 for critical, 1 for major, 0 for minor: compare with ``>=``."""
        return {"critical": 2, "major": 1, "minor": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Check:
    """A user's QA check: a pattern that must not occur in a target.

    Attributes:
        id: The check's name; its findings are reported as ``regex:<id>``.
        pattern: A Python regular expression.
        message: What a match means, in a translator's words.
        severity: How much a match matters.
        ignore_case: Match case-insensitively.
    """

    id: str
    pattern: str
    message: str
    severity: Severity = Severity.MINOR
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Glossary:
    """Concepts, pattern rules and QA checks, possibly merged from several files.

    Attributes:
        concepts: The terminology, in file order.
        rules: The pattern rules, in file order (earlier rules win overlaps).
        sources: The files the glossary was read from.
        checks: The user's QA checks (``[[check]]`` tables of mtfix TOML files).
    """

    concepts: tuple[Concept, ...] = ()
    rules: tuple[Rule, ...] = ()
    sources: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    def merged(self, other: Glossary) -> Glossary:
        """This glossary followed by ``other``."""
        return Glossary(
            self.concepts + other.concepts,
            self.rules + other.rules,
            self.sources + other.sources,
            self.checks + other.checks,
        )


@dataclass(frozen=True, slots=True, init=False)
class Fix:
    """A proposed change to one span of one segment's text.

    Attributes:
        start: Offset of the first changed character in the segment text.
        end: Offset just after the last changed character.
        before: The text of the span, ``text[start:end]``.
        after: What the span becomes.
        rule: The concept id or rule id that proposed the fix.
        kind: Term, pattern, fuzzy (near miss) or TM.
        applied: Whether the fix is applied without a reviewer's decision.
        score: Similarity (0-100) for fuzzy fixes, else None.
        note: Why: the concept's or rule's note, shown to the reviewer.
    """

    start: int
    end: int
    before: str
    after: str
    rule: str
    kind: FixKind
    applied: bool = True
    score: float | None = None
    note: str = ""

    def __init__(self, start: int, end: int, before: str, after: str, rule: str, kind: FixKind,
                 applied: bool = True, score: float | None = None, note: str = "") -> None:
        # The fix engine makes one of these per fix it finds: setting the slots directly
        # costs half of what the generated __init__ of a frozen class does (a call of
        # object.__setattr__ per field), and the instance is just as frozen afterwards.
        _set_start(self, start)
        _set_end(self, end)
        _set_before(self, before)
        _set_after(self, after)
        _set_rule(self, rule)
        _set_kind(self, kind)
        _set_applied(self, applied)
        _set_score(self, score)
        _set_note(self, note)


(_set_start, _set_end, _set_before, _set_after, _set_rule, _set_kind, _set_applied, _set_score,
 _set_note) = (Fix.__dict__[name].__set__ for name in Fix.__slots__)


@dataclass(frozen=True, slots=True)
class Segment:
    """One unit of review: a sentence (or paragraph) and what follows it.

    Attributes:
        index: Position in the document, from 0.
        text: The text of the segment (for plain text, the MT English).
        separator: The exact characters between this segment and the next.
        paragraph: Index of the paragraph the segment belongs to.
        source: The source-language text in bilingual documents, else None.
        id: The unit id of formats that have one (XLIFF, PO), else "".
    """

    index: int
    text: str
    separator: str = ""
    paragraph: int = 0
    source: str | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A document split into segments, losslessly.

    Attributes:
        segments: The segments in order.
        prefix: Characters before the first segment (leading blank lines).
        encoding: The encoding the file was read with.
        bom: Whether the file started with a byte-order mark.
        path: Where the document was read from, if anywhere.
        format: The format name ("text", "xliff", ...).
        source_language: Language of the source text.
        target_language: Language of the target text.
    """

    segments: tuple[Segment, ...]
    prefix: str = ""
    encoding: str = "utf-8"
    bom: bool = False
    path: str | None = None
    format: str = "text"
    source_language: str = "en"
    target_language: str = "en"
    metadata: dict = field(default_factory=dict, compare=False)

    def text(self) -> str:
        """The document text: the prefix, then each segment and its separator."""
        return self.prefix + "".join(s.text + s.separator for s in self.segments)


def language_matches(tag: str, wanted: str) -> bool:
    """Whether language tag ``tag`` belongs to ``wanted`` ("en-GB" belongs to "en").

    Args:
        tag: The tag of a term or document.
        wanted: The tag asked for; a bare language matches all its regions.
    """
    tag, wanted = tag.lower().replace("_", "-"), wanted.lower().replace("_", "-")
    return tag == wanted or tag.startswith(wanted + "-")


# --- Workspace and translation memory (issue 3) -------------------------------------------


class SegmentStatus(StrEnum):
    """Where a segment stands in the review."""

    NEW = "new"
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class FixDecision(StrEnum):
    """What the reviewer decided about one proposed fix."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RevisionCause(StrEnum):
    """Why a segment's target or status changed (the audit trail of the workspace)."""

    FIX_ACCEPTED = "fix accepted"
    FIX_REJECTED = "fix rejected"
    MANUAL_EDIT = "manual edit"
    TM_MATCH = "tm match inserted"
    CONFIRMED = "confirmed"
    SEGMENT_REJECTED = "segment rejected"
    PROPAGATED = "propagated"
    UNDO = "undo"
    REDO = "redo"


class ImportStatus(StrEnum):
    """How a document on disk compares with what the workspace holds."""

    NEW = "new"
    UNCHANGED = "unchanged"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class ProposedFix:
    """A fix proposed for a segment together with the reviewer's decision.

    Attributes:
        fix: The fix, with offsets into the segment's MT text.
        decision: Accepted or rejected by the reviewer, or None while undecided.
    """

    fix: Fix
    decision: FixDecision | None = None

    @property
    def accepted(self) -> bool:
        """Whether the fix is part of the target: accepted, or automatic and not rejected."""
        if self.decision is None:
            return self.fix.applied
        return self.decision is FixDecision.ACCEPTED


@dataclass(frozen=True, slots=True)
class SegmentState:
    """One segment as the review sees it: MT text, current target and status.

    Attributes:
        document_id: The workspace id of the document.
        index: Position of the segment in the document, from 0.
        mt: The machine-translated text, as imported.
        target: The current target: the MT text with accepted fixes, then manual edits.
        status: New, draft, confirmed or rejected.
        propagated: True when the target was copied from an identical confirmed segment.
        edited: True when the reviewer typed (or inserted a TM match into) the target.
        fixes: The proposed fixes with their decisions, in MT-text order.
        separator: The characters between this segment and the next.
        paragraph: Index of the paragraph the segment belongs to.
        source: The source-language text in bilingual documents, else None.
        id: The unit id of formats that have one, else "".
    """

    document_id: int
    index: int
    mt: str
    target: str
    status: SegmentStatus = SegmentStatus.NEW
    propagated: bool = False
    edited: bool = False
    fixes: tuple[ProposedFix, ...] = ()
    separator: str = ""
    paragraph: int = 0
    source: str | None = None
    id: str = ""

    @property
    def open_fixes(self) -> tuple[ProposedFix, ...]:
        """The fixes still to show the reviewer: every fix not rejected."""
        return tuple(f for f in self.fixes if f.decision is not FixDecision.REJECTED)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document held in the workspace.

    Attributes:
        id: Workspace id.
        path: Where the document was read from (its identity in the workspace).
        format: The format name ("text", "xliff", ...).
        source_language: Language of the source text.
        target_language: Language of the target text.
        content_hash: SHA-256 of the document text when it was (re-)imported.
        segment_count: Number of segments.
        created: When it was first imported (ISO 8601, UTC).
        changed: When it was last imported (ISO 8601, UTC).
        prefix: Characters before the first segment.
        encoding: Encoding the file was read with.
        bom: Whether the file started with a byte-order mark.
    """

    id: int
    path: str
    format: str
    source_language: str
    target_language: str
    content_hash: str
    segment_count: int
    created: str
    changed: str
    prefix: str = ""
    encoding: str = "utf-8"
    bom: bool = False


@dataclass(frozen=True, slots=True)
class Revision:
    """One change of one segment, kept for undo and audit.

    Attributes:
        id: Increasing id (order of the changes).
        action: Id of the reviewer action the change belongs to (one key press).
        document_id: The document.
        index: The segment's position.
        cause: Why the segment changed.
        target_before: The target before the change.
        target_after: The target after the change.
        status_before: The status before the change.
        status_after: The status after the change.
        created: When (ISO 8601, UTC).
        undone: True while the action is undone (it can be redone).
    """

    id: int
    action: int
    document_id: int
    index: int
    cause: RevisionCause
    target_before: str
    target_after: str
    status_before: SegmentStatus
    status_after: SegmentStatus
    created: str
    undone: bool = False


@dataclass(frozen=True, slots=True)
class TmUnit:
    """A translation unit: a source sentence and its approved translation.

    In monolingual post-editing the source is the raw MT sentence and the target the
    approved one; in bilingual work the source is the real source text. Inline codes of
    interchange formats appear in the text as placeholders (``<g1>``, ``</g1>``, ``<x2/>``,
    ``<h3>``); ``extra`` keeps what a format needs to write them back.

    Attributes:
        source: The source text.
        target: The target text.
        source_language: BCP 47 tag of the source.
        target_language: BCP 47 tag of the target.
        origin: The document (or memory file) the unit came from.
        created: When the unit was created (ISO 8601, UTC, e.g. "2024-05-01T10:00:00Z").
        changed: When the unit was last changed.
        usage_count: How often the unit was confirmed or used.
        notes: Free notes on the unit.
        properties: (type, value) pairs (TMX ``prop``).
        id: The memory's id of the unit, None before it is stored.
        extra: Format-specific data kept for round trips (inline codes, TMX attributes).
    """

    source: str
    target: str
    source_language: str = "en"
    target_language: str = "en"
    origin: str = ""
    created: str = ""
    changed: str = ""
    usage_count: int = 0
    notes: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    id: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class MatchExplanation:
    """Why a memory unit matched a query, in terms a reviewer can check.

    Attributes:
        char_similarity: Character similarity, 0-100 (rapidfuzz ``fuzz.ratio``).
        word_similarity: Word similarity, 0-100 (the same measure over words).
        missing: Words of the query that the unit's source lacks.
        extra: Words of the unit's source that the query lacks.
    """

    char_similarity: float
    word_similarity: float
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [f"chars {self.char_similarity:.0f}%", f"words {self.word_similarity:.0f}%"]
        if self.missing:
            parts.append("query has " + ", ".join(self.missing))
        if self.extra:
            parts.append("memory has " + ", ".join(self.extra))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class TmMatch:
    """A memory unit found for a query, with its score.

    Attributes:
        unit: The unit.
        score: Similarity of the query and the unit's source, 0-100 (100: exact).
        explanation: Character and word similarity and the differing words.
        exact: True when the normalised texts are identical.
    """

    unit: TmUnit
    score: float
    explanation: MatchExplanation
    exact: bool = False


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    """What the review needs to know of every segment up front: no text, so it is cheap.

    Attributes:
        index: Position of the segment in the document, from 0.
        status: New, draft, confirmed or rejected.
        words: Number of words of the MT text.
        open_fixes: Proposed fixes not rejected.
    """

    index: int
    status: SegmentStatus
    words: int
    open_fixes: int


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a QA check found in one segment's target.

    Attributes:
        check: The check's id ("double_space", "regex:no-chinese"...).
        severity: How much it matters.
        message: What is wrong, in a sentence.
        start: Offset of the span in the target (or in the source, see ``in_source``).
        end: Offset just after the span.
        in_source: True when the span points into the source text.
    """

    check: str
    severity: Severity
    message: str
    start: int = 0
    end: int = 0
    in_source: bool = False
