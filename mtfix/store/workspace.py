"""The workspace: documents under review, every decision stored the moment it is made.

One SQLite file (see :mod:`.db` for the connection and locking rules, :mod:`.schema` for the
tables) holds the documents, their segments, the proposed fixes and the reviewer's
decisions, every revision (for undo and audit) and the translation memory.

Usage::

    with Workspace("work.mtfix") as ws:
        info = ws.import_document(document, fixes)      # or resumes it if already there
        seg = ws.segment(info.id, 0)                     # SegmentState
        ws.decide_fix(info.id, 0, seg.fixes[0].fix, accept=False)
        ws.set_target(info.id, 0, "My own wording.")
        ws.confirm(info.id, 0)                           # TM unit + propagation
        ws.undo(info.id); ws.redo(info.id)

The model:
    - A segment's **target** is its MT text with the accepted fixes applied (a fix is
      accepted when the reviewer accepted it, or when it is automatic and not rejected),
      until the reviewer edits the target by hand (or inserts a TM match); from then on the
      edit is kept, and deciding a fix replaces its text in the edited target where found.
    - **Status**: ``new`` until anything changes, ``draft`` after a change, ``confirmed``
      by :meth:`Workspace.confirm`, ``rejected`` by :meth:`Workspace.reject_segment`.
    - **Fix decisions** are remembered per rule and context (the fix's text and 20
      characters either side in the MT text), so a rejected fix stays rejected in that
      segment when the fix engine proposes it again (:meth:`Workspace.update_fixes`,
      re-import).
    - **Actions**: every method that changes something is one reviewer action, one
      committed transaction and one undo step; :meth:`Workspace.undo` and
      :meth:`Workspace.redo` walk them per document, and survive a restart.
    - **Confirming** stores the segment in the memory (source: the real source in
      bilingual documents, else the MT text) and copies the target to every identical MT
      segment of the document that is new or draft and not edited by hand: those become
      ``draft`` and ``propagated``. Undoing the confirmation undoes all of it, the memory
      change included (unless the unit was changed again since).
    - **Opening again**: :meth:`Workspace.import_document` resumes a document whose file is
      unchanged; if the file changed it raises :class:`DocumentChangedError` unless asked
      to re-import, which keeps the work on every segment whose MT text is unchanged and
      starts a new undo history.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from mtfix.core.apply import apply_fixes
from mtfix.core.matching import text_hash
from mtfix.core.models import (
    Document,
    DocumentInfo,
    Finding,
    Fix,
    FixDecision,
    FixKind,
    ImportStatus,
    ProposedFix,
    Revision,
    RevisionCause,
    SegmentState,
    SegmentStatus,
    SegmentSummary,
)
from mtfix.store import memory as tm
from mtfix.store.db import Database, WorkspaceError
from mtfix.store.memory import TranslationMemory, now_iso

CONTEXT_CHARS = 20
"""Characters either side of a fix that identify it for its decision."""

_SEGMENT_COLUMNS = "id, idx, mt, source, separator, paragraph, unit_id, target, status, propagated, edited"
_FIX_COLUMNS = 'start, "end", before, after, rule, kind, applied, score, note, fix_key'


class DocumentChangedError(WorkspaceError):
    """The document changed on disk since it was imported; re-import to go on."""


def content_hash(document: Document) -> str:
    """SHA-256 of the document's text: what "the file changed" means."""
    return hashlib.sha256(document.text().encode("utf-8")).hexdigest()


def document_key(document: Document) -> str:
    """The identity of a document in the workspace: its absolute path (or its hash for stdin)."""
    if document.path and document.path != "-":
        return str(Path(document.path).resolve())
    return f"<stdin {content_hash(document)[:16]}>"


def fix_key(mt: str, fix: Fix) -> str:
    """The identity of a fix for its decision: rule, change, and context in the MT text."""
    left = mt[max(0, fix.start - CONTEXT_CHARS) : fix.start]
    right = mt[fix.end : fix.end + CONTEXT_CHARS]
    raw = "\x1f".join((fix.rule, fix.before, fix.after, left, right))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


class _Row:
    """A segment row being changed inside one action."""

    __slots__ = ("id", "index", "mt", "source", "target", "status", "propagated", "edited")

    def __init__(self, row: tuple):
        self.id, self.index, self.mt, self.source = row[0], row[1], row[2], row[3]
        self.target, self.status = row[7], SegmentStatus(row[8])
        self.propagated, self.edited = bool(row[9]), bool(row[10])

    def state(self) -> tuple:
        return (self.target, self.status, self.propagated, self.edited)


class Workspace:
    """Documents, segments, decisions, revisions and the memory, in one file.

    Args:
        path: The workspace file; created if missing, upgraded if older.
    """

    def __init__(self, path: str | Path):
        self.db = Database(path)
        self.memory = TranslationMemory(self.db)
        """The translation memory held in the same file."""

    @property
    def path(self) -> Path:
        """The workspace file."""
        return self.db.path

    def close(self) -> None:
        """Close the file (every action is already committed)."""
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- documents --------------------------------------------------------------------
    def import_status(self, document: Document) -> ImportStatus:
        """Whether the document is new to the workspace, unchanged, or changed on disk."""
        row = self.db.connection().execute(
            "SELECT content_hash FROM documents WHERE path = ?", (document_key(document),)
        ).fetchone()
        if row is None:
            return ImportStatus.NEW
        return ImportStatus.UNCHANGED if row[0] == content_hash(document) else ImportStatus.CHANGED

    def import_document(
        self,
        document: Document,
        fixes: Mapping[int, Sequence[Fix]] | None = None,
        *,
        reimport: bool = False,
    ) -> DocumentInfo:
        """Import a document, or resume it if the workspace already has it unchanged.

        Args:
            document: The segmented document.
            fixes: Proposed fixes per segment index (offsets into the segment's text).
            reimport: If the file changed since it was imported, import it again, keeping
                target, status and decisions of every segment whose MT text (and source) is
                unchanged. Without it, a changed file raises :class:`DocumentChangedError`.

        Returns:
            The document as stored.
        """
        fixes = fixes or {}
        key = document_key(document)
        digest = content_hash(document)
        with self.db.write() as conn:
            row = conn.execute("SELECT id, content_hash FROM documents WHERE path = ?", (key,)).fetchone()
            if row is None:
                document_id = self._insert_document(conn, document, key, digest)
                self._insert_segments(conn, document_id, document, fixes, carried={})
            elif row[1] == digest:
                document_id = row[0]
            elif not reimport:
                raise DocumentChangedError(
                    "the file changed since it was imported into the workspace; re-import it "
                    "to go on (confirmed work on unchanged segments is kept)",
                    document.path,
                )
            else:
                document_id = row[0]
                self._reimport(conn, document_id, document, digest, fixes)
            return _document_info(conn, document_id)

    def _insert_document(self, conn, document: Document, key: str, digest: str) -> int:
        now = now_iso()
        return conn.execute(
            "INSERT INTO documents(path, format, source_language, target_language, content_hash, prefix, "
            "encoding, bom, created, changed) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (key, document.format, document.source_language, document.target_language, digest,
             document.prefix, document.encoding, int(document.bom), now, now),
        ).lastrowid

    def _insert_segments(self, conn, document_id: int, document: Document, fixes, carried: dict) -> None:
        next_id = conn.execute("SELECT coalesce(max(id), 0) FROM segments").fetchone()[0] + 1
        segment_rows, fix_rows, decision_rows = [], [], []
        # A bilingual file may arrive with segments already translated or approved (XLIFF
        # state, PO fuzzy flag): they start the review as the file says.
        file_statuses = document.metadata.get("statuses") or [None] * len(document.segments)
        for segment in document.segments:
            proposed = list(fixes.get(segment.index, ()))
            keys = [fix_key(segment.text, f) for f in proposed]
            old = carried.get(segment.index)
            decisions = old["decisions"] if old else {}
            accepted = [
                f for f, k in zip(proposed, keys, strict=True)
                if ProposedFix(f, _decision(decisions.get(k, ("", None))[1])).accepted
            ]
            target = apply_fixes(segment.text, accepted)
            status, propagated, edited = SegmentStatus(file_statuses[segment.index] or "new"), 0, 0
            if old:
                status = old["status"]
                if old["edited"] or status is SegmentStatus.CONFIRMED:
                    target = old["target"]
                    propagated, edited = old["propagated"], old["edited"]
            segment_rows.append(
                (next_id, document_id, segment.index, segment.text, segment.source, segment.separator,
                 segment.paragraph, segment.id, text_hash(segment.text), target, status.value,
                 propagated, edited, len(segment.text.split()))
            )
            for ordinal, (f, k) in enumerate(zip(proposed, keys, strict=True)):
                fix_rows.append((next_id, ordinal, f.start, f.end, f.before, f.after, f.rule, str(f.kind),
                                 int(f.applied), f.score, f.note, k))
            for k, (rule, decision) in decisions.items():
                decision_rows.append((next_id, k, rule, decision))
            next_id += 1
        conn.executemany(
            "INSERT INTO segments(id, document_id, idx, mt, source, separator, paragraph, unit_id, mt_hash, "
            "target, status, propagated, edited, words) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            segment_rows,
        )
        conn.executemany(
            f"INSERT INTO fixes(segment_id, ordinal, {_FIX_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", fix_rows
        )
        conn.executemany(
            "INSERT INTO decisions(segment_id, fix_key, rule, decision) VALUES (?,?,?,?)", decision_rows
        )

    def _reimport(self, conn, document_id: int, document: Document, digest: str, fixes) -> None:
        old_by_text: dict[tuple, deque] = defaultdict(deque)
        decisions_by_segment: dict[int, dict] = defaultdict(dict)
        for segment_id, k, rule, decision in conn.execute(
            "SELECT d.segment_id, d.fix_key, d.rule, d.decision FROM decisions d "
            "JOIN segments s ON s.id = d.segment_id WHERE s.document_id = ?",
            (document_id,),
        ):
            decisions_by_segment[segment_id][k] = (rule, decision)
        for row in conn.execute(
            f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE document_id = ? ORDER BY idx", (document_id,)
        ):
            old = _Row(row)
            old_by_text[(old.mt, old.source)].append(
                {"target": old.target, "status": old.status, "propagated": int(old.propagated),
                 "edited": int(old.edited), "decisions": decisions_by_segment.get(old.id, {})}
            )
        carried = {}
        for segment in document.segments:
            queue = old_by_text.get((segment.text, segment.source))
            if queue:
                carried[segment.index] = queue.popleft()
        conn.execute("DELETE FROM segments WHERE document_id = ?", (document_id,))
        conn.execute(
            "UPDATE actions SET state = 'dropped' WHERE document_id = ? AND state IN ('done', 'undone')",
            (document_id,),
        )
        conn.execute(
            "UPDATE documents SET content_hash = ?, format = ?, source_language = ?, target_language = ?, "
            "prefix = ?, encoding = ?, bom = ?, generation = generation + 1, changed = ? WHERE id = ?",
            (digest, document.format, document.source_language, document.target_language, document.prefix,
             document.encoding, int(document.bom), now_iso(), document_id),
        )
        self._insert_segments(conn, document_id, document, fixes, carried)

    def document(self, document_id: int) -> DocumentInfo:
        """The document with this id."""
        return _document_info(self.db.connection(), document_id)

    def find_document(self, path: str | Path) -> DocumentInfo | None:
        """The document imported from ``path``, if any."""
        row = self.db.connection().execute(
            "SELECT id FROM documents WHERE path = ?", (str(Path(path).resolve()),)
        ).fetchone()
        return self.document(row[0]) if row else None

    def documents(self) -> list[DocumentInfo]:
        """Every document in the workspace, in import order."""
        conn = self.db.connection()
        return [_document_info(conn, r[0]) for r in conn.execute("SELECT id FROM documents ORDER BY id")]

    def update_fixes(self, document_id: int, fixes: Mapping[int, Sequence[Fix]]) -> list[int]:
        """Replace the proposed fixes of segments (the fix engine ran again, e.g. a new glossary).

        Decisions are kept: a fix rejected before stays rejected. Targets of segments that
        are neither confirmed nor edited by hand follow the new fixes. Segments whose
        proposed fixes did not change are left alone, so passing every segment is cheap.
        This is not an undo step.

        Returns:
            The indices of segments whose target changed.
        """
        changed = []
        with self.db.write() as conn:
            mts = dict(conn.execute("SELECT idx, mt FROM segments WHERE document_id = ?", (document_id,)))
            stored: dict[int, list[tuple[str, int]]] = defaultdict(list)
            for index, key, applied in conn.execute(
                "SELECT s.idx, f.fix_key, f.applied FROM fixes f JOIN segments s ON s.id = f.segment_id "
                "WHERE s.document_id = ? ORDER BY s.idx, f.ordinal",
                (document_id,),
            ):
                stored[index].append((key, applied))
            for index, proposed in sorted(fixes.items()):
                if index not in mts:
                    raise WorkspaceError(f"document {document_id} has no segment {index + 1}")
                keys = [fix_key(mts[index], f) for f in proposed]
                if [(k, int(f.applied)) for k, f in zip(keys, proposed, strict=True)] == stored.get(index, []):
                    continue  # the engine proposes what it proposed before
                row = _load_row(conn, document_id, index)
                conn.execute("DELETE FROM fixes WHERE segment_id = ?", (row.id,))
                conn.executemany(
                    f"INSERT INTO fixes(segment_id, ordinal, {_FIX_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(row.id, n, f.start, f.end, f.before, f.after, f.rule, str(f.kind), int(f.applied),
                      f.score, f.note, k) for n, (f, k) in enumerate(zip(proposed, keys, strict=True))],
                )
                if row.edited or row.status is SegmentStatus.CONFIRMED:
                    continue
                target = apply_fixes(row.mt, [p.fix for p in _proposed(conn, row.id) if p.accepted])
                if target != row.target:
                    conn.execute("UPDATE segments SET target = ? WHERE id = ?", (target, row.id))
                    changed.append(index)
        return changed

    # --- reading ----------------------------------------------------------------------
    def segments(self, document_id: int) -> list[SegmentState]:
        """Every segment of the document, in order (three queries whatever the size)."""
        with self.db.read() as conn:
            fixes: dict[int, list[tuple]] = defaultdict(list)
            for row in conn.execute(
                f"SELECT f.segment_id, {', '.join('f.' + c for c in _FIX_COLUMNS.split(', '))} FROM fixes f "
                "JOIN segments s ON s.id = f.segment_id WHERE s.document_id = ? ORDER BY f.segment_id, f.ordinal",
                (document_id,),
            ):
                fixes[row[0]].append(row[1:])
            decisions: dict[int, dict[str, str]] = defaultdict(dict)
            for segment_id, k, decision in conn.execute(
                "SELECT d.segment_id, d.fix_key, d.decision FROM decisions d "
                "JOIN segments s ON s.id = d.segment_id WHERE s.document_id = ?",
                (document_id,),
            ):
                decisions[segment_id][k] = decision
            rows = conn.execute(
                f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE document_id = ? ORDER BY idx", (document_id,)
            ).fetchall()
        return [_state(document_id, row, fixes.get(row[0], ()), decisions.get(row[0], {})) for row in rows]

    def overview(self, document_id: int) -> list[SegmentSummary]:
        """Status, words and open fixes of every segment, in order, without their text.

        One query, fast enough to open a document of 100,000 segments at once; the
        review then reads each segment in full (:meth:`segment`) when it is shown.
        """
        conn = self.db.connection()
        open_fixes = dict(conn.execute(
            "SELECT s.idx, count(*) FROM fixes f JOIN segments s ON s.id = f.segment_id "
            "WHERE s.document_id = ? AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.segment_id = "
            "f.segment_id AND d.fix_key = f.fix_key AND d.decision = 'rejected') GROUP BY s.id",
            (document_id,),
        ))
        statuses = {status.value: status for status in SegmentStatus}
        return [
            SegmentSummary(index, statuses[status], words, open_fixes.get(index, 0))
            for index, status, words in conn.execute(
                "SELECT idx, status, words FROM segments WHERE document_id = ? ORDER BY idx", (document_id,)
            )
        ]

    def fix_rules(self, document_id: int) -> dict[str, int]:
        """How many fixes each rule or concept proposes in the document, most first."""
        rows = self.db.connection().execute(
            "SELECT f.rule, count(*) AS n FROM fixes f JOIN segments s ON s.id = f.segment_id "
            "WHERE s.document_id = ? GROUP BY f.rule ORDER BY n DESC, f.rule",
            (document_id,),
        )
        return dict(rows.fetchall())

    # --- time spent ---------------------------------------------------------------------
    def add_time(self, document_id: int, index: int, seconds: float) -> None:
        """Add ``seconds`` of review to a segment (measured by the UI; not an undo step)."""
        with self.db.write() as conn:
            conn.execute("UPDATE segments SET seconds = seconds + ? WHERE document_id = ? AND idx = ?",
                         (seconds, document_id, index))

    def times(self, document_id: int) -> dict[int, float]:
        """Seconds of review measured on each segment that has any."""
        return dict(self.db.connection().execute(
            "SELECT idx, seconds FROM segments WHERE document_id = ? AND seconds > 0", (document_id,)))

    # --- QA dismissals ----------------------------------------------------------------
    def dismiss_finding(self, document_id: int, index: int, finding: Finding, excerpt: str, reason: str) -> None:
        """Remember that a QA finding of a segment is not a problem, and why.

        A dismissed finding (the same check on the same text) is not shown again for
        that segment. This is an annotation, not an undo step.

        Args:
            document_id: The document.
            index: The segment.
            finding: The finding dismissed.
            excerpt: The text the finding points at: what makes it the same finding later.
            reason: Why it is not a problem, in the reviewer's words.
        """
        with self.db.write() as conn:
            row = _load_row(conn, document_id, index)
            conn.execute(
                "INSERT OR REPLACE INTO dismissals(segment_id, check_id, excerpt, reason, created) "
                "VALUES (?,?,?,?,?)",
                (row.id, finding.check, excerpt, reason, now_iso()),
            )

    def dismissals(self, document_id: int) -> dict[int, dict[tuple[str, str], str]]:
        """Dismissed findings per segment index: (check, excerpt) -> reason."""
        found: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
        for index, check, excerpt, reason in self.db.connection().execute(
            "SELECT s.idx, d.check_id, d.excerpt, d.reason FROM dismissals d "
            "JOIN segments s ON s.id = d.segment_id WHERE s.document_id = ?",
            (document_id,),
        ):
            found[index][(check, excerpt)] = reason
        return dict(found)

    def find_segments(self, document_id: int, text: str) -> list[int]:
        """Indices of the segments whose MT text, source or target contains ``text``.

        Case is ignored for ASCII letters (SQLite's LIKE).
        """
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.connection().execute(
            "SELECT idx FROM segments WHERE document_id = ?1 AND (mt LIKE ?2 ESCAPE '\\' "
            "OR target LIKE ?2 ESCAPE '\\' OR coalesce(source, '') LIKE ?2 ESCAPE '\\') ORDER BY idx",
            (document_id, pattern),
        )
        return [r[0] for r in rows]

    def segment(self, document_id: int, index: int) -> SegmentState:
        """One segment."""
        with self.db.read() as conn:
            return _segment_state(conn, document_id, index)

    def progress(self, document_id: int) -> dict[SegmentStatus, int]:
        """How many segments have each status."""
        counts = dict.fromkeys(SegmentStatus, 0)
        for status, n in self.db.connection().execute(
            "SELECT status, count(*) FROM segments WHERE document_id = ? GROUP BY status", (document_id,)
        ):
            counts[SegmentStatus(status)] = n
        return counts

    def history(self, document_id: int) -> list[Revision]:
        """Every revision of the document's segments, oldest first (the audit trail)."""
        rows = self.db.connection().execute(
            "SELECT r.id, r.action_id, r.document_id, r.idx, r.cause, r.target_before, r.target_after, "
            "r.status_before, r.status_after, r.created, a.state FROM revisions r "
            "JOIN actions a ON a.id = r.action_id WHERE r.document_id = ? ORDER BY r.id",
            (document_id,),
        ).fetchall()
        return [
            Revision(r[0], r[1], r[2], r[3], RevisionCause(r[4]), r[5], r[6], SegmentStatus(r[7]),
                     SegmentStatus(r[8]), r[9], undone=r[10] == "undone")
            for r in rows
        ]

    def can_undo(self, document_id: int) -> bool:
        """Whether :meth:`undo` has something to undo."""
        return _stack_top(self.db.connection(), document_id, "done") is not None

    def can_redo(self, document_id: int) -> bool:
        """Whether :meth:`redo` has something to redo."""
        return _stack_top(self.db.connection(), document_id, "undone") is not None

    def export_text(self, document_id: int, *, confirmed_only: bool = False) -> str:
        """The document with every target (or, with ``confirmed_only``, MT text where unconfirmed)."""
        with self.db.read() as conn:
            prefix = conn.execute("SELECT prefix FROM documents WHERE id = ?", (document_id,)).fetchone()
            if prefix is None:
                raise WorkspaceError(f"no document {document_id} in the workspace", self.path)
            parts = [prefix[0]]
            for mt, target, status, separator in conn.execute(
                "SELECT mt, target, status, separator FROM segments WHERE document_id = ? ORDER BY idx",
                (document_id,),
            ):
                keep = not confirmed_only or status == SegmentStatus.CONFIRMED
                parts.append((target if keep else mt) + separator)
        return "".join(parts)

    # --- actions: each is one transaction and one undo step ---------------------------------
    def decide_fix(self, document_id: int, index: int, fix: Fix, accept: bool) -> SegmentState:
        """Accept or reject one proposed fix of a segment."""
        return self.decide_fixes(document_id, index, [fix], accept)

    def decide_fixes(
        self, document_id: int, index: int, fixes: Iterable[Fix] | None, accept: bool
    ) -> SegmentState:
        """Accept or reject several proposed fixes of a segment (all of them if ``fixes`` is None)."""
        cause = RevisionCause.FIX_ACCEPTED if accept else RevisionCause.FIX_REJECTED
        with self.db.write() as conn:
            row = _load_row(conn, document_id, index)
            proposed = _proposed(conn, row.id)
            by_key = {fix_key(row.mt, p.fix): p for p in proposed}
            wanted = [fix_key(row.mt, f) for f in fixes] if fixes is not None else list(by_key)
            for k in wanted:
                if k not in by_key:
                    raise WorkspaceError(f"segment {index + 1} has no such proposed fix", self.path)
            action = _begin_action(conn, document_id, cause)
            decision = FixDecision.ACCEPTED if accept else FixDecision.REJECTED
            for k in wanted:
                current = by_key[k]
                if current.decision is decision:
                    continue
                updated = ProposedFix(current.fix, decision)
                by_key[k] = updated
                target = row.target
                if row.edited:
                    if updated.accepted and not current.accepted:
                        target = _replace_near(target, current.fix.before, current.fix.after, current.fix.start)
                    elif current.accepted and not updated.accepted:
                        target = _replace_near(target, current.fix.after, current.fix.before, current.fix.start)
                else:
                    target = apply_fixes(row.mt, [p.fix for p in by_key.values() if p.accepted])
                status = SegmentStatus.DRAFT
                _change(conn, action, document_id, row, cause, (target, status, row.propagated, row.edited),
                        decision=(k, current.fix.rule, current.decision, decision))
            return _segment_state(conn, document_id, index)

    def set_target(
        self, document_id: int, index: int, text: str, *, cause: RevisionCause = RevisionCause.MANUAL_EDIT
    ) -> SegmentState:
        """Replace the target (a manual edit, or a TM match inserted with ``cause=TM_MATCH``)."""
        with self.db.write() as conn:
            row = _load_row(conn, document_id, index)
            if text != row.target:
                action = _begin_action(conn, document_id, cause)
                _change(conn, action, document_id, row, cause, (text, SegmentStatus.DRAFT, False, True))
            return _segment_state(conn, document_id, index)

    def reject_segment(self, document_id: int, index: int) -> SegmentState:
        """Mark the segment as rejected (unusable as it stands)."""
        with self.db.write() as conn:
            row = _load_row(conn, document_id, index)
            if row.status is not SegmentStatus.REJECTED:
                action = _begin_action(conn, document_id, RevisionCause.SEGMENT_REJECTED)
                _change(conn, action, document_id, row, RevisionCause.SEGMENT_REJECTED,
                        (row.target, SegmentStatus.REJECTED, row.propagated, row.edited))
            return _segment_state(conn, document_id, index)

    def confirm(self, document_id: int, index: int, *, propagate: bool = True) -> list[int]:
        """Confirm a segment: store it in the memory and propagate it to identical segments.

        Args:
            document_id: The document.
            index: The segment.
            propagate: Copy the target to identical MT segments of the document that are
                new or draft and not edited by hand (they become propagated drafts).

        Returns:
            The indices of every segment changed (the confirmed one first).
        """
        with self.db.write() as conn:
            row = _load_row(conn, document_id, index)
            info = _document_info(conn, document_id)
            action = _begin_action(conn, document_id, RevisionCause.CONFIRMED)
            _change(conn, action, document_id, row, RevisionCause.CONFIRMED,
                    (row.target, SegmentStatus.CONFIRMED, False, row.edited))
            bilingual = row.source is not None
            change = tm.record_confirmation(
                conn,
                row.source if bilingual else row.mt,
                row.target,
                info.source_language if bilingual else info.target_language,
                info.target_language,
                info.path,
            )
            conn.execute("UPDATE actions SET tm_change = ? WHERE id = ?", (json.dumps(change), action))
            changed = [index]
            if propagate:
                for other in conn.execute(
                    f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE document_id = ? AND mt_hash = ? "
                    "AND idx != ? AND status IN ('new', 'draft') AND (edited = 0 OR propagated = 1) ORDER BY idx",
                    (document_id, text_hash(row.mt), index),
                ).fetchall():
                    twin = _Row(other)
                    if twin.mt != row.mt or twin.source != row.source or twin.target == row.target and twin.propagated:
                        continue
                    _change(conn, action, document_id, twin, RevisionCause.PROPAGATED,
                            (row.target, SegmentStatus.DRAFT, True, True))
                    changed.append(twin.index)
            return changed

    def undo(self, document_id: int) -> list[int]:
        """Undo the document's last action; returns the indices of the segments it restored."""
        return self._walk(document_id, undo=True)

    def redo(self, document_id: int) -> list[int]:
        """Redo the last undone action; returns the indices of the segments it changed again."""
        return self._walk(document_id, undo=False)

    def _walk(self, document_id: int, *, undo: bool) -> list[int]:
        with self.db.write() as conn:
            top = _stack_top(conn, document_id, "done" if undo else "undone")
            if top is None:
                return []
            action_id, tm_change = top
            revisions = conn.execute(
                "SELECT idx, target_before, target_after, status_before, status_after, propagated_before, "
                "propagated_after, edited_before, edited_after, decision_key, decision_rule, decision_before, "
                f"decision_after FROM revisions WHERE action_id = ? ORDER BY id {'DESC' if undo else 'ASC'}",
                (action_id,),
            ).fetchall()
            cause = RevisionCause.UNDO if undo else RevisionCause.REDO
            audit = _begin_action(conn, document_id, cause, state="audit", reverts=action_id)
            changed = []
            for r in revisions:
                row = _load_row(conn, document_id, r[0])
                if undo:
                    state = (r[1], SegmentStatus(r[3]), bool(r[5]), bool(r[7]))
                    decision = (r[9], r[10], _decision(r[12]), _decision(r[11])) if r[9] else None
                else:
                    state = (r[2], SegmentStatus(r[4]), bool(r[6]), bool(r[8]))
                    decision = (r[9], r[10], _decision(r[11]), _decision(r[12])) if r[9] else None
                _change(conn, audit, document_id, row, cause, state, decision=decision)
                if r[0] not in changed:
                    changed.append(r[0])
            if tm_change:
                change = json.loads(tm_change)
                if undo:
                    tm.revert_confirmation(conn, change)
                else:
                    origin = _document_info(conn, document_id).path
                    change = tm.redo_confirmation(conn, change, origin)
                    conn.execute("UPDATE actions SET tm_change = ? WHERE id = ?", (json.dumps(change), action_id))
            conn.execute("UPDATE actions SET state = ? WHERE id = ?", ("undone" if undo else "done", action_id))
            return changed


# --- helpers on a connection -----------------------------------------------------------------


def _decision(value: str | None) -> FixDecision | None:
    return FixDecision(value) if value else None


def _document_info(conn: sqlite3.Connection, document_id: int) -> DocumentInfo:
    row = conn.execute(
        "SELECT id, path, format, source_language, target_language, content_hash, created, changed, prefix, "
        "encoding, bom, (SELECT count(*) FROM segments WHERE document_id = documents.id) FROM documents WHERE id = ?",
        (document_id,),
    ).fetchone()
    if row is None:
        raise WorkspaceError(f"no document {document_id} in the workspace")
    return DocumentInfo(
        id=row[0], path=row[1], format=row[2], source_language=row[3], target_language=row[4],
        content_hash=row[5], segment_count=row[11], created=row[6], changed=row[7], prefix=row[8],
        encoding=row[9], bom=bool(row[10]),
    )


def _load_row(conn: sqlite3.Connection, document_id: int, index: int) -> _Row:
    row = conn.execute(
        f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE document_id = ? AND idx = ?", (document_id, index)
    ).fetchone()
    if row is None:
        raise WorkspaceError(f"document {document_id} has no segment {index + 1}")
    return _Row(row)


def _fix_from_row(r: Sequence) -> Fix:
    return Fix(start=r[0], end=r[1], before=r[2], after=r[3], rule=r[4], kind=FixKind(r[5]),
               applied=bool(r[6]), score=r[7], note=r[8])


def _proposed(conn: sqlite3.Connection, segment_id: int) -> list[ProposedFix]:
    decisions = dict(conn.execute("SELECT fix_key, decision FROM decisions WHERE segment_id = ?", (segment_id,)))
    return [
        ProposedFix(_fix_from_row(r), _decision(decisions.get(r[9])))
        for r in conn.execute(
            f"SELECT {_FIX_COLUMNS} FROM fixes WHERE segment_id = ? ORDER BY ordinal", (segment_id,)
        )
    ]


def _state(document_id: int, row: tuple, fixes: Iterable[Sequence], decisions: Mapping[str, str]) -> SegmentState:
    return SegmentState(
        document_id=document_id,
        index=row[1],
        mt=row[2],
        target=row[7],
        status=SegmentStatus(row[8]),
        propagated=bool(row[9]),
        edited=bool(row[10]),
        fixes=tuple(ProposedFix(_fix_from_row(f), _decision(decisions.get(f[9]))) for f in fixes),
        separator=row[4],
        paragraph=row[5],
        source=row[3],
        id=row[6],
    )


def _segment_state(conn: sqlite3.Connection, document_id: int, index: int) -> SegmentState:
    row = conn.execute(
        f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE document_id = ? AND idx = ?", (document_id, index)
    ).fetchone()
    if row is None:
        raise WorkspaceError(f"document {document_id} has no segment {index + 1}")
    fixes = conn.execute(f"SELECT {_FIX_COLUMNS} FROM fixes WHERE segment_id = ? ORDER BY ordinal", (row[0],))
    decisions = dict(conn.execute("SELECT fix_key, decision FROM decisions WHERE segment_id = ?", (row[0],)))
    return _state(document_id, row, fixes.fetchall(), decisions)


def _generation(conn: sqlite3.Connection, document_id: int) -> int:
    row = conn.execute("SELECT generation FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        raise WorkspaceError(f"no document {document_id} in the workspace")
    return row[0]


def _stack_top(conn: sqlite3.Connection, document_id: int, state: str) -> tuple[int, str | None] | None:
    # done actions are undone newest first; undone ones are redone oldest first
    order = "DESC" if state == "done" else "ASC"
    return conn.execute(
        f"SELECT id, tm_change FROM actions WHERE document_id = ? AND generation = ? AND state = ? "
        f"ORDER BY id {order} LIMIT 1",
        (document_id, _generation(conn, document_id), state),
    ).fetchone()


def _begin_action(
    conn: sqlite3.Connection, document_id: int, cause: RevisionCause, *, state: str = "done", reverts: int | None = None
) -> int:
    generation = _generation(conn, document_id)
    if state == "done":  # a new action makes the undone ones unreachable
        conn.execute(
            "UPDATE actions SET state = 'dropped' WHERE document_id = ? AND generation = ? AND state = 'undone'",
            (document_id, generation),
        )
    return conn.execute(
        "INSERT INTO actions(document_id, generation, cause, state, reverts, created) VALUES (?,?,?,?,?,?)",
        (document_id, generation, cause.value, state, reverts, now_iso()),
    ).lastrowid


def _change(
    conn: sqlite3.Connection,
    action: int,
    document_id: int,
    row: _Row,
    cause: RevisionCause,
    after: tuple,
    *,
    decision: tuple | None = None,
) -> None:
    """Write a segment's new (target, status, propagated, edited) and its revision."""
    target, status, propagated, edited = after
    conn.execute(
        "UPDATE segments SET target = ?, status = ?, propagated = ?, edited = ? WHERE id = ?",
        (target, status.value, int(propagated), int(edited), row.id),
    )
    decision_values: tuple = (None, None, None, None)
    if decision is not None:
        k, rule, before, after_decision = decision
        if after_decision is None:
            conn.execute("DELETE FROM decisions WHERE segment_id = ? AND fix_key = ?", (row.id, k))
        else:
            conn.execute(
                "INSERT INTO decisions(segment_id, fix_key, rule, decision) VALUES (?,?,?,?) "
                "ON CONFLICT(segment_id, fix_key) DO UPDATE SET decision = excluded.decision",
                (row.id, k, rule, after_decision.value),
            )
        decision_values = (k, rule, before.value if before else None,
                           after_decision.value if after_decision else None)
    conn.execute(
        "INSERT INTO revisions(action_id, document_id, idx, cause, target_before, target_after, status_before, "
        "status_after, propagated_before, propagated_after, edited_before, edited_after, decision_key, "
        "decision_rule, decision_before, decision_after, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (action, document_id, row.index, cause.value, row.target, target, row.status.value, status.value,
         int(row.propagated), int(propagated), int(row.edited), int(edited), *decision_values, now_iso()),
    )
    row.target, row.status, row.propagated, row.edited = target, status, bool(propagated), bool(edited)


def _replace_near(text: str, old: str, new: str, position: int) -> str:
    """``text`` with the occurrence of ``old`` nearest to ``position`` replaced by ``new``."""
    if not old:
        return text[:position] + new + text[position:] if position <= len(text) else text + new
    best = -1
    start = text.find(old)
    while start != -1:
        if best == -1 or abs(start - position) < abs(best - position):
            best = start
        start = text.find(old, start + 1)
    if best == -1:
        return text
    return text[:best] + new + text[best + len(old):]
