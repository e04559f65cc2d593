"""The persisted word index that fuzzy memory lookup starts from.

Why this design (measured, see ``benchmarks/bench_tm.py``): a memory unit that is at least
70-75% similar to a query shares most of its words, and above all its rarer words, and its
length is close to the query's (``fuzz.ratio`` is at most ``200 * shorter / (sum of
lengths)``). So the index maps each case-folded word of a unit's source, *per length class*,
to the ids and lengths of the units that contain it. A lookup reads, for the length classes
the threshold allows, the posting lists of the query's rarest words, estimates each unit's
score from the characters of the words it shares with the query and its length, and hands
the best few dozen to rapidfuzz for the real score. Frequent words ("the", "of") are skipped
once enough postings have been read: they rank nothing. Splitting lists by length is what
keeps short queries made of common words fast and found: only the short units that contain
"the" are read, not all of them.

Storage, all in the workspace file so nothing is rebuilt at start-up:

- ``tm_postings(word, bucket, chunk, n, postings)``: ``n`` postings as a blob of
  little-endian uint32 pairs (unit id, normalised source length), written in chunks by bulk
  imports (memory stays bounded while a large file is imported);
- ``tm_postings_new(word, bucket, unit_id, length)``: one row per posting added by a
  confirmation, so one confirmation writes a few small rows instead of rewriting large
  blobs. Bulk imports fold these rows into a chunk.

Units that are deleted stay in posting lists until :func:`rebuild`; lookups verify every
candidate against ``tm_units``, so a stale posting costs time, never a wrong answer. (A
unit's source never changes: confirmations only change its target.)
"""

from __future__ import annotations

import bisect
import sqlite3
from array import array
from collections.abc import Collection

import numpy as np

from mtfix.core.matching import index_words, normalise
from mtfix.store.tm_rows import WordNumbers

FLUSH_POSTINGS = 500_000
"""Postings a bulk import keeps in memory before writing a chunk (6 MB, and about three
times as much while the chunk is sorted: the peak of an import's memory)."""

READ_BUDGET = 10_000
"""Postings a lookup reads at most, beyond its :data:`MIN_WORDS` rarest words."""

MIN_WORDS = 3
"""A lookup always reads the posting lists of this many of the query's rarest words."""

CANDIDATES = 1000
"""How many units, ranked by estimated score, a lookup returns at most."""

SPLIT_MIN = 341
"""A word with fewer postings than this in a chunk gets one row for all lengths
(:data:`ANY_LENGTH`) instead of one per length class: rare words are read whole anyway,
and one row costs less to read than ten. The proportion to :data:`FLUSH_POSTINGS` is what
matters (lookups count a whole row against their read budget): 512 of 750,000 before
chunks were made smaller, and at 341 of 500,000 the benchmark's recall at 1M units is the
same (0.994; 0.988 with 512)."""

ANY_LENGTH = -1
"""The ``bucket`` of a row that holds postings of every length."""

MAX_LENGTH = 0xFFFF
"""Lengths are stored up to this; longer sources are indexed as this long."""


def _bucket_bounds() -> list[int]:
    # integer arithmetic only, so the classes are the same on every machine
    bounds = [0, 1]
    while bounds[-1] <= MAX_LENGTH:
        bounds.append(max(bounds[-1] + 1, bounds[-1] * 11 // 10))
    return bounds


_BOUNDS = _bucket_bounds()
"""Length class ``k`` holds lengths in ``[_BOUNDS[k], _BOUNDS[k + 1])``: each about 10% wide."""

_BUCKET_OF = [bisect.bisect_right(_BOUNDS, n) - 1 for n in range(1024)]

_BUCKETS = (
    np.searchsorted(np.asarray(_BOUNDS), np.arange(MAX_LENGTH + 1), side="right") - 1
).astype(np.int64)
"""The length class of every length, for numpy."""

_CLASS_KEYS = (_BUCKETS + 1).astype(np.uint8)
"""The length class of every length, plus one (0 is :data:`ANY_LENGTH`): part of a sort key."""
assert _CLASS_KEYS.max() < 0xFF


def length_bucket(length: int) -> int:
    """The length class of a normalised source of ``length`` characters."""
    if length < 1024:
        return _BUCKET_OF[length]
    return bisect.bisect_right(_BOUNDS, min(length, MAX_LENGTH)) - 1


def length_range(length: int, threshold: float) -> tuple[int, int]:
    """The source lengths that can reach ``threshold`` against a query of ``length``.

    ``fuzz.ratio`` is at most ``200 * min(a, b) / (a + b)``; the range is widened by one
    character on each side so rounding never drops a unit.
    """
    t = min(max(threshold, 1.0), 100.0)
    low = int(length * t / (200 - t)) - 1
    high = int(length * (200 - t) / t) + 1
    return max(low, 0), min(high, MAX_LENGTH)


class IndexBuilder:
    """Collects postings of many units and writes them as chunks (bulk imports).

    Postings are held flat, two numbers each (the word's number in this chunk, and
    ``length << 32 | unit id``), and grouped by word and length class with numpy when a
    chunk is written: a dict of small arrays per word would cost five times the memory.
    Written little-endian, ``length << 32 | unit id`` is exactly the (id, length) uint32
    pair of the stored blob.

    Args:
        conn: A connection inside the import's write transaction.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.vocabulary: dict[str, int] = WordNumbers()
        self.word_numbers = array("I")
        self.codes = array("Q")
        self.buffer_numbers: np.ndarray | None = None  # add_batch's postings, allocated once
        self.buffer_codes: np.ndarray | None = None
        self.buffered = 0
        self.pending = 0
        row = conn.execute("SELECT coalesce(max(chunk), 0) FROM tm_postings").fetchone()
        self.next_chunk = row[0] + 1

    def add(self, unit_id: int, length: int, words: Collection[str]) -> None:
        """Index one unit (its normalised source is ``length`` long) under its words."""
        vocabulary = self.vocabulary
        number = vocabulary.setdefault
        self.word_numbers.extend([number(word, len(vocabulary)) for word in words])
        self.codes.extend([min(length, MAX_LENGTH) << 32 | unit_id] * len(words))
        self.pending += len(words)
        if self.pending >= FLUSH_POSTINGS:
            self.flush()

    def add_batch(self, ids: np.ndarray, lengths: np.ndarray, words: list[str], word_numbers: np.ndarray,
                  unit_numbers: np.ndarray) -> None:
        """Index many units at once (a :class:`~mtfix.store.tm_import.UnitBatch`).

        Args:
            ids: The id of each unit of the batch; negative for one not to index.
            lengths: The length of each unit's normalised source.
            words: The batch's words; ``words[k - 1]`` is word number ``k``.
            word_numbers: Per posting, its word's number.
            unit_numbers: Per posting, its unit's place in ``ids``, ascending.
        """
        codes = (np.minimum(lengths, MAX_LENGTH).astype(np.uint64) << np.uint64(32)) | ids.astype(np.uint64)
        codes = codes[unit_numbers]
        if (ids < 0).any():
            keep = ids[unit_numbers] >= 0
            word_numbers, codes = word_numbers[keep], codes[keep]
        if self.buffer_codes is None:
            self.buffer_numbers = np.empty(FLUSH_POSTINGS, dtype=np.uint32)
            self.buffer_codes = np.empty(FLUSH_POSTINGS, dtype=np.uint64)
        start = 0
        while start < len(codes):
            end = min(len(codes), start + FLUSH_POSTINGS - self.pending)
            ours = np.zeros(len(words) + 1, dtype=np.uint32)  # a new vocabulary after each flush
            ours[1:] = np.fromiter(map(self.vocabulary.__getitem__, words), dtype=np.uint32, count=len(words))
            here = slice(self.buffered, self.buffered + end - start)
            self.buffer_numbers[here] = ours[word_numbers[start:end]]
            self.buffer_codes[here] = codes[start:end]
            self.buffered += end - start
            self.pending += end - start
            start = end
            if self.pending >= FLUSH_POSTINGS:
                self.flush()

    def flush(self) -> None:
        """Write what was collected as one new chunk."""
        if not self.pending:
            return
        chunk = self.next_chunk
        words = list(self.vocabulary)
        # postings in the order they were added (units in id order): a builder is fed by
        # add() or by add_batch(), and only the one that was used holds any
        numbers = np.frombuffer(self.word_numbers, dtype=np.uint32)
        codes = np.frombuffer(self.codes, dtype=np.uint64)
        if self.buffered:
            buffered = self.buffer_numbers[: self.buffered], self.buffer_codes[: self.buffered]
            if len(codes):
                numbers, codes = np.concatenate([numbers, buffered[0]]), np.concatenate([codes, buffered[1]])
            else:
                numbers, codes = buffered
        self.word_numbers = array("I")
        self.codes = array("Q")
        self.buffered = 0
        # one sort key, word then length class + 1 (0 for ANY_LENGTH, so it sorts first); a
        # stable sort keeps ids ascending within a row. This is the peak of an import's
        # memory, so the temporaries are few and narrow.
        classes = _CLASS_KEYS[codes >> np.uint64(32)]
        rare = np.bincount(numbers, minlength=len(words)) < SPLIT_MIN
        classes[rare[numbers]] = 0
        del rare
        key = numbers.astype(np.uint32 if len(words) < 1 << 24 else np.uint64)
        del numbers
        key <<= 8
        key |= classes
        del classes
        if key.dtype == np.uint32:
            # key and position in one 64-bit number: a plain sort of those is a stable sort
            # of the keys, and about ten times faster than a stable argsort
            combined = key.astype(np.uint64)
            del key
            combined <<= np.uint64(32)
            combined |= np.arange(len(combined), dtype=np.uint64)
            combined.sort()
            order = (combined & np.uint64(0xFFFFFFFF)).astype(np.intp)
            combined >>= np.uint64(32)
            key = combined
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
        codes = codes[order].astype("<u8", copy=False)
        del order
        starts = [0, *(np.flatnonzero(key[1:] != key[:-1]) + 1).tolist()]
        ends = [*starts[1:], len(codes)]
        row_keys = key[starts].tolist()
        del key
        blob = memoryview(codes).cast("B")  # slices of it are the rows' blobs, uncopied
        self.conn.executemany(
            "INSERT INTO tm_postings(word, bucket, chunk, n, postings) VALUES (?, ?, ?, ?, ?)",
            (
                (
                    words[k >> 8],
                    (k & 0xFF) - 1,
                    chunk,
                    end - start,
                    blob[8 * start : 8 * end],
                )
                for k, start, end in zip(row_keys, starts, ends, strict=True)
            ),
        )
        self.next_chunk += 1
        self.vocabulary = WordNumbers()
        self.pending = 0


def add_unit(conn: sqlite3.Connection, unit_id: int, source: str) -> None:
    """Index one new unit (a confirmation): a few small rows, no blob rewritten."""
    normalised = normalise(source)
    length = min(len(normalised), MAX_LENGTH)
    bucket = length_bucket(length)
    conn.executemany(
        "INSERT OR IGNORE INTO tm_postings_new(word, bucket, unit_id, length) VALUES (?, ?, ?, ?)",
        ((word, bucket, unit_id, length) for word in index_words(normalised)),
    )


def fold_new_postings(conn: sqlite3.Connection) -> None:
    """Move the per-confirmation rows into one chunk (called by bulk imports)."""
    if conn.execute("SELECT 1 FROM tm_postings_new LIMIT 1").fetchone() is None:
        return
    builder = IndexBuilder(conn)
    for word, bucket, unit_id, length in conn.execute(
        "SELECT word, bucket, unit_id, length FROM tm_postings_new ORDER BY bucket, word, unit_id"
    ):
        builder.add(unit_id, length, (word,))
    builder.flush()
    conn.execute("DELETE FROM tm_postings_new")


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every unit again from scratch (schema upgrade, repair)."""
    conn.execute("DELETE FROM tm_postings")
    conn.execute("DELETE FROM tm_postings_new")
    builder = IndexBuilder(conn)
    for unit_id, source in conn.execute("SELECT id, source FROM tm_units ORDER BY id"):
        normalised = normalise(source)
        builder.add(unit_id, len(normalised), index_words(normalised))
    builder.flush()


def candidates(
    conn: sqlite3.Connection,
    normalised_query: str,
    *,
    threshold: float = 0.0,
    limit: int | None = None,
    budget: int | None = None,
) -> tuple[list[tuple[int, float]], float]:
    """The units most likely to be similar to the query, best first, with their estimate.

    Args:
        conn: A connection (a read transaction keeps the answer consistent).
        normalised_query: The query, already :func:`~mtfix.core.matching.normalise`-d.
        threshold: The lowest score wanted: units whose length alone keeps them under it
            are never read.
        limit: How many ids to return at most (default :data:`CANDIDATES`).
        budget: How many postings to read beyond the :data:`MIN_WORDS` rarest words
            (default :data:`READ_BUDGET`).

    Returns:
        (unit id, estimated score) pairs, the estimate being ``200 * shared word characters
        / (sum of lengths)``, ordered by estimate (descending), then id: the same answer for
        the same data on every run; and by how much at most an estimate is low because
        frequent words of the query were skipped (0 when every word was read): a caller
        should score for real every unit within that much of the best ones.
    """
    limit = limit or CANDIDATES
    budget = budget or READ_BUDGET
    words = sorted(index_words(normalised_query))
    if not words:
        return [], 0.0
    lq = len(normalised_query)
    low, high = length_range(lq, threshold)
    first, last = length_bucket(low), length_bucket(high)
    # one range scan per word (the ANY_LENGTH row sorts first), not one probe per class
    in_range = "bucket BETWEEN ? AND ? AND (bucket = ? OR bucket >= ?)"
    buckets = [ANY_LENGTH, last, ANY_LENGTH, first]
    marks = ",".join("?" * len(words))
    frequency = dict(
        conn.execute(
            f"SELECT word, sum(n) FROM tm_postings WHERE word IN ({marks}) "
            f"AND {in_range} GROUP BY word",
            [*words, *buckets],
        ).fetchall()
    )
    new_postings: dict[str, list[tuple[int, int]]] = {}
    for word, unit_id, length in conn.execute(
        f"SELECT word, unit_id, length FROM tm_postings_new WHERE word IN ({marks}) AND bucket BETWEEN ? AND ?",
        [*words, first, last],
    ):
        new_postings.setdefault(word, []).append((unit_id, length))
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
    skipped = sum(len(w) for w in known[len(chosen) :])
    slack = 200.0 * skipped / (lq + max(low, 1))
    if not chosen:
        return [], slack
    blobs: list[bytes] = []
    counts: list[int] = []
    weights_of: list[int] = []
    stored = [w for w in chosen if w in frequency]
    if stored:
        marks = ",".join("?" * len(stored))
        for word, n, blob in conn.execute(
            f"SELECT word, n, postings FROM tm_postings WHERE word IN ({marks}) AND {in_range}",
            [*stored, *buckets],
        ):
            blobs.append(blob)
            counts.append(n)
            weights_of.append(len(word))
    extra_pairs: list[tuple[int, int]] = []
    for word in chosen:
        extra = new_postings.get(word)
        if extra:
            extra_pairs.extend(extra)
            counts.append(len(extra))
            weights_of.append(len(word))
    if not counts:
        return [], slack
    pairs = np.frombuffer(b"".join(blobs), dtype="<u4")
    if extra_pairs:
        pairs = np.concatenate(
            [pairs, np.asarray(extra_pairs, dtype=np.uint32).ravel()]
        )
    pairs = pairs.reshape(-1, 2)
    ids = pairs[:, 0]
    lengths = pairs[:, 1]
    weights = np.repeat(np.asarray(weights_of, dtype=np.float64), counts)
    # rows of every length hold units outside the range, and so may the edge classes: they
    # count for nothing (zeroing their weight costs less than dropping them); in unsigned
    # arithmetic a length under ``low`` wraps round to a large number
    weights[(lengths - np.uint32(low)) > np.uint32(high - low)] = 0.0
    base = int(ids.min())
    span = int(ids.max()) - base + 1
    if span <= 2 * len(ids) + 1024:
        # ids close together: counting over the span beats sorting (measured: a dense pass
        # costs about 15 ns per id of the span, sorting about 27 ns per posting)
        offsets = ids.astype(np.intp) - base
        dense = np.bincount(offsets, weights=weights, minlength=span)
        dense_length = np.empty(span, dtype=np.uint32)  # read only where ``dense`` is set
        dense_length[offsets] = lengths
        index = np.nonzero(dense > 0)[0]
        present, shared, unit_length = index + base, dense[index], dense_length[index]
    else:
        # ids spread over a large memory: a dense array over them would cost more
        present, position = np.unique(ids, return_inverse=True)
        shared = np.bincount(position, weights=weights)
        unit_length = np.empty(len(present), dtype=np.uint32)
        unit_length[position] = lengths
        counted = np.nonzero(shared > 0)[0]
        present, shared, unit_length = present[counted], shared[counted], unit_length[counted]
    if not len(present):
        return [], slack
    values = 200.0 * shared / (lq + unit_length)
    if len(present) > limit:
        top = np.argpartition(-values, limit - 1)[:limit]
        cut = values[top].min()
        above = np.flatnonzero(values > cut)
        ties = np.flatnonzero(values == cut)[: limit - len(above)]  # ascending ids
        chosen_idx = np.concatenate([above, ties])
        present, values = present[chosen_idx], values[chosen_idx]
    order = np.lexsort((present, -values))
    return list(
        zip(present[order].tolist(), values[order].tolist(), strict=True)
    ), slack
