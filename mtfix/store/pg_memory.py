"""The translation memory on a PostgreSQL server, shared by a team.

Usage::

    with PgMemory("postgresql://tm.example.org/mtfix") as tm:
        for match in tm.lookup("The big work starts now.", threshold=70, limit=5):
            print(match.score, match.unit.target, match.explanation)

It is the same :class:`~mtfix.store.memory_base.MemoryBackend` as the workspace's SQLite
memory. How it works:

- **Schema**: versioned in ``mtfix_schema`` and created or upgraded by :func:`init_schema`
  (``mtfix tm init --tm URL``, once per team; it runs ``CREATE EXTENSION pg_trgm``, which
  needs a role allowed to). Opening a memory upgrades an older schema and refuses a newer one.
- **Fuzzy lookup**: the word index of the SQLite memory (:mod:`.tm_index`), as a table
  ``tm_words(word, length, unit_id)``: the postings of the query's rarest words, within the
  lengths that can reach the threshold, rank the units by the characters of the words they
  share (in SQL), and the best of them are scored with rapidfuzz with the same adaptive
  widening as the SQLite memory, so a unit gets the same score and explanation on both.
  (A ``pg_trgm`` prefilter was measured and not chosen: for a sentence-long query its GIN
  index returns thousands of candidates to recheck, and KNN on a GiST index walks thousands
  of pages; ``benchmarks/bench_tm.py --pg start`` prints both beside the word index.)
- **Concordance search** (:meth:`PgMemory.search`) reads ``pg_trgm`` GIN indexes on the
  ASCII-lowered source and target, the right tool for a substring anywhere in a text.
- **Bulk imports** are copied (``COPY``) into a staging table and inserted in a few
  statements; an import larger than the memory rebuilds the indexes after loading.
- **Connections** come from a ``psycopg_pool`` pool; writes run ``SERIALIZABLE`` and are
  retried on serialisation failures and deadlocks (two reviewers confirming the same
  segment at once).
- **A server that cannot be reached** raises :class:`ServerUnreachable` (an
  :class:`~mtfix.errors.MtfixError` naming the server, never a driver exception).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit


from mtfix.core.matching import (
    canonical_language,
    explain,
    explain_matches,
    index_words,
    normalise,
    normalised_hash,
    rescore,
    text_hash,
)
from mtfix.core.models import TmMatch, TmUnit, language_matches
from mtfix.errors import MtfixError
from mtfix.store.memory import (
    DEFAULT_THRESHOLD,
    RESCORED,
    RESCORED_MAX,
    ImportResult,
    MemoryStats,
    now_iso,
)
from mtfix.store.memory_base import MemoryBackend
from mtfix.store.tm_index import MAX_LENGTH, MIN_WORDS, READ_BUDGET, length_range

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for the server before calling it unreachable."""

WRITE_ATTEMPTS = 12
"""How often a write is tried when it loses a serialisation conflict."""

SEARCH_PREFIX = 20_000
"""Units a concordance search reads in memory order before it turns to the trigram indexes."""

IMPORT_WORK_MEM = "256MB"
"""Memory the server may use for each sort or hash of a bulk import."""

COUNT_LOCK_TIMEOUT = "2s"
"""How long a confirmation waits to update the word counts (a bulk import holds them)."""

_COLUMNS = (
    "id, source, target, source_language, target_language, origin, created, changed, "
    "usage_count, notes, properties, extra"
)



def _ascii_lower(sql: str) -> str:
    """``sql`` with ASCII letters lowered, whatever the server's locale (as SQLite's LIKE).

    ``lower`` in the "C" collation folds A-Z only, and is some 30 times faster than the
    same folding with ``translate``.
    """
    return f'lower(({sql}) COLLATE "C")'


# concordance search reads these expressions; their trigram indexes (schema version 3)
# serve it only while the query spells them exactly the same
_FOLDED_SOURCE = _ascii_lower("source")
_FOLDED_TARGET = _ascii_lower("target")
_CONCORDANCE_INDEXES = (
    ("tm_units_source_trigrams", f"USING gin (({_FOLDED_SOURCE}) gin_trgm_ops)"),
    ("tm_units_target_trigrams", f"USING gin (({_FOLDED_TARGET}) gin_trgm_ops)"),
)
"""(name, definition) of the trigram indexes on ``tm_units`` that concordance search uses."""


def _index_stored_units(conn) -> None:
    """Index the sources of the units stored before the word index existed (in pages)."""
    last = 0
    while True:
        rows = conn.execute("SELECT id, source_norm FROM tm_units WHERE id > %s ORDER BY id LIMIT 5000",
                            (last,)).fetchall()
        if not rows:
            return
        with conn.cursor().copy("COPY tm_words (word, length, unit_id) FROM STDIN") as copy:
            for unit_id, norm in rows:
                length = min(len(norm), MAX_LENGTH)
                for word in sorted(index_words(norm)):
                    copy.write_row((word, length, unit_id))
        last = rows[-1][0]


MIGRATIONS: tuple[tuple[int, tuple[str | Callable, ...]], ...] = (
    (1, (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        """CREATE TABLE tm_units (
            id BIGSERIAL PRIMARY KEY,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            source_language TEXT NOT NULL,
            target_language TEXT NOT NULL,
            source_hash BIGINT NOT NULL,
            source_norm TEXT NOT NULL,
            source_length INTEGER NOT NULL,
            origin TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            changed TEXT NOT NULL,
            usage_count INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT '[]',
            properties TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX tm_units_by_hash ON tm_units (source_hash)",
        "CREATE INDEX tm_units_trigrams ON tm_units USING gin (source_norm gin_trgm_ops)",
    )),
    (2, (
        # the fuzzy lookup's word index: one row per distinct case-folded word of a source;
        # the key (word, length) reads only the lengths that can reach the threshold
        """CREATE TABLE tm_words (
            word TEXT COLLATE "C" NOT NULL,
            length INTEGER NOT NULL,
            unit_id BIGINT NOT NULL,
            PRIMARY KEY (word, length, unit_id)
        )""",
        _index_stored_units,
        # postings per word and length, so a lookup knows the rarest words without counting:
        # estimates (a failed update after a confirmation is not retried), never answers
        """CREATE TABLE tm_word_counts (
            word TEXT COLLATE "C" NOT NULL,
            length INTEGER NOT NULL,
            n BIGINT NOT NULL,
            PRIMARY KEY (word, length)
        )""",
        "INSERT INTO tm_word_counts SELECT word, length, count(*) FROM tm_words GROUP BY 1, 2",
        "ANALYZE tm_words",
        "ANALYZE tm_word_counts",
    )),
    (3, (
        # the trigram index of version 1 served no query (the word index finds fuzzy
        # matches); concordance search gets trigram indexes on what it reads instead
        "DROP INDEX IF EXISTS tm_units_trigrams",
        *(f"CREATE INDEX {name} ON tm_units {definition}" for name, definition in _CONCORDANCE_INDEXES),
    )),
)
"""(version, statements): every change of the server schema, in order; a statement is SQL,
or a function of the connection for what SQL cannot do (words are split as in Python)."""

LATEST = MIGRATIONS[-1][0]
_MIGRATION_LOCK = 0x6D7466697874  # "mtfixt": one migrating client at a time


class ServerUnreachable(MtfixError):
    """The memory server cannot be reached (down, wrong address, refused, timed out)."""


def is_server_url(value: str | None) -> bool:
    """Whether ``value`` names a PostgreSQL memory (``postgresql://`` or ``postgres://``)."""
    return bool(value) and value.split("://", 1)[0] in ("postgresql", "postgres")


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


def _driver():
    try:
        import psycopg
        import psycopg_pool
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise MtfixError("a PostgreSQL memory needs psycopg: pip install 'mtfix[postgres]'") from error
    return psycopg, psycopg_pool


def _unit_from_row(row) -> TmUnit:
    return TmUnit(
        source=row[1], target=row[2], source_language=row[3], target_language=row[4], origin=row[5],
        created=row[6], changed=row[7], usage_count=row[8],
        notes=tuple(json.loads(row[9])) if row[9] != "[]" else (),
        properties=tuple(tuple(p) for p in json.loads(row[10])) if row[10] != "[]" else (),
        id=row[0], extra=json.loads(row[11]) if row[11] != "{}" else {},
    )


def _row_values(unit: TmUnit) -> tuple:
    norm = normalise(unit.source)
    created = unit.created or now_iso()
    return (
        unit.source, unit.target, canonical_language(unit.source_language),
        canonical_language(unit.target_language), normalised_hash(norm), norm, len(norm), unit.origin,
        created, unit.changed or created, unit.usage_count,
        json.dumps(list(unit.notes), ensure_ascii=False) if unit.notes else "[]",
        json.dumps([list(p) for p in unit.properties], ensure_ascii=False) if unit.properties else "[]",
        json.dumps(unit.extra, ensure_ascii=False, separators=(",", ":")) if unit.extra else "{}",
    )


_INSERT_COLUMNS = (
    "source, target, source_language, target_language, source_hash, source_norm, source_length, origin, "
    "created, changed, usage_count, notes, properties, extra"
)


def _language_clause(column: str, tag: str | None, params: list) -> str:
    if not tag:
        return ""
    wanted = tag.lower().replace("_", "-")
    params.extend([wanted, len(wanted) + 1, wanted + "-"])
    return f" AND (lower({column}) = %s OR left(lower({column}), %s) = %s)"


def init_schema(url: str, *, connect_timeout: float = CONNECT_TIMEOUT) -> tuple[int, int]:
    """Create or upgrade the memory's tables on the server; returns (version before, after).

    Safe to run again, and from several clients at once (an advisory lock serialises them).

    Raises:
        ServerUnreachable: If the server cannot be reached.
        MtfixError: If the schema is newer than this mtfix, or the role may not create it.
    """
    psycopg, _ = _driver()
    try:
        with psycopg.connect(url, connect_timeout=max(1, int(connect_timeout)), autocommit=True) as conn:
            return _migrate(conn, url)
    except psycopg.OperationalError as error:
        raise ServerUnreachable(f"cannot reach the memory server: {_first_line(error)}", display_url(url)) from error


def _migrate(conn, url: str) -> tuple[int, int]:
    psycopg, _ = _driver()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS mtfix_schema (version INTEGER PRIMARY KEY, "
                     "applied TIMESTAMPTZ NOT NULL DEFAULT now())")
        before = conn.execute("SELECT coalesce(max(version), 0) FROM mtfix_schema").fetchone()[0]
        if before > LATEST:
            raise MtfixError(f"the memory's schema (version {before}) is newer than this mtfix "
                             f"(version {LATEST}): upgrade mtfix", display_url(url))
        try:
            for version, statements in MIGRATIONS:
                if version <= before:
                    continue
                for statement in statements:
                    if callable(statement):
                        statement(conn)
                    else:
                        conn.execute(statement)
                conn.execute("INSERT INTO mtfix_schema (version) VALUES (%s)", (version,))
        except psycopg.errors.InsufficientPrivilege as error:
            raise MtfixError(f"not allowed to create the memory's tables: {_first_line(error)} "
                             "(run `mtfix tm init` as the database owner)", display_url(url)) from error
    return before, max(before, LATEST)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class PgMemory(MemoryBackend):
    """The translation memory in a PostgreSQL database.

    Args:
        url: A libpq URL (``postgresql://user@host:5432/dbname``).
        max_connections: Size of the connection pool.
        connect_timeout: Seconds to wait for the server.

    Raises:
        ServerUnreachable: If the server cannot be reached.
        MtfixError: If the database has no memory yet (run ``mtfix tm init --tm URL``).
    """

    def __init__(self, url: str, *, max_connections: int = 8, connect_timeout: float = CONNECT_TIMEOUT):
        psycopg, psycopg_pool = _driver()
        self.url = url
        self._psycopg = psycopg
        self._timeout = connect_timeout
        try:  # one direct attempt first: a refused connection fails now, with the driver's reason
            psycopg.connect(url, connect_timeout=max(1, int(connect_timeout))).close()
        except psycopg.OperationalError as error:
            raise ServerUnreachable(f"cannot reach the memory server: {_first_line(error)}",
                                    display_url(url)) from error
        self.pool = psycopg_pool.ConnectionPool(
            url, min_size=1, max_size=max_connections, open=False, timeout=connect_timeout,
            kwargs={"autocommit": True, "connect_timeout": max(1, int(connect_timeout))},
            reconnect_timeout=0,  # a broken pool is the caller's to reopen, not retried for minutes
            name="mtfix-tm",
        )
        try:
            self.pool.open(wait=True, timeout=connect_timeout)
        except psycopg_pool.PoolTimeout as error:
            self.pool.close()
            raise ServerUnreachable("cannot reach the memory server", display_url(url)) from error
        try:
            self._check_schema()
        except BaseException:
            self.pool.close()
            raise

    def _check_schema(self) -> None:
        with self._connection() as conn:
            exists = conn.execute("SELECT to_regclass('mtfix_schema') IS NOT NULL").fetchone()[0]
            version = conn.execute("SELECT coalesce(max(version), 0) FROM mtfix_schema").fetchone()[0] if exists else 0
            if version == 0:
                raise MtfixError("this database holds no mtfix memory yet: create it once with "
                                 "`mtfix tm init --tm URL`", display_url(self.url))
            if version != LATEST:
                _migrate(conn, self.url)

    def close(self) -> None:
        """Close every connection of the pool."""
        self.pool.close()

    def __enter__(self) -> PgMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- connections and retries -----------------------------------------------------------
    def _connection(self):
        """A pooled connection; driver connection errors become :class:`ServerUnreachable`."""
        return _Guard(self)

    def _run(self, work: Callable, *, serializable: bool = False):
        """Run ``work(conn)`` in a transaction, retried on serialisation failures and deadlocks.

        A connection lost half way is tried once more on a new one, so a write may be applied
        twice if the server committed it just before the connection broke (confirmations
        then count one use more; nothing is lost).
        """
        errors = self._psycopg.errors
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self._connection() as conn, conn.transaction():
                    if serializable:
                        conn.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
                    return work(conn)
            except ServerUnreachable:
                # a pooled connection may be stale (the server restarted since): the pool
                # discarded it, so one more try on a fresh one tells "down" from "restarted"
                if attempt > 0:
                    raise
            except (errors.SerializationFailure, errors.DeadlockDetected) as error:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise MtfixError(f"the memory server stayed too busy: {_first_line(error)}",
                                     display_url(self.url)) from error
                time.sleep(random.uniform(0, 0.01 * 2**min(attempt, 6)))
        raise AssertionError("unreachable")

    def __len__(self) -> int:
        return self._run(lambda conn: conn.execute("SELECT count(*) FROM tm_units").fetchone()[0])

    # --- writing ---------------------------------------------------------------------------
    def add(self, unit: TmUnit) -> TmUnit:
        """Store one unit (merged into an identical one if there is one); returns it with its id."""
        added: list[str] = []

        def work(conn) -> TmUnit:
            added.clear()  # a retried transaction starts again
            return _get(conn, _add(conn, unit, added))

        stored = self._run(work, serializable=True)
        self._count_words(added)
        return stored

    def import_units(self, units: Iterable[TmUnit], *, progress: Callable[[int], None] | None = None) -> ImportResult:
        """Store many units in one transaction (COPY): all of them, or none if ``units`` raises.

        The units are copied into a staging table that draws their ids from the memory's
        sequence as they arrive, so their words are indexed from the staging table without
        finding the stored units again (and nothing needs de-duplicating: the ids are new).
        """
        with self._connection() as conn, conn.transaction():
            # sorts and hashes of a million units' words stay in memory instead of on disk
            conn.execute(f"SET LOCAL work_mem = '{IMPORT_WORK_MEM}'")
            conn.execute(f"SET LOCAL maintenance_work_mem = '{IMPORT_WORK_MEM}'")
            conn.execute("CREATE TEMP TABLE tm_stage (id BIGINT NOT NULL DEFAULT nextval('tm_units_id_seq'), "
                         f"{_STAGE_COLUMNS}, words TEXT[]) ON COMMIT DROP")
            read = 0
            with conn.cursor().copy(f"COPY tm_stage ({_INSERT_COLUMNS}, words) FROM STDIN") as copy:
                for unit in units:
                    read += 1
                    values = _row_values(unit)
                    copy.write_row((*values, sorted(index_words(values[5]))))
                    if progress and read % 5000 == 0:
                        progress(read)
            if conn.execute("SELECT EXISTS (SELECT 1 FROM tm_units)").fetchone()[0]:
                conn.execute("CREATE INDEX ON tm_stage (source_hash)")
                conn.execute("ANALYZE tm_stage")
                conn.execute(
                    "UPDATE tm_units u SET created = least(u.created, s.created), changed = greatest(u.changed, "
                    "s.changed), usage_count = greatest(u.usage_count, s.usage_count) FROM (SELECT DISTINCT ON "
                    "(source_hash, source, target, source_language, target_language) * FROM tm_stage ORDER BY "
                    "source_hash, source, target, source_language, target_language, id) s WHERE " + _IDENTICAL)
                conn.execute(f"DELETE FROM tm_stage s USING tm_units u WHERE {_IDENTICAL}")
            # an import larger than the memory builds its indexes anew: several times faster
            # than adding a million units to them one by one (lookups wait until it is done)
            rebuild = read > conn.execute("SELECT count(*) FROM tm_units").fetchone()[0]
            if rebuild:
                # in the order confirmations take them (units, words, counts): no deadlock
                conn.execute("LOCK TABLE tm_units, tm_words, tm_word_counts IN ACCESS EXCLUSIVE MODE")
                conn.execute("ALTER TABLE tm_words DROP CONSTRAINT tm_words_pkey")
                for name, _ in _CONCORDANCE_INDEXES:
                    conn.execute(f"DROP INDEX IF EXISTS {name}")
            added = conn.execute(f"INSERT INTO tm_units (id, {_INSERT_COLUMNS}) SELECT id, {_INSERT_COLUMNS} "
                                 "FROM tm_stage ORDER BY id").rowcount
            if added:
                # in key order into a standing index, so it is written page after page, not at random
                conn.execute(f"INSERT INTO tm_words (word, length, unit_id) SELECT w.word COLLATE \"C\", "
                             f"least(s.source_length, {MAX_LENGTH}), s.id FROM tm_stage s "
                             "CROSS JOIN unnest(s.words) AS w(word)" + ("" if rebuild else " ORDER BY 1, 2, 3"))
                if not rebuild:
                    conn.execute(f"{_COUNT_UPSERT} SELECT w.word, least(s.source_length, {MAX_LENGTH}), count(*) "
                                 "FROM tm_stage s CROSS JOIN unnest(s.words) AS w(word) GROUP BY 1, 2 ORDER BY 1, 2 "
                                 f"{_COUNT_CONFLICT}")
            if rebuild:
                conn.execute("ALTER TABLE tm_words ADD PRIMARY KEY (word, length, unit_id)")
                # counted anew from the postings (exact again), faster than merging into the counts
                conn.execute("ALTER TABLE tm_word_counts DROP CONSTRAINT tm_word_counts_pkey")
                conn.execute("TRUNCATE tm_word_counts")
                conn.execute("INSERT INTO tm_word_counts SELECT word, length, count(*) FROM tm_words GROUP BY 1, 2")
                conn.execute("ALTER TABLE tm_word_counts ADD PRIMARY KEY (word, length)")
                for name, definition in _CONCORDANCE_INDEXES:
                    conn.execute(f"CREATE INDEX {name} ON tm_units {definition}")
            if progress:
                progress(read)
        if added > 1000:
            with self._connection() as conn:
                # VACUUM too: lookups count postings with index-only scans, which need it
                conn.execute("VACUUM ANALYZE tm_units, tm_words, tm_word_counts")
        return ImportResult(added, read - added)

    def delete(self, unit_id: int) -> bool:
        """Remove one unit; returns whether it existed."""
        # its postings stay (no index by unit): lookups check every candidate against tm_units
        return self._run(lambda conn: conn.execute("DELETE FROM tm_units WHERE id = %s", (unit_id,)).rowcount > 0)

    def update_units(self, units: Iterable[TmUnit]) -> int:
        """Overwrite target, origin, dates and usage count of stored units (by id), in one transaction."""
        rows = [(u.target, u.origin, u.created, u.changed, u.usage_count, u.id) for u in units]

        def work(conn) -> int:
            with conn.cursor() as cur:
                cur.executemany("UPDATE tm_units SET target = %s, origin = %s, created = %s, changed = %s, "
                                "usage_count = %s WHERE id = %s", rows)
                return len(rows)

        return self._run(work, serializable=True) if rows else 0

    def record_confirmation(self, source: str, target: str, source_language: str, target_language: str,
                            origin: str, *, changed: str | None = None) -> dict:
        """Add or update the unit for a segment confirmed at ``changed`` (default: now).

        The most recently changed unit with the same source and languages is updated; if it
        changed after ``changed`` (another reviewer confirmed it later, while this
        confirmation waited in a queue), its target is kept and the result says
        ``"superseded": True``.

        Returns:
            ``{"unit": id, "created": bool, "target": target, "before": {...} | None,
            "superseded": bool}``, for :meth:`revert_confirmation`.
        """
        when = changed or now_iso()
        source_language = canonical_language(source_language)
        target_language = canonical_language(target_language)

        def work(conn) -> dict:
            row = conn.execute(
                "SELECT id, target, changed, usage_count, origin FROM tm_units WHERE source_hash = %s AND source = %s "
                "AND source_language = %s AND target_language = %s ORDER BY changed DESC, id DESC LIMIT 1",
                (text_hash(source), source, source_language, target_language),
            ).fetchone()
            if row:
                unit_id, old_target, old_changed, usage, old_origin = row
                if old_changed > when and old_target != target:
                    conn.execute("UPDATE tm_units SET usage_count = usage_count + 1 WHERE id = %s", (unit_id,))
                    return {"unit": unit_id, "created": False, "target": old_target, "before": None,
                            "superseded": True}
                conn.execute(
                    "UPDATE tm_units SET target = %s, changed = %s, usage_count = %s, origin = %s WHERE id = %s",
                    (target, max(when, old_changed), usage + 1, origin, unit_id),
                )
                before = {"target": old_target, "changed": old_changed, "usage_count": usage, "origin": old_origin}
                return {"unit": unit_id, "created": False, "target": target, "before": before, "superseded": False}
            unit = TmUnit(source, target, source_language, target_language, origin, when, when, 1)
            unit_id = _insert(conn, _row_values(unit))
            return {"unit": unit_id, "created": True, "target": target, "before": None, "superseded": False}

        change = self._run(work, serializable=True)
        if change["created"]:
            self._count_words([normalise(source)])
        return change

    def _count_words(self, sources: list[str]) -> None:
        """Count the words of new units, after their transaction (counts are shared by all writers).

        Outside the serialisable transaction, so reviewers confirming at once wait a moment
        for each other instead of failing; a failure only leaves an estimate low.
        """
        if not sources:
            return
        counts = Counter((word, min(len(norm), MAX_LENGTH)) for norm in sources for word in index_words(norm))
        keys = sorted(counts)  # one order for every writer: no deadlocks

        def work(conn) -> None:
            conn.execute(f"SET LOCAL lock_timeout = '{COUNT_LOCK_TIMEOUT}'")
            conn.execute(f"{_COUNT_UPSERT} SELECT * FROM unnest(%s::text[], %s::int[], %s::bigint[]) {_COUNT_CONFLICT}",
                         ([w for w, _ in keys], [n for _, n in keys], [counts[k] for k in keys]))

        try:
            self._run(work)
        except (MtfixError, self._psycopg.Error) as error:
            log.warning("word counts not updated: %s", _first_line(error))

    def revert_confirmation(self, change: dict) -> None:
        """Undo :meth:`record_confirmation`, unless the unit changed again since."""

        def work(conn) -> None:
            row = conn.execute("SELECT target FROM tm_units WHERE id = %s", (change["unit"],)).fetchone()
            if row is None or row[0] != change["target"] or change.get("superseded"):
                return
            if change["created"]:
                conn.execute("DELETE FROM tm_units WHERE id = %s", (change["unit"],))
            elif change["before"]:
                before = change["before"]
                conn.execute(
                    "UPDATE tm_units SET target = %s, changed = %s, usage_count = %s, origin = %s WHERE id = %s",
                    (before["target"], before["changed"], before["usage_count"], before["origin"], change["unit"]),
                )

        self._run(work, serializable=True)

    # --- reading ---------------------------------------------------------------------------
    def get(self, unit_id: int) -> TmUnit | None:
        """The unit with this id, or None."""
        return self._run(lambda conn: _get(conn, unit_id))

    def units(self, *, source_language: str | None = None, target_language: str | None = None) -> Iterator[TmUnit]:
        """Every unit (optionally of one language pair), in id order, streamed in pages."""
        params: list = []
        where = _language_clause("source_language", source_language, params)
        where += _language_clause("target_language", target_language, params)
        last = 0
        while True:
            rows = self._run(lambda conn: conn.execute(
                f"SELECT {_COLUMNS} FROM tm_units WHERE id > %s{where} ORDER BY id LIMIT 2000",
                [last, *params]).fetchall())
            if not rows:
                return
            for row in rows:
                yield _unit_from_row(row)
            last = rows[-1][0]

    def units_with_sources(self, hashes: Iterable[int]) -> list[TmUnit]:
        """Every unit whose source has one of these :func:`text_hash` values, in id order."""
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return []
        return self._run(lambda conn: [_unit_from_row(r) for r in conn.execute(
            f"SELECT {_COLUMNS} FROM tm_units WHERE source_hash = ANY(%s) ORDER BY id", (wanted,))])

    def exact(self, text: str, *, source_language: str | None = None,
              target_language: str | None = None) -> list[TmMatch]:
        """Units whose source is identical to ``text`` once normalised; most recent first."""
        return self._run(lambda conn: _exact(conn, text, source_language, target_language))

    def fuzzy(self, text: str, *, source_language: str | None = None, target_language: str | None = None,
              threshold: float = DEFAULT_THRESHOLD, limit: int = 5) -> list[TmMatch]:
        """The ``limit`` best units scoring ``threshold`` or more (exact ones included), best first."""
        return self._run(lambda conn: _fuzzy(conn, text, source_language, target_language, threshold, limit))

    def lookup(self, text: str, *, source_language: str | None = None, target_language: str | None = None,
               threshold: float = DEFAULT_THRESHOLD, limit: int = 5) -> list[TmMatch]:
        """Exact matches first, then the best fuzzy ones, ``limit`` in all."""

        def work(conn) -> list[TmMatch]:
            found = _exact(conn, text, source_language, target_language)
            seen = {m.unit.id for m in found}
            for match in _fuzzy(conn, text, source_language, target_language, threshold, limit):
                if match.unit.id not in seen:
                    found.append(match)
            return found[:limit]

        return self._run(work)

    def search(self, phrase: str, *, source_language: str | None = None, target_language: str | None = None,
               limit: int | None = 100) -> list[TmUnit]:
        """Concordance: units whose source or target contains ``phrase`` (ASCII case ignored).

        The first :data:`SEARCH_PREFIX` units are read in order first: a common phrase has
        ``limit`` matches there, and they are the answer. Otherwise the trigram indexes find
        every unit that can hold it (the planner, misled by estimates for ``LIKE '%...%'``,
        would sometimes read the whole memory in order instead, or recheck half of it).
        """
        first, indexed = _search_queries(phrase, source_language, target_language, limit)

        def work(conn) -> list:
            if first is not None:
                rows = conn.execute(*first).fetchall()
                if len(rows) >= (limit or 0):
                    return rows
            conn.execute("SET LOCAL enable_indexscan = off")
            conn.execute("SET LOCAL enable_seqscan = off")
            return conn.execute(*indexed).fetchall()

        return [_unit_from_row(r) for r in self._run(work)]

    def stats(self) -> MemoryStats:
        """Counts of units, language pairs, origins and indexed words."""

        def work(conn) -> MemoryStats:
            units = conn.execute("SELECT count(*) FROM tm_units").fetchone()[0]
            pairs = conn.execute("SELECT source_language, target_language, count(*) FROM tm_units "
                                 "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2").fetchall()
            origins = conn.execute("SELECT count(DISTINCT origin) FROM tm_units").fetchone()[0]
            words = conn.execute("SELECT count(DISTINCT word) FROM tm_words").fetchone()[0]
            return MemoryStats(units, tuple(((s, t), n) for s, t, n in pairs), origins, words)

        return self._run(work)


class _Guard:
    """A pooled connection whose connection failures raise :class:`ServerUnreachable`."""

    def __init__(self, memory: PgMemory):
        self.memory = memory
        self.inner = None

    def __enter__(self):
        psycopg = self.memory._psycopg
        try:
            self.inner = self.memory.pool.connection(timeout=self.memory._timeout)
            return self.inner.__enter__()
        except Exception as error:
            if isinstance(error, psycopg.OperationalError) or type(error).__name__ in ("PoolTimeout", "PoolClosed"):
                raise ServerUnreachable(f"cannot reach the memory server: {_first_line(error)}",
                                        display_url(self.memory.url)) from error
            raise

    def __exit__(self, kind, error, trace):
        psycopg = self.memory._psycopg
        try:
            self.inner.__exit__(kind, error, trace)
        except psycopg.OperationalError as failure:
            raise ServerUnreachable(f"lost the memory server: {_first_line(failure)}",
                                    display_url(self.memory.url)) from failure
        if error is not None and isinstance(error, psycopg.OperationalError) and not isinstance(
                error, (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)):
            if isinstance(error, psycopg.errors.InsufficientPrivilege):
                return False
            raise ServerUnreachable(f"lost the memory server: {_first_line(error)}",
                                    display_url(self.memory.url)) from error
        return False


_MARKS = ",".join(["%s"] * 14)
_COUNT_UPSERT = "INSERT INTO tm_word_counts (word, length, n)"
_COUNT_CONFLICT = "ON CONFLICT (word, length) DO UPDATE SET n = tm_word_counts.n + excluded.n"
_STAGE_COLUMNS = (
    "source TEXT, target TEXT, source_language TEXT, target_language TEXT, source_hash BIGINT, source_norm TEXT, "
    "source_length INTEGER, origin TEXT, created TEXT, changed TEXT, usage_count INTEGER, notes TEXT, "
    "properties TEXT, extra TEXT"
)
_IDENTICAL = ("u.source_hash = s.source_hash AND u.source = s.source AND u.target = s.target "
              "AND u.source_language = s.source_language AND u.target_language = s.target_language")


def _get(conn, unit_id: int) -> TmUnit | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM tm_units WHERE id = %s", (unit_id,)).fetchone()
    return _unit_from_row(row) if row else None


def _add(conn, unit: TmUnit, added: list[str]) -> int:
    """Store or merge one unit; the normalised source of a new one is appended to ``added``."""
    values = _row_values(unit)
    row = conn.execute(
        "SELECT id FROM tm_units WHERE source_hash = %s AND source = %s AND target = %s AND source_language = %s "
        "AND target_language = %s ORDER BY id LIMIT 1", (values[4], values[0], values[1], values[2], values[3]),
    ).fetchone()
    if row:
        conn.execute("UPDATE tm_units SET created = least(created, %s), changed = greatest(changed, %s), "
                     "usage_count = greatest(usage_count, %s) WHERE id = %s", (values[8], values[9], values[10], row[0]))
        return row[0]
    added.append(values[5])
    return _insert(conn, values)


def _insert(conn, values: tuple) -> int:
    """Insert one unit (:func:`_row_values`) and index its words; returns its id."""
    unit_id = conn.execute(f"INSERT INTO tm_units ({_INSERT_COLUMNS}) VALUES ({_MARKS}) RETURNING id",
                           values).fetchone()[0]
    norm = values[5]
    conn.execute("INSERT INTO tm_words (word, length, unit_id) SELECT unnest(%s::text[]), %s, %s",
                  (sorted(index_words(norm)), min(len(norm), MAX_LENGTH), unit_id))
    return unit_id


def _exact(conn, text: str, source_language, target_language) -> list[TmMatch]:
    wanted = normalise(text)
    params: list = [text_hash(text), wanted]
    where = _language_clause("source_language", source_language, params)
    where += _language_clause("target_language", target_language, params)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM tm_units WHERE source_hash = %s AND source_norm = %s{where} "
                        "ORDER BY changed DESC, id", params).fetchall()
    return [TmMatch(u, 100.0, explain(text, u.source), exact=True) for u in map(_unit_from_row, rows)]


def _search_queries(phrase: str, source_language, target_language,
                    limit: int | None) -> tuple[tuple[str, list] | None, tuple[str, list]]:
    """The SQL and parameters of :meth:`PgMemory.search`: on the first units, and on all.

    Written on the expressions the concordance trigram indexes hold, so the server can
    answer from them (for a phrase of three characters or more).
    """
    escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    params: list = [pattern, pattern]
    where = _language_clause("source_language", source_language, params)
    where += _language_clause("target_language", target_language, params)
    folded = _ascii_lower("%s")
    match = f"({_FOLDED_SOURCE} LIKE {folded} OR {_FOLDED_TARGET} LIKE {folded}){where} ORDER BY id"
    if limit is None:
        return None, (f"SELECT {_COLUMNS} FROM tm_units WHERE {match}", params)
    first = (f"SELECT {_COLUMNS} FROM (SELECT * FROM tm_units ORDER BY id LIMIT {SEARCH_PREFIX}) AS u "
             f"WHERE {match} LIMIT {int(limit)}")
    return (first, params), (f"SELECT {_COLUMNS} FROM tm_units WHERE {match} LIMIT {int(limit)}", params)


def _candidates(conn, query: str, threshold: float, limit: int) -> tuple[list[tuple[int, float]], float]:
    """:func:`mtfix.store.tm_index.candidates` on the ``tm_words`` table.

    The same choice of words (the rarest ones, then more while at most
    :data:`~mtfix.store.tm_index.READ_BUDGET` postings are read) and the same estimate,
    ``200 * shared word characters / (sum of lengths)``, ranked in SQL: (unit id, estimate)
    pairs, best first then by id, and the most an estimate can be low for skipped words.
    """
    words = sorted(index_words(query))
    if not words:
        return [], 0.0
    lq = len(query)
    low, high = length_range(lq, threshold)
    sizes = dict(conn.execute(
        "SELECT word, sum(n)::bigint FROM tm_word_counts WHERE word = ANY(%s) AND length BETWEEN %s AND %s GROUP BY word",
        (words, low, high)).fetchall())
    known = sorted((w for w in words if sizes.get(w)), key=lambda w: (sizes[w], w))
    chosen: list[str] = []
    read = 0
    for n, word in enumerate(known):
        if n >= MIN_WORDS and read + sizes[word] > READ_BUDGET:
            break
        chosen.append(word)
        read += sizes[word]
    skipped = sum(len(w) for w in known[len(chosen):])
    slack = 200.0 * skipped / (lq + max(low, 1))
    if not chosen:
        return [], slack
    rows = conn.execute(
        "SELECT t.unit_id, 200.0::float8 * sum(q.weight)::float8 / (%s + max(t.length))::float8 AS estimate "
        "FROM unnest(%s::text[], %s::int[]) AS q(word, weight) JOIN tm_words t ON t.word = q.word "
        "WHERE t.length BETWEEN %s AND %s GROUP BY t.unit_id ORDER BY estimate DESC, t.unit_id LIMIT %s",
        (lq, chosen, [len(w) for w in chosen], low, high, limit)).fetchall()
    return rows, slack


def _sources(conn, ids: list[int], source_language, target_language) -> dict[int, str]:
    """The normalised sources of these units, if they exist and match the languages."""
    if not ids:
        return {}
    return {
        unit_id: norm
        for unit_id, norm, source_lang, target_lang in conn.execute(
            "SELECT id, source_norm, source_language, target_language FROM tm_units WHERE id = ANY(%s)", (ids,))
        if (not source_language or language_matches(source_lang, source_language))
        and (not target_language or language_matches(target_lang, target_language))
    }


def _fuzzy(conn, text, source_language, target_language, threshold, limit) -> list[TmMatch]:
    """The SQLite memory's fuzzy lookup (:func:`mtfix.store.memory._fuzzy`) on the server.

    The :data:`~mtfix.store.memory.RESCORED` best estimated units are scored with rapidfuzz;
    then every further one that could still enter the top ``limit``, as
    :func:`~mtfix.core.matching.rescore` decides.
    """
    query = normalise(text)
    if not query or limit <= 0:
        return []
    ranked, slack = _candidates(conn, query, threshold, RESCORED_MAX)
    best = rescore(query, ranked, slack, lambda ids: _sources(conn, ids, source_language, target_language),
                   threshold=threshold, limit=limit, first=RESCORED, most=RESCORED_MAX)
    if not best:
        return []
    units = {r[0]: _unit_from_row(r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM tm_units WHERE id = ANY(%s)", ([unit_id for unit_id, _, _ in best],))}
    best = [match for match in best if match[0] in units]
    explained = explain_matches(query, [source for _, _, source in best], [found for _, found, _ in best])
    return [TmMatch(units[unit_id], round(found, 2), explanation, exact=source == query)
            for (unit_id, found, source), explanation in zip(best, explained, strict=True)]


__all__ = [
    "LATEST",
    "PgMemory",
    "ServerUnreachable",
    "display_url",
    "init_schema",
    "is_server_url",
]
