"""The versioned schema of the workspace file and its migrations.

``PRAGMA user_version`` holds the version. Opening a file runs every migration above its
version, in order, in one ``BEGIN IMMEDIATE`` transaction, so a half-upgraded file cannot
exist. A file from a newer mtfix is refused rather than damaged.

Versions:
    1. Documents, segments, proposed fixes, fix decisions, actions and revisions (undo and
       audit), translation-memory units.
    2. The persisted word index of the memory (``tm_postings``, ``tm_postings_new``) that
       fuzzy lookup starts from; built for the units already present.
    3. The word index split by length class, each posting carrying the unit's length
       (``tm_postings(word, bucket, chunk, n, postings)``), so lookups read only units of
       a possible length and rank candidates without reading ``tm_units``; rebuilt from the
       units present.
    4. A word count per segment (so a review opens without reading every text), and
       ``dismissals``: QA findings a reviewer dismissed, with the reason.
    5. ``segments.seconds``: the time the review UI measured on each segment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from mtfix.store.db import WorkspaceError

if TYPE_CHECKING:
    from mtfix.store.db import Database

SCHEMA_V1 = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    encoding TEXT NOT NULL DEFAULT 'utf-8',
    bom INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL,
    changed TEXT NOT NULL
);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    mt TEXT NOT NULL,
    source TEXT,
    separator TEXT NOT NULL DEFAULT '',
    paragraph INTEGER NOT NULL DEFAULT 0,
    unit_id TEXT NOT NULL DEFAULT '',
    mt_hash INTEGER NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    propagated INTEGER NOT NULL DEFAULT 0,
    edited INTEGER NOT NULL DEFAULT 0,
    UNIQUE (document_id, idx)
);
CREATE INDEX segments_by_mt ON segments(document_id, mt_hash);
CREATE TABLE fixes (
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    rule TEXT NOT NULL,
    kind TEXT NOT NULL,
    applied INTEGER NOT NULL,
    score REAL,
    note TEXT NOT NULL DEFAULT '',
    fix_key TEXT NOT NULL,
    PRIMARY KEY (segment_id, ordinal)
) WITHOUT ROWID;
CREATE TABLE decisions (
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    fix_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    decision TEXT NOT NULL,
    PRIMARY KEY (segment_id, fix_key)
) WITHOUT ROWID;
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    cause TEXT NOT NULL,
    state TEXT NOT NULL,
    reverts INTEGER,
    tm_change TEXT,
    created TEXT NOT NULL
);
CREATE INDEX actions_by_state ON actions(document_id, generation, state);
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    cause TEXT NOT NULL,
    target_before TEXT NOT NULL,
    target_after TEXT NOT NULL,
    status_before TEXT NOT NULL,
    status_after TEXT NOT NULL,
    propagated_before INTEGER NOT NULL,
    propagated_after INTEGER NOT NULL,
    edited_before INTEGER NOT NULL,
    edited_after INTEGER NOT NULL,
    decision_key TEXT,
    decision_rule TEXT,
    decision_before TEXT,
    decision_after TEXT,
    created TEXT NOT NULL
);
CREATE INDEX revisions_by_action ON revisions(action_id);
CREATE INDEX revisions_by_segment ON revisions(document_id, idx);
CREATE TABLE tm_units (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_language TEXT NOT NULL,
    target_language TEXT NOT NULL,
    source_hash INTEGER NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    changed TEXT NOT NULL,
    usage_count INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '[]',
    properties TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX tm_units_by_hash ON tm_units(source_hash);
"""

SCHEMA_V2 = """
CREATE TABLE tm_postings (
    word TEXT NOT NULL,
    chunk INTEGER NOT NULL,
    ids BLOB NOT NULL,
    PRIMARY KEY (word, chunk)
);
CREATE TABLE tm_postings_new (
    word TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    PRIMARY KEY (word, unit_id)
) WITHOUT ROWID;
"""

SCHEMA_V3 = """
DROP TABLE tm_postings;
DROP TABLE tm_postings_new;
CREATE TABLE tm_postings (
    word TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    n INTEGER NOT NULL,
    postings BLOB NOT NULL
);
CREATE UNIQUE INDEX tm_postings_by_word ON tm_postings(word, bucket, chunk, n);
CREATE TABLE tm_postings_new (
    word TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    length INTEGER NOT NULL,
    PRIMARY KEY (word, bucket, unit_id)
) WITHOUT ROWID;
"""


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Run each statement of ``script`` inside the open transaction (executescript would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v1(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_V1)


def _v2(conn: sqlite3.Connection) -> None:
    # the version-2 index is built by the next step, in the same transaction
    _run(conn, SCHEMA_V2)


def _v3(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_V3)
    from mtfix.store.tm_index import rebuild

    rebuild(conn)


SCHEMA_V4 = """
ALTER TABLE segments ADD COLUMN words INTEGER NOT NULL DEFAULT 0;
CREATE TABLE dismissals (
    segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
    check_id TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    reason TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (segment_id, check_id, excerpt)
) WITHOUT ROWID;
"""


def _v4(conn: sqlite3.Connection) -> None:
    _run(conn, SCHEMA_V4)
    conn.executemany(
        "UPDATE segments SET words = ? WHERE id = ?",
        [(len(mt.split()), segment_id) for segment_id, mt in conn.execute("SELECT id, mt FROM segments")],
    )


def _v5(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE segments ADD COLUMN seconds REAL NOT NULL DEFAULT 0")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5]
"""MIGRATIONS[n] brings a file from version n to version n + 1."""

LATEST = len(MIGRATIONS)


def upgrade(db: Database, target: int = LATEST) -> int:
    """Bring the file up to ``target`` (default: the latest version); returns the version.

    Raises:
        WorkspaceError: The file was written by a newer mtfix, or is not a database.
    """
    conn = db.connection()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > LATEST:
        raise WorkspaceError(
            f"workspace schema version {version} is newer than this mtfix understands ({LATEST})",
            db.path,
        )
    if version >= target:
        return version
    try:
        with db.write() as conn:
            # re-read under the write lock: another process may have upgraded meanwhile
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, target):
                MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version = {max(version, target)}")
    except sqlite3.DatabaseError as error:
        raise WorkspaceError(f"cannot upgrade workspace: {error}", db.path) from error
    return max(version, target)
