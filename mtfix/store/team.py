"""A review workspace whose memory is a team's server: lookups there, confirmations sent there.

The workspace file stays local and keeps working exactly as before: a confirmation is
committed to the local memory in the same transaction as the segment (and its action in
the history). What this module adds:

- :class:`TeamMemory` answers lookups from the server, and from the local memory while the
  server cannot be reached (it tries the server again every ``retry_seconds``).
- :class:`Outbox`: the history of the workspace *is* the queue. Every confirmation, undo
  and redo of a confirmation is an action in the workspace file, written in the same
  transaction as the segment; the outbox remembers, per server, the last action sent. So a
  confirmation made while the server is down, or while mtfix crashes, is never lost: it is
  sent (in order, with the time it was made) the next time the server answers.
- :class:`TeamWorkspace` sends them from a background thread after every confirmation, undo
  and redo, retries while the server is down, and tries once more on close.

Delivery is at least once: if the connection breaks after the server committed but before
the local note of it, the confirmation is sent again (the unit's usage count grows by one
more; its target is the same). A queued confirmation older than the server's unit of the
same source (another reviewer confirmed it later) does not overwrite it; it is counted in
:attr:`FlushResult.superseded`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mtfix.core.models import TmMatch, TmUnit
from mtfix.errors import MtfixError
from mtfix.store.db import Database
from mtfix.store.memory import DEFAULT_THRESHOLD, TranslationMemory
from mtfix.store.memory_base import MemoryBackend
from mtfix.store.pg_memory import PgMemory, ServerUnreachable, display_url, is_server_url
from mtfix.store.workspace import Workspace

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
"""How long after a failure the server is tried again."""

_TABLES = (
    "CREATE TABLE IF NOT EXISTS tm_team_sync (server TEXT PRIMARY KEY, last_action INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tm_team_sent (server TEXT NOT NULL, action_id INTEGER NOT NULL, "
    "change TEXT NOT NULL, PRIMARY KEY (server, action_id))",
)


@dataclass(frozen=True, slots=True)
class FlushResult:
    """What one flush of the outbox sent.

    Attributes:
        sent: Confirmations, undos and redos delivered.
        superseded: Confirmations the server already had a later translation for.
    """

    sent: int = 0
    superseded: int = 0


class TeamMemory(MemoryBackend):
    """The server's memory, or the local one while the server is unreachable.

    Args:
        local: The workspace's own memory.
        url: The server (``postgresql://...``).
        connect_timeout: Seconds to wait for the server.
        retry_seconds: After a failure, lookups stay local this long before trying again.
    """

    def __init__(self, local: TranslationMemory, url: str, *, connect_timeout: float = 3.0,
                 retry_seconds: float = RETRY_SECONDS):
        self.local = local
        self.url = url
        self.connect_timeout = connect_timeout
        self.retry_seconds = retry_seconds
        self._server: PgMemory | None = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()
        self.last_error: MtfixError | None = None
        """Why the server was last unreachable (None while it answers)."""

    @property
    def online(self) -> bool:
        """Whether the last attempt to use the server succeeded."""
        return self._failed_at is None

    def server(self, *, force: bool = False) -> PgMemory:
        """The server's memory, connected on first use.

        Args:
            force: Try now even if the server failed less than ``retry_seconds`` ago.

        Raises:
            ServerUnreachable: If it cannot be reached (or failed too recently to try again).
        """
        with self._lock:
            if self._server is not None:
                return self._server
            if not force and self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_seconds:
                raise self.last_error or ServerUnreachable("memory server unreachable", display_url(self.url))
            try:
                self._server = PgMemory(self.url, connect_timeout=self.connect_timeout)
            except ServerUnreachable as error:
                self._failed_at, self.last_error = time.monotonic(), error
                raise
            self._failed_at = self.last_error = None
            return self._server

    def failed(self, error: ServerUnreachable) -> None:
        """Note that the server broke: drop its connections, use the local memory for a while."""
        with self._lock:
            server, self._server = self._server, None
            if server is None and self._failed_at is not None:
                return  # already known (a refused try, or one made while waiting to retry)
            self._failed_at, self.last_error = time.monotonic(), error
        if server is not None:
            try:
                server.close()
            except Exception:  # closing a broken pool must not hide the real failure
                log.debug("closing the broken pool failed", exc_info=True)

    def _read(self, name: str, *args, **kwargs):
        try:
            return getattr(self.server(), name)(*args, **kwargs)
        except ServerUnreachable as error:
            log.info("memory server unreachable, using the local memory: %s", error)
            self.failed(error)
            return getattr(self.local, name)(*args, **kwargs)

    def close(self) -> None:
        """Close the connections to the server (the local memory belongs to the workspace)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()

    def __enter__(self) -> TeamMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self._read("__len__")

    # writes go to the server only: they are the team's, and fail loudly when it is down
    def add(self, unit: TmUnit) -> TmUnit:
        """Store one unit on the server."""
        return self.server(force=True).add(unit)

    def import_units(self, units, *, progress=None):
        """Store many units on the server, in one transaction."""
        return self.server(force=True).import_units(units, progress=progress)

    def delete(self, unit_id: int) -> bool:
        """Remove one unit from the server."""
        return self.server(force=True).delete(unit_id)

    def update_units(self, units: Iterable[TmUnit]) -> int:
        """Overwrite units on the server."""
        return self.server(force=True).update_units(units)

    def get(self, unit_id: int) -> TmUnit | None:
        """The unit with this id (the server's, or the local one's while offline)."""
        return self._read("get", unit_id)

    def units(self, **languages):
        """Every unit of the server (or of the local memory while offline)."""
        return self._read("units", **languages)

    def units_with_sources(self, hashes: Iterable[int]) -> list[TmUnit]:
        """Units with these source hashes (server, else local)."""
        return self._read("units_with_sources", list(hashes))

    def exact(self, text: str, **languages) -> list[TmMatch]:
        """Exact matches (server, else local)."""
        return self._read("exact", text, **languages)

    def fuzzy(self, text: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5, **languages) -> list[TmMatch]:
        """Fuzzy matches (server, else local)."""
        return self._read("fuzzy", text, threshold=threshold, limit=limit, **languages)

    def lookup(self, text: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5, **languages) -> list[TmMatch]:
        """Exact then fuzzy matches (server, else local)."""
        return self._read("lookup", text, threshold=threshold, limit=limit, **languages)

    def search(self, phrase: str, **options) -> list[TmUnit]:
        """Concordance (server, else local)."""
        return self._read("search", phrase, **options)

    def stats(self):
        """Counts (server, else local)."""
        return self._read("stats")


class Outbox:
    """The confirmations of a workspace not yet sent to one server.

    Args:
        db: The workspace's database.
        url: The server; its password is not stored.
    """

    def __init__(self, db: Database, url: str):
        self.db = db
        self.key = display_url(url)
        with db.write() as conn:
            for statement in _TABLES:
                conn.execute(statement)
            # the first time with this server: everything earlier is the local memory's own
            # (``mtfix tm push`` sends it); from now on every confirmation goes to the server
            conn.execute(
                "INSERT OR IGNORE INTO tm_team_sync (server, last_action) "
                "SELECT ?, coalesce(max(id), 0) FROM actions", (self.key,))

    def _cursor(self, conn) -> int:
        return conn.execute("SELECT last_action FROM tm_team_sync WHERE server = ?", (self.key,)).fetchone()[0]

    def _pending_rows(self, conn, limit: int | None = None) -> list[tuple]:
        """(action, cause, confirmed action, its change, created, origin) still to send, in order."""
        sql = (
            "SELECT a.id, a.cause, c.id, c.tm_change, a.created, d.path FROM actions a "
            "JOIN actions c ON c.id = CASE WHEN a.cause = 'confirmed' THEN a.id ELSE a.reverts END "
            "JOIN documents d ON d.id = a.document_id "
            "WHERE a.id > ? AND a.cause IN ('confirmed', 'undo', 'redo') AND c.cause = 'confirmed' "
            "AND c.tm_change IS NOT NULL ORDER BY a.id"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        return conn.execute(sql, (self._cursor(conn),)).fetchall()

    def pending(self) -> int:
        """How many confirmations, undos and redos wait for the server."""
        with self.db.read() as conn:
            return len(self._pending_rows(conn))

    def flush(self, server: PgMemory) -> FlushResult:
        """Send every waiting action to ``server``, in order; each is noted locally once sent.

        Raises:
            ServerUnreachable: If the server breaks half way (what was sent stays sent).
        """
        sent = superseded = 0
        while True:
            with self.db.read() as conn:
                rows = self._pending_rows(conn, limit=500)
            if not rows:
                return FlushResult(sent, superseded)
            for action, cause, confirmed, tm_change, created, origin in rows:
                change = json.loads(tm_change)
                if cause == "undo":
                    with self.db.read() as conn:
                        row = conn.execute("SELECT change FROM tm_team_sent WHERE server = ? AND action_id = ?",
                                           (self.key, confirmed)).fetchone()
                    if row:
                        server.revert_confirmation(json.loads(row[0]))
                    record = None
                else:
                    record = server.record_confirmation(
                        change["source"], change["target"], change["source_language"], change["target_language"],
                        origin, changed=created)
                    superseded += bool(record.get("superseded"))
                with self.db.write() as conn:
                    conn.execute("UPDATE tm_team_sync SET last_action = ? WHERE server = ?", (action, self.key))
                    if record is None:
                        conn.execute("DELETE FROM tm_team_sent WHERE server = ? AND action_id = ?",
                                     (self.key, confirmed))
                    else:
                        conn.execute("INSERT OR REPLACE INTO tm_team_sent (server, action_id, change) VALUES (?,?,?)",
                                     (self.key, confirmed, json.dumps(record)))
                sent += 1


class TeamWorkspace(Workspace):
    """A local workspace whose memory lookups and confirmations go to a team's server.

    Args:
        path: The workspace file (local, as always).
        url: The memory server (``postgresql://...``).
        retry_seconds: How often a server that is down is tried again.
        connect_timeout: Seconds to wait for the server.
        background: Send from a background thread (the review); tests may call :meth:`sync`.
    """

    def __init__(self, path: str | Path, url: str, *, retry_seconds: float = RETRY_SECONDS,
                 connect_timeout: float = 3.0, background: bool = True):
        super().__init__(path)
        try:
            self.local_memory = self.memory
            """The memory in the workspace file (every confirmation is there too)."""
            self.team = TeamMemory(self.local_memory, url, connect_timeout=connect_timeout,
                                   retry_seconds=retry_seconds)
            self.memory = self.team
            self.outbox = Outbox(self.db, url)
        except BaseException:
            super().close()
            raise
        self.last_result = FlushResult()
        self.pending_at_close = 0
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        if background:
            self._thread = threading.Thread(target=self._send_loop, name="mtfix-team-memory", daemon=True)
            self._thread.start()

    def sync(self) -> FlushResult | None:
        """Send what waits in the outbox now; None if the server cannot be reached."""
        with self._flush_lock:
            try:
                result = self.outbox.flush(self.team.server(force=True))
            except ServerUnreachable as error:
                log.info("confirmations stay queued: %s", error)
                self.team.failed(error)
                return None
            self.last_result = result
            return result

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            self.sync()
            self._wake.wait(self.team.retry_seconds)
            self._wake.clear()

    def _sent_soon(self, changed: list[int]) -> list[int]:
        self._wake.set()
        return changed

    def confirm(self, document_id: int, index: int, *, propagate: bool = True) -> list[int]:
        """Confirm locally (as :meth:`Workspace.confirm`), then send it to the server."""
        return self._sent_soon(super().confirm(document_id, index, propagate=propagate))

    def undo(self, document_id: int) -> list[int]:
        """Undo locally, then on the server if it was a confirmation."""
        return self._sent_soon(super().undo(document_id))

    def redo(self, document_id: int) -> list[int]:
        """Redo locally, then on the server if it was a confirmation."""
        return self._sent_soon(super().redo(document_id))

    def close(self) -> None:
        """Stop sending, try once more, close the server's connections and the file."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        try:
            if self.outbox.pending():
                self.sync()
            self.pending_at_close = self.outbox.pending()
        finally:
            self.team.close()
            super().close()


def open_workspace(path: str | Path, tm: str | None = None) -> Workspace:
    """The review workspace: local, with a team memory server if ``tm`` names one.

    Raises:
        MtfixError: If ``tm`` is neither empty nor a ``postgresql://`` URL.
    """
    if not tm:
        return Workspace(path)
    if not is_server_url(tm):
        raise MtfixError(f"not a memory server URL (postgresql://...): {tm!r}")
    return TeamWorkspace(path, tm)


__all__ = ["FlushResult", "Outbox", "TeamMemory", "TeamWorkspace", "open_workspace"]
