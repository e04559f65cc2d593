"""The persisted word index that fuzzy memory lookup starts from.

Why this design (measured, see ``benchmarks/bench_tm.py``): a memory unit that is at least
70-75% similar to a query shares most of its words, and above all its rarer words. So the
index maps each case-folded word of a unit's source to the ids of the units that contain
it; a lookup reads the posting lists of the query's rarest words, ranks units by the
characters of the words they share with the query (a cheap stand-in for character
similarity), and hands the best few hundred to rapidfuzz for the real score. Frequent words
("the", "of") are skipped once enough postings have been read: they rank nothing.

Storage, all in the workspace file so nothing is rebuilt at start-up:

- ``tm_postings(word, chunk, ids)``: posting lists as blobs of little-endian uint32 unit ids,
  written in chunks by bulk imports (memory stays bounded while a large file is imported);
- ``tm_postings_new(word, unit_id)``: one row per posting added by a confirmation, so one
  confirmation writes a few small rows instead of rewriting large blobs. Bulk imports fold
  these rows into a chunk.

Units that are deleted or changed stay in posting lists until :func:`rebuild`; lookups
verify every candidate against ``tm_units``, so a stale posting costs time, never a wrong
answer.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from collections.abc import Iterable

import numpy as np

from mtfix.core.matching import index_words, normalise

FLUSH_POSTINGS = 2_000_000
"""Postings a bulk import keeps in memory before writing a chunk (8 MB of ids)."""

READ_BUDGET = 60_000
"""Postings a lookup reads at most, beyond its :data:`MIN_WORDS` rarest words."""

MIN_WORDS = 3
"""A lookup always reads the posting lists of this many of the query's rarest words."""

CANDIDATES = 1000
"""How many units, ranked by shared word characters, a lookup considers."""

_NATIVE_LITTLE = sys.byteorder == "little"


def _to_blob(ids: array) -> bytes:
    if not _NATIVE_LITTLE:
        ids = array("I", ids)
        ids.byteswap()
    return ids.tobytes()


class IndexBuilder:
    """Collects postings of many units and writes them as chunks (bulk imports).

    Args:
        conn: A connection inside the import's write transaction.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.lists: dict[str, array] = {}
        self.pending = 0
        row = conn.execute("SELECT coalesce(max(chunk), 0) FROM tm_postings").fetchone()
        self.next_chunk = row[0] + 1

    def add(self, unit_id: int, words: Iterable[str]) -> None:
        """Index one unit under its words."""
        lists = self.lists
        n = 0
        for word in words:
            try:
                lists[word].append(unit_id)
            except KeyError:
                lists[word] = array("I", (unit_id,))
            n += 1
        self.pending += n
        if self.pending >= FLUSH_POSTINGS:
            self.flush()

    def flush(self) -> None:
        """Write what was collected as one new chunk."""
        if not self.lists:
            return
        chunk = self.next_chunk
        self.conn.executemany(
            "INSERT INTO tm_postings(word, chunk, ids) VALUES (?, ?, ?)",
            ((word, chunk, _to_blob(ids)) for word, ids in self.lists.items()),
        )
        self.next_chunk += 1
        self.lists = {}
        self.pending = 0


def add_unit(conn: sqlite3.Connection, unit_id: int, source: str) -> None:
    """Index one new unit (a confirmation): a few small rows, no blob rewritten."""
    conn.executemany(
        "INSERT OR IGNORE INTO tm_postings_new(word, unit_id) VALUES (?, ?)",
        ((word, unit_id) for word in index_words(normalise(source))),
    )


def fold_new_postings(conn: sqlite3.Connection) -> None:
    """Move the per-confirmation rows into one chunk (called by bulk imports)."""
    builder = IndexBuilder(conn)
    for word, unit_id in conn.execute("SELECT word, unit_id FROM tm_postings_new ORDER BY word, unit_id"):
        postings = builder.lists.get(word)
        if postings is None:
            postings = builder.lists[word] = array("I")
        postings.append(unit_id)
    builder.flush()
    conn.execute("DELETE FROM tm_postings_new")


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every unit again from scratch (schema upgrade, repair)."""
    conn.execute("DELETE FROM tm_postings")
    conn.execute("DELETE FROM tm_postings_new")
    builder = IndexBuilder(conn)
    for unit_id, source in conn.execute("SELECT id, source FROM tm_units ORDER BY id"):
        builder.add(unit_id, index_words(normalise(source)))
    builder.flush()


def candidates(
    conn: sqlite3.Connection,
    normalised_query: str,
    *,
    limit: int | None = None,
    budget: int | None = None,
) -> list[tuple[int, float]]:
    """The units most likely to be similar to the query, best first, with their weight.

    Args:
        conn: A connection (a read transaction keeps the answer consistent).
        normalised_query: The query, already :func:`~mtfix.core.matching.normalise`-d.
        limit: How many ids to return at most (default :data:`CANDIDATES`).
        budget: How many postings to read beyond the :data:`MIN_WORDS` rarest words
            (default :data:`READ_BUDGET`).

    Returns:
        (unit id, characters of the query's words it shares) pairs, ordered by shared
        characters (descending), then id: the same answer for the same data on every run.
    """
    limit = limit or CANDIDATES
    budget = budget or READ_BUDGET
    words = sorted(index_words(normalised_query))
    if not words:
        return []
    marks = ",".join("?" * len(words))
    frequency = dict(
        conn.execute(
            f"SELECT word, sum(length(ids)) / 4 FROM tm_postings WHERE word IN ({marks}) GROUP BY word",
            words,
        ).fetchall()
    )
    new_postings: dict[str, list[int]] = {}
    for word, unit_id in conn.execute(
        f"SELECT word, unit_id FROM tm_postings_new WHERE word IN ({marks})", words
    ):
        new_postings.setdefault(word, []).append(unit_id)
    known = [w for w in words if w in frequency or w in new_postings]
    known.sort(key=lambda w: (frequency.get(w, 0) + len(new_postings.get(w, ())), w))
    chosen: list[str] = []
    read = 0
    for n, word in enumerate(known):
        size = frequency.get(word, 0) + len(new_postings.get(word, ()))
        if n >= MIN_WORDS and read + size > budget:
            break
        chosen.append(word)
        read += size
    if not chosen:
        return []
    id_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    stored = [w for w in chosen if w in frequency]
    if stored:
        marks = ",".join("?" * len(stored))
        for word, blob in conn.execute(
            f"SELECT word, ids FROM tm_postings WHERE word IN ({marks})", stored
        ):
            ids = np.frombuffer(blob, dtype="<u4")
            id_parts.append(ids)
            weight_parts.append(np.full(len(ids), len(word), dtype=np.float64))
    for word in chosen:
        extra = new_postings.get(word)
        if extra:
            id_parts.append(np.asarray(extra, dtype=np.uint32))
            weight_parts.append(np.full(len(extra), len(word), dtype=np.float64))
    if not id_parts:
        return []
    ids = np.concatenate(id_parts)
    weights = np.concatenate(weight_parts)
    scores = np.bincount(ids, weights=weights)
    present = np.flatnonzero(scores)
    values = scores[present]
    if len(present) > limit:
        top = np.argpartition(-values, limit - 1)[:limit]
        threshold = values[top].min()
        above = present[values > threshold]
        ties = present[values == threshold][: limit - len(above)]  # ascending ids
        present = np.concatenate([above, ties])
        values = scores[present]
    order = np.lexsort((present, -values))
    return list(zip(present[order].tolist(), values[order].tolist(), strict=True))
