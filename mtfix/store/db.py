"""The SQLite file behind a workspace: connections, transactions, schema upgrades.

Rules every store module follows:

- One connection per thread (:meth:`Database.connection`), opened lazily, WAL journal,
  ``synchronous=FULL`` (an acknowledged write survives a crash), ``busy_timeout``.
- Every write is one short transaction started with ``BEGIN IMMEDIATE``
  (:meth:`Database.write`): the write lock is taken up front, so two processes never
  deadlock upgrading a read lock, and a busy database is waited for and retried instead of
  failing with "database is locked".
- The schema is versioned by ``PRAGMA user_version`` and upgraded on open (:mod:`.schema`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mtfix.errors import MtfixError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
"""How long one statement waits for another process's write lock."""

WRITE_RETRY_SECONDS = 120.0
"""How long :meth:`Database.write` keeps retrying a busy database before giving up."""


class WorkspaceError(MtfixError):
    """A workspace file that cannot be opened or used."""


class Database:
    """One SQLite file, one connection per thread.

    Args:
        path: The database file; created (with its folder) if missing.
        schema_version: Upgrade the schema to this version (default: the latest); tests
            use it to make files of earlier versions.
    """

    def __init__(self, path: str | Path, *, schema_version: int | None = None):
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _create_with_umask(self.path)
        from mtfix.store.schema import LATEST, upgrade

        try:
            upgrade(self, schema_version or LATEST)
        except BaseException:
            self.close()
            raise

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise WorkspaceError(f"not a usable workspace: {error}", self.path) from error
        return conn

    @staticmethod
    def _retry(operation):
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        delay = 0.005
        while True:
            try:
                return operation()
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() > deadline:
                    raise
                log.debug("database busy, retrying: %s", error)
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: ``BEGIN IMMEDIATE`` (retried while busy), then commit.

        The transaction is rolled back if the block raises.
        """
        conn = self.connection()
        self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            self._retry(lambda: conn.execute("COMMIT"))

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query in the block sees the same snapshot."""
        conn = self.connection()
        if conn.in_transaction:  # nested inside a write: already consistent
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this object opened (in any thread)."""
        with self._lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.ProgrammingError:  # opened in another thread, already gone
                    pass
            self._connections.clear()
        self._local = threading.local()


def _create_with_umask(path: Path) -> None:
    """Create a missing workspace file with the permissions the user's umask gives.

    SQLite would create it 0644 whatever the umask (too open under 077, too closed
    for a group under 002); its -wal and -shm files copy the database file's mode.
    An empty file is a valid new database.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        pass
    except OSError as error:
        raise WorkspaceError(f"cannot create the workspace: {error.strerror or error}", path) from None


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    message = str(error)
    return "locked" in message or "busy" in message
