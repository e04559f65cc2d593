"""The translation memory: confirmed (source, target) pairs, found again exactly or fuzzily.

Usage::

    with TranslationMemory("work.mtfix") as tm:
        tm.add(TmUnit("The big work starts.", "The major project starts.", "en", "en"))
        for match in tm.lookup("The big work starts now.", threshold=70, limit=5):
            print(match.score, match.unit.target, match.explanation)

API:
    - :meth:`TranslationMemory.add` one unit; :meth:`~TranslationMemory.import_units` many,
      in one transaction (a failing iterator imports nothing); :meth:`~TranslationMemory.import_tmx`
      a TMX file, the same way, reading it in a second process when a core is free
      (:mod:`.tm_import`, :mod:`.tm_rows`).
    - :meth:`~TranslationMemory.exact`: units whose normalised source is identical (hash).
    - :meth:`~TranslationMemory.fuzzy`: the top ``limit`` units scoring ``threshold`` or
      more, found through the persisted word index (:mod:`.tm_index`) and scored with
      rapidfuzz (:mod:`mtfix.core.matching`); ties are broken by unit id, so the answer
      is the same on every run.
    - :meth:`~TranslationMemory.lookup`: exact matches first, then fuzzy ones.
    - :meth:`~TranslationMemory.search`: concordance, every unit whose source or target
      contains a phrase (case-insensitive for ASCII letters).
    - :meth:`~TranslationMemory.units`, :meth:`~TranslationMemory.stats`.

Identity of a unit: adding a unit identical to a stored one (same source, target and
languages) merges them (earliest creation, latest change, highest usage count). Confirming
a segment (:func:`record_confirmation`, used by the workspace) updates the unit with the same
source and languages instead of adding an alternative translation.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from mtfix.core.matching import (
    canonical_language,
    explain,
    explain_matches,
    normalise,
    normalise_many,
    rescore,
    text_hash,
)
from mtfix.core.models import TmMatch, TmUnit, language_matches
from mtfix.store import tm_import, tm_index, tm_rows
from mtfix.store.db import Database
from mtfix.store.memory_base import MemoryBackend
from mtfix.store.tm_rows import unit_fields

DEFAULT_THRESHOLD = 70.0

CHILD_BYTES = 4_000_000
"""TMX files this large (about 10,000 units) or larger are read in a second process: below,
starting it costs more than it saves."""

_COLUMNS = (
    "id, source, target, source_language, target_language, origin, created, changed, "
    "usage_count, notes, properties, extra"
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did.

    Attributes:
        added: Units added.
        merged: Units identical to stored ones, merged into them.
        reader_peak_mb: The peak memory of the process that read the file, when it was
            read in a second one (:meth:`TranslationMemory.import_tmx`); else 0.
    """

    added: int
    merged: int
    reader_peak_mb: float = 0.0


@dataclass(frozen=True, slots=True)
class MemoryStats:
    """The size of a memory.

    Attributes:
        units: Number of units.
        language_pairs: ((source language, target language), units) pairs, largest first.
        origins: Number of distinct origins (documents and files).
        indexed_words: Number of distinct words in the fuzzy index.
    """

    units: int
    language_pairs: tuple[tuple[tuple[str, str], int], ...]
    origins: int
    indexed_words: int


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601 ("2024-05-01T10:00:00Z")."""
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unit_from_row(row: tuple) -> TmUnit:
    notes = tuple(json.loads(row[9])) if row[9] != "[]" else ()
    properties = tuple(tuple(p) for p in json.loads(row[10])) if row[10] != "[]" else ()
    extra = json.loads(row[11]) if row[11] != "{}" else {}
    return TmUnit(
        source=row[1],
        target=row[2],
        source_language=row[3],
        target_language=row[4],
        origin=row[5],
        created=row[6],
        changed=row[7],
        usage_count=row[8],
        notes=notes,
        properties=properties,
        id=row[0],
        extra=extra,
    )


def _language_clause(column: str, tag: str | None, params: list) -> str:
    if not tag:
        return ""
    params.extend([tag.lower(), tag.lower() + "-%"])
    return f" AND (lower({column}) = ? OR lower({column}) LIKE ?)"


class TranslationMemory(MemoryBackend):
    """The memory held in a workspace file (the :class:`MemoryBackend` on SQLite).

    Args:
        db: A :class:`~mtfix.store.db.Database`, or the path of the workspace file.
    """

    def __init__(self, db: Database | str | Path):
        self._owns_db = not isinstance(db, Database)
        self.db = Database(db) if self._owns_db else db

    def close(self) -> None:
        """Close the file if this object opened it."""
        if self._owns_db:
            self.db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self.db.connection().execute("SELECT count(*) FROM tm_units").fetchone()[0]

    # --- writing ----------------------------------------------------------------------
    def add(self, unit: TmUnit) -> TmUnit:
        """Store one unit (merged into an identical one if there is one); returns it with its id."""
        with self.db.write() as conn:
            unit_id = _add(conn, unit)
            return _get(conn, unit_id)

    def import_units(
        self,
        units: Iterable[TmUnit],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Store many units in one transaction: all of them, or none if ``units`` raises.

        Args:
            units: The units (for instance :func:`mtfix.formats.tmx.read_tmx`).
            progress: Called with the number of units read so far, every few thousand.
        """
        with self.db.write() as conn:
            return _import(conn, tm_import.prepare(map(unit_fields, units), now_iso()), progress)

    def import_tmx(
        self,
        source: str | Path | BinaryIO,
        *,
        source_language: str | None = None,
        target_language: str | None = None,
        progress: Callable[[int], None] | None = None,
        in_child: bool | None = None,
    ) -> ImportResult:
        """Import a TMX file in one transaction: all its units, or none if it is broken.

        The same as ``import_units(read_tmx(source, ...))``, faster: a large file is read
        and prepared in a second process while this one writes (:mod:`.tm_import`).

        Args:
            source: The file, or an open binary stream.
            source_language: Import only units with this source language.
            target_language: Import only translations into this language.
            progress: Called with the number of units read so far, every few thousand.
            in_child: Read in a second process (default: when the file is a path of
                :data:`CHILD_BYTES` or more and a core is free, :func:`.tm_import.spare_core`).

        Raises:
            FormatError: The file is not a TMX file or is broken; the error names the line.
        """
        if in_child is None:
            in_child = (not hasattr(source, "read") and Path(source).is_file()
                        and Path(source).stat().st_size >= CHILD_BYTES and tm_import.spare_core())
        now = now_iso()
        if in_child:
            batches = tm_import.TmxBatches(source, now=now, source_language=source_language,
                                           target_language=target_language)
        else:
            from mtfix.formats.tmx import read_tmx_fields

            batches = tm_import.prepare(read_tmx_fields(source, source_language=source_language,
                                                        target_language=target_language), now)
        with self.db.write() as conn:
            result = _import(conn, batches, progress)
        if in_child:
            return dataclasses.replace(result, reader_peak_mb=batches.reader_peak_mb)
        return result

    def delete(self, unit_id: int) -> bool:
        """Remove one unit; returns whether it existed."""
        with self.db.write() as conn:
            return conn.execute("DELETE FROM tm_units WHERE id = ?", (unit_id,)).rowcount > 0

    def rebuild_index(self) -> None:
        """Rebuild the fuzzy index from the units (repair; never needed in normal use)."""
        with self.db.write() as conn:
            tm_index.rebuild(conn)

    # --- reading ----------------------------------------------------------------------
    def get(self, unit_id: int) -> TmUnit | None:
        """The unit with this id, or None."""
        return _get(self.db.connection(), unit_id)

    def units(self, *, source_language: str | None = None, target_language: str | None = None) -> Iterator[TmUnit]:
        """Every unit (optionally of one language pair), in id order, streamed."""
        params: list = []
        where = _language_clause("source_language", source_language, params)
        where += _language_clause("target_language", target_language, params)
        conn = self.db.connection()
        last = 0
        while True:  # pages, so no read transaction stays open while the caller works
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM tm_units WHERE id > ?{where} ORDER BY id LIMIT 2000",
                [last, *params],
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _unit_from_row(row)
            last = rows[-1][0]

    def units_with_sources(self, hashes: Iterable[int]) -> list[TmUnit]:
        """Every unit whose source has one of these :func:`text_hash` values, in id order."""
        hashes = list(dict.fromkeys(hashes))
        found: list[TmUnit] = []
        conn = self.db.connection()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.extend(_unit_from_row(r) for r in conn.execute(
                f"SELECT {_COLUMNS} FROM tm_units WHERE source_hash IN ({marks})", chunk))
        return sorted(found, key=lambda u: u.id)

    def update_units(self, units: Iterable[TmUnit]) -> int:
        """Overwrite target, origin, dates and usage count of stored units (by id), in one transaction."""
        rows = [(u.target, u.origin, u.created, u.changed, u.usage_count, u.id) for u in units]
        with self.db.write() as conn:
            return conn.executemany(
                "UPDATE tm_units SET target = ?, origin = ?, created = ?, changed = ?, usage_count = ? "
                "WHERE id = ?", rows).rowcount

    def exact(
        self, text: str, *, source_language: str | None = None, target_language: str | None = None
    ) -> list[TmMatch]:
        """Units whose source is identical to ``text`` once normalised; most recent first."""
        with self.db.read() as conn:
            return _exact(conn, text, source_language, target_language)

    def fuzzy(
        self,
        text: str,
        *,
        source_language: str | None = None,
        target_language: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[TmMatch]:
        """The ``limit`` best units scoring ``threshold`` or more (exact ones included).

        Args:
            text: The segment to find matches for.
            source_language: Only units with this source language (or a regional variant).
            target_language: Only units with this target language (or a regional variant).
            threshold: Lowest score (0-100) returned.
            limit: Most matches returned.

        Returns:
            Matches, best first; equal scores in unit-id order.
        """
        with self.db.read() as conn:
            return _fuzzy(conn, text, source_language, target_language, threshold, limit)

    def lookup(
        self,
        text: str,
        *,
        source_language: str | None = None,
        target_language: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[TmMatch]:
        """Exact matches first, then the best fuzzy ones, ``limit`` in all."""
        with self.db.read() as conn:
            found = _exact(conn, text, source_language, target_language)
            seen = {m.unit.id for m in found}
            for match in _fuzzy(conn, text, source_language, target_language, threshold, limit):
                if match.unit.id not in seen:
                    found.append(match)
            return found[:limit]

    def search(
        self,
        phrase: str,
        *,
        source_language: str | None = None,
        target_language: str | None = None,
        limit: int | None = 100,
    ) -> list[TmUnit]:
        """Concordance: units whose source or target contains ``phrase`` (ASCII case ignored)."""
        escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        params: list = [pattern, pattern]
        where = _language_clause("source_language", source_language, params)
        where += _language_clause("target_language", target_language, params)
        sql = (
            f"SELECT {_COLUMNS} FROM tm_units WHERE (source LIKE ? ESCAPE '\\' "
            f"OR target LIKE ? ESCAPE '\\'){where} ORDER BY id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_unit_from_row(r) for r in self.db.connection().execute(sql, params)]

    def stats(self) -> MemoryStats:
        """Counts of units, language pairs, origins and indexed words."""
        with self.db.read() as conn:
            units = conn.execute("SELECT count(*) FROM tm_units").fetchone()[0]
            pairs = conn.execute(
                "SELECT source_language, target_language, count(*) FROM tm_units "
                "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
            ).fetchall()
            origins = conn.execute("SELECT count(DISTINCT origin) FROM tm_units").fetchone()[0]
            words = conn.execute(
                "SELECT count(*) FROM (SELECT word FROM tm_postings UNION SELECT word FROM tm_postings_new)"
            ).fetchone()[0]
        return MemoryStats(units, tuple(((s, t), n) for s, t, n in pairs), origins, words)


# --- functions on a connection (shared with the workspace's transactions) -------------------


def _get(conn: sqlite3.Connection, unit_id: int) -> TmUnit | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM tm_units WHERE id = ?", (unit_id,)).fetchone()
    return _unit_from_row(row) if row else None


def _languages_match(unit: TmUnit, source_language: str | None, target_language: str | None) -> bool:
    return (not source_language or language_matches(unit.source_language, source_language)) and (
        not target_language or language_matches(unit.target_language, target_language)
    )


def _exact(conn, text: str, source_language, target_language) -> list[TmMatch]:
    wanted = normalise(text)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM tm_units WHERE source_hash = ? ORDER BY changed DESC, id",
        (text_hash(text),),
    ).fetchall()
    matches = []
    for row in rows:
        unit = _unit_from_row(row)
        if normalise(unit.source) != wanted or not _languages_match(unit, source_language, target_language):
            continue
        matches.append(TmMatch(unit, 100.0, explain(text, unit.source), exact=True))
    return matches


RESCORED = 30
"""How many units, best estimated first, rapidfuzz scores for real in any case."""

RESCORED_MAX = 300
"""How many units rapidfuzz scores at most (see :func:`_fuzzy`)."""


def _sources(conn, ids, source_language, target_language) -> dict[int, str]:
    """The normalised sources of these units, if they exist and match the languages."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, source, source_language, target_language FROM tm_units WHERE id IN ({marks})", ids
    ).fetchall()
    if source_language or target_language:
        rows = [row for row in rows
                if (not source_language or language_matches(row[2], source_language))
                and (not target_language or language_matches(row[3], target_language))]
    # most sources are normal already: normalise_many finds that out for all of them at once
    return dict(zip([row[0] for row in rows], normalise_many([row[1] for row in rows]), strict=True))


def _fuzzy(conn, text, source_language, target_language, threshold, limit) -> list[TmMatch]:
    """Score the index's best estimated candidates for real; widen when they may be wrong.

    The index's estimate of a unit's score is low by a fairly steady amount (the spaces and
    punctuation it does not count), plus up to ``slack`` when it skipped frequent words. So
    after scoring the :data:`RESCORED` best estimated units, the largest gap seen between
    real score and the estimate over every shared word, plus ``slack`` and a point, is taken
    as the most any other unit can gain over its estimate; those that could then still enter
    the top ``limit`` are scored too (at most :data:`RESCORED_MAX` in all). This is a measured
    rule, not a proof: the benchmark's recall (0.994 at 1M units) is what it is judged by.
    Every step depends only on the data, so the answer is the same on every run.
    """
    query = normalise(text)
    if not query or limit <= 0:
        return []
    ranked, slack = tm_index.candidates(conn, query, threshold=threshold, limit=RESCORED_MAX)
    best = rescore(query, ranked, slack, lambda ids: _sources(conn, ids, source_language, target_language),
                   threshold=threshold, limit=limit, first=RESCORED, most=RESCORED_MAX)
    if not best:
        return []
    marks = ",".join("?" * len(best))
    units = {row[0]: _unit_from_row(row) for row in conn.execute(
        f"SELECT {_COLUMNS} FROM tm_units WHERE id IN ({marks})", [unit_id for unit_id, _, _ in best])}
    explained = explain_matches(query, [source for _, _, source in best], [found for _, found, _ in best])
    return [TmMatch(units[unit_id], round(found, 2), explanation, exact=source == query)
            for (unit_id, found, source), explanation in zip(best, explained, strict=True)]


def _row_values(unit: TmUnit, unit_id: int | None = None) -> tuple:
    return (unit_id, *tm_rows.row_values(unit_fields(unit), text_hash(unit.source), now_iso()))


_INSERT = (
    "INSERT INTO tm_units(id, source, target, source_language, target_language, source_hash, origin, "
    "created, changed, usage_count, notes, properties, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_NEXT = _INSERT.replace("(id, ", "(").replace("VALUES (?,", "VALUES (")
""":data:`_INSERT` with the id SQLite gives (the next after the largest)."""


def _find_identical(conn, values: tuple) -> tuple | None:
    return conn.execute(
        "SELECT id, created, changed, usage_count FROM tm_units WHERE source_hash = ? AND source = ? "
        "AND target = ? AND source_language = ? AND target_language = ?",
        (values[5], values[1], values[2], values[3], values[4]),
    ).fetchone()


def _merge(conn, existing: tuple, values: tuple) -> None:
    unit_id, created, changed, usage = existing
    conn.execute(
        "UPDATE tm_units SET created = ?, changed = ?, usage_count = ? WHERE id = ?",
        (min(created, values[7]), max(changed, values[8]), max(usage, values[9]), unit_id),
    )


def _add(conn, unit: TmUnit) -> int:
    values = _row_values(unit)
    existing = _find_identical(conn, values)
    if existing:
        _merge(conn, existing, values)
        return existing[0]
    unit_id = conn.execute(_INSERT, values).lastrowid
    tm_index.add_unit(conn, unit_id, unit.source)
    return unit_id


def _import(conn, batches: Iterable[tm_import.UnitBatch], progress) -> ImportResult:
    was_empty = conn.execute("SELECT 1 FROM tm_units LIMIT 1").fetchone() is None
    next_id = conn.execute("SELECT coalesce(max(id), 0) FROM tm_units").fetchone()[0] + 1
    deferred = _drop_indexes(conn) if was_empty else []
    builder = tm_index.IndexBuilder(conn)
    added = merged = 0
    for batch in batches:
        if was_empty:  # SQLite numbers the rows of an empty table 1, 2, 3...: checked at the end
            conn.executemany(_INSERT_NEXT, batch.rows)
            numbers = np.arange(next_id, next_id + len(batch.rows), dtype=np.int64)
            new = batch.rows
        else:
            new = []
            numbers = np.full(len(batch.rows), -1, dtype=np.int64)
            for place, row in enumerate(batch.rows):
                values = (next_id + len(new), *row)
                existing = _find_identical(conn, values)
                if existing:
                    _merge(conn, existing, values)
                    merged += 1
                else:
                    numbers[place] = values[0]
                    new.append(values)
            conn.executemany(_INSERT, new)
        builder.add_batch(numbers, batch.lengths, batch.words, batch.word_numbers, batch.unit_numbers)
        next_id += len(new)
        added += len(new)
        if progress:
            progress(batch.read)
    builder.flush()
    # n rows added to an empty table have distinct ids from 1: the largest is n if they are 1..n
    if was_empty and conn.execute("SELECT coalesce(max(id), 0) FROM tm_units").fetchone()[0] != next_id - 1:
        raise RuntimeError("the memory's units were not numbered as their index says")  # never expected
    for sql in deferred:
        conn.execute(sql)
    tm_index.fold_new_postings(conn)
    return ImportResult(added, merged)


_DEFERRED_INDEXES = ("tm_units_by_hash", "tm_postings_by_word")
"""Indexes an import into an empty memory builds once at the end, from sorted data, rather
than row by row at random places (inside the import's transaction, so a failed import
leaves them as they were)."""


def _drop_indexes(conn) -> list[str]:
    """Drop the deferred indexes of an empty memory; returns the SQL that creates them again."""
    if conn.execute("SELECT 1 FROM tm_postings LIMIT 1").fetchone() is not None:
        return []
    marks = ",".join("?" * len(_DEFERRED_INDEXES))
    found = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
                         _DEFERRED_INDEXES).fetchall()
    for name, _ in found:
        conn.execute(f"DROP INDEX {name}")
    return [sql for _, sql in found]


def record_confirmation(
    conn: sqlite3.Connection,
    source: str,
    target: str,
    source_language: str,
    target_language: str,
    origin: str,
) -> dict:
    """Add or update the unit for a confirmed segment; returns how to undo it.

    The unit with the same source and languages is updated (its most recently changed one
    if there are several); otherwise a unit is added.

    Returns:
        ``{"unit": id, "created": bool, "target": new target, "before": {...} | None}``
        for :func:`revert_confirmation`.
    """
    source_language = canonical_language(source_language)
    target_language = canonical_language(target_language)
    now = now_iso()
    key = {"source": source, "source_language": source_language, "target_language": target_language}
    row = conn.execute(
        "SELECT id, target, changed, usage_count, origin FROM tm_units WHERE source_hash = ? AND source = ? "
        "AND source_language = ? AND target_language = ? ORDER BY changed DESC, id DESC LIMIT 1",
        (text_hash(source), source, source_language, target_language),
    ).fetchone()
    if row:
        unit_id, old_target, changed, usage, old_origin = row
        conn.execute(
            "UPDATE tm_units SET target = ?, changed = ?, usage_count = ?, origin = ? WHERE id = ?",
            (target, now, usage + 1, origin, unit_id),
        )
        before = {"target": old_target, "changed": changed, "usage_count": usage, "origin": old_origin}
        return {"unit": unit_id, "created": False, "target": target, "before": before, **key}
    unit = TmUnit(source, target, source_language, target_language, origin, now, now, 1)
    unit_id = conn.execute(_INSERT, _row_values(unit)).lastrowid
    tm_index.add_unit(conn, unit_id, source)
    return {"unit": unit_id, "created": True, "target": target, "before": None, **key}


def revert_confirmation(conn: sqlite3.Connection, change: dict) -> None:
    """Undo what :func:`record_confirmation` did, unless the unit changed again since."""
    row = conn.execute("SELECT target FROM tm_units WHERE id = ?", (change["unit"],)).fetchone()
    if row is None or row[0] != change["target"]:
        return  # changed by a later confirmation (perhaps in another document): keep that
    if change["created"]:
        conn.execute("DELETE FROM tm_units WHERE id = ?", (change["unit"],))
    else:
        before = change["before"]
        conn.execute(
            "UPDATE tm_units SET target = ?, changed = ?, usage_count = ?, origin = ? WHERE id = ?",
            (before["target"], before["changed"], before["usage_count"], before["origin"], change["unit"]),
        )


def redo_confirmation(conn: sqlite3.Connection, change: dict, origin: str) -> dict:
    """Apply a confirmation again after an undo; returns the new undo record."""
    return record_confirmation(
        conn, change["source"], change["target"], change["source_language"], change["target_language"], origin
    )


__all__ = [
    "DEFAULT_THRESHOLD",
    "ImportResult",
    "MemoryStats",
    "TranslationMemory",
    "record_confirmation",
    "redo_confirmation",
    "revert_confirmation",
]
