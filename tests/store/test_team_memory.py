"""A team's memory on PostgreSQL: same scores as SQLite, confirmations sent, queued, never lost."""

from __future__ import annotations

import threading
import time

import pytest

from mtfix.core.models import Document, Segment, TmUnit
from mtfix.errors import MtfixError
from mtfix.store.memory import TranslationMemory
from mtfix.store import pg_memory
from mtfix.store.pg_memory import LATEST, PgMemory, ServerUnreachable, init_schema
from mtfix.store.team import TeamWorkspace, open_workspace

SOURCES = [
    "The committee approved the budget today.",
    "The committee approved the new budget yesterday.",
    "The village council opened the bridge.",
    "The village council closed the old bridge.",
    "Teachers asked the minister to explain the changes.",
    "The museum will extend its opening hours.",
]


@pytest.fixture
def server_memory(pg_url):
    init_schema(pg_url)
    with PgMemory(pg_url) as memory:
        yield memory


def make_document(tmp_path, texts, name="doc.txt") -> Document:
    segments = tuple(Segment(i, t, "\n") for i, t in enumerate(texts))
    return Document(segments=segments, prefix="", path=str(tmp_path / name))


def wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_scores_and_explanations_are_identical_on_both_backends(tmp_path, server_memory):
    """The same units give the same matches, scores and explanations on SQLite and PostgreSQL."""
    units = [TmUnit(s, f"t{i}") for i, s in enumerate(SOURCES)]
    with TranslationMemory(tmp_path / "tm.mtfix") as local:
        local.import_units(units)
        server_memory.import_units(units)
        queries = ["The committee approved the budget.", "The village council opened the old bridge!",
                   "Teachers asked the minister to explain the changes.", "Nothing like any of them."]
        for query in queries:
            ours = [(m.unit.target, m.score, m.explanation, m.exact) for m in local.lookup(query, threshold=60)]
            theirs = [(m.unit.target, m.score, m.explanation, m.exact)
                      for m in server_memory.lookup(query, threshold=60)]
            assert ours == theirs
        assert local.lookup(queries[0], threshold=60)  # the comparison compared something


def test_unreachable_server_is_a_clear_error():
    """A server that does not answer raises an MtfixError naming it, not a driver error."""
    with pytest.raises(ServerUnreachable) as caught:
        PgMemory("postgresql://nobody:secret@127.0.0.1:1/mtfix", connect_timeout=1)
    assert isinstance(caught.value, MtfixError)
    assert "127.0.0.1:1" in str(caught.value) and "secret" not in str(caught.value)


def test_a_database_without_schema_says_to_run_init(pg_url):
    """Opening a database nobody initialised says which command creates the memory."""
    with pytest.raises(MtfixError, match="mtfix tm init"):
        PgMemory(pg_url)
    assert init_schema(pg_url) == (0, LATEST)
    assert init_schema(pg_url) == (LATEST, LATEST)  # running it again changes nothing


def test_a_memory_from_before_the_word_index_is_indexed_when_opened(pg_url):
    """Units stored by an mtfix without the fuzzy word index are found fuzzily after the upgrade."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE mtfix_schema (version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())")
        for statement in pg_memory.MIGRATIONS[0][1]:
            conn.execute(statement)
        conn.execute("INSERT INTO mtfix_schema (version) VALUES (1)")
        for i, source in enumerate(SOURCES):
            conn.execute(f"INSERT INTO tm_units ({pg_memory._INSERT_COLUMNS}) VALUES ({pg_memory._MARKS})",
                         pg_memory._row_values(TmUnit(source, f"t{i}")))
    with PgMemory(pg_url) as memory:
        assert [m.unit.target for m in memory.fuzzy("The committee approved the budget.")] == ["t0", "t1"]
        assert memory.stats().indexed_words > 10


def test_open_workspace_refuses_a_url_that_is_not_a_server(tmp_path):
    """``tm = "..."`` must name a postgresql:// server."""
    with pytest.raises(MtfixError, match="postgresql://"):
        open_workspace(tmp_path / "w.mtfix", "mysql://x")


def test_concurrent_confirmations_of_one_segment_make_one_unit(server_memory):
    """Eight reviewers confirming the same segment at once: one unit, every confirmation counted."""
    barrier = threading.Barrier(8)
    errors = []

    def confirm(n: int) -> None:
        try:
            barrier.wait()
            server_memory.record_confirmation("Same source.", f"target {n}", "en", "en", f"doc{n}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    [unit] = list(server_memory.units())
    assert unit.usage_count == 8


def test_confirmations_reach_the_server_and_lookups_come_from_it(tmp_path, pg_url, server_memory):
    """Confirming in a team workspace stores the unit on the server; undo takes it back."""
    server_memory.add(TmUnit("The harbour reopened after the storm.", "Only on the server."))
    with TeamWorkspace(tmp_path / "w.mtfix", pg_url, background=False) as ws:
        doc = ws.import_document(make_document(tmp_path, SOURCES[:3]), {}).id
        ws.confirm(doc, 0)
        ws.confirm(doc, 1)
        assert ws.sync().sent == 2
        assert {u.source for u in server_memory.units()} >= {SOURCES[0], SOURCES[1]}
        [match] = ws.memory.lookup("The harbour reopened after the storm.")
        assert match.unit.target == "Only on the server."
        ws.undo(doc)
        ws.sync()
        assert SOURCES[1] not in {u.source for u in server_memory.units()}
        assert SOURCES[1] not in {u.source for u in ws.local_memory.units()}


def test_older_queued_confirmation_does_not_overwrite_a_later_one(tmp_path, pg_url, server_memory):
    """A confirmation sent late keeps the translation another reviewer confirmed after it."""
    with TeamWorkspace(tmp_path / "w.mtfix", pg_url, background=False) as ws:
        doc = ws.import_document(make_document(tmp_path, SOURCES[:1]), {}).id
        ws.set_target(doc, 0, "Mine, confirmed first.")
        ws.confirm(doc, 0)
        server_memory.record_confirmation(SOURCES[0], "Theirs, confirmed later.", "en", "en", "other",
                                          changed="2999-01-01T00:00:00Z")
        assert ws.sync().superseded == 1
    [unit] = list(server_memory.units())
    assert unit.target == "Theirs, confirmed later."


def test_server_killed_during_confirmations_loses_nothing(tmp_path, pg_server, pg_url, server_memory):
    """The server dies mid-review: the review goes on, and every confirmation arrives after restart."""
    texts = [f"Segment number {n} of the annual report on the river bridge." for n in range(8)]
    ws = TeamWorkspace(tmp_path / "w.mtfix", pg_url, retry_seconds=0.2, connect_timeout=1)
    try:
        doc = ws.import_document(make_document(tmp_path, texts), {}).id
        for n in range(3):
            ws.confirm(doc, n)
        assert wait_until(lambda: ws.outbox.pending() == 0)
        pg_server.stop("immediate")  # a crash, not a clean shutdown
        try:
            for n in range(3, 8):
                ws.set_target(doc, n, f"Confirmed while the server was down ({n}).")
                ws.confirm(doc, n)
            matches = ws.memory.lookup(texts[7])  # the review goes on, from the local memory
            assert matches[0].unit.target == "Confirmed while the server was down (7)."
            assert ws.outbox.pending() == 5
            assert not ws.team.online
        finally:
            pg_server.start()
        assert wait_until(lambda: ws.outbox.pending() == 0)
    finally:
        ws.close()
    with PgMemory(pg_url) as after:
        on_server = {u.source: u.target for u in after.units()}
    assert set(on_server) == set(texts)
    assert on_server[texts[5]] == "Confirmed while the server was down (5)."


def test_queued_confirmations_are_sent_on_the_next_open(tmp_path, pg_server, pg_url, server_memory):
    """Confirmations still queued when the review ends are sent the next time it opens."""
    path = tmp_path / "w.mtfix"
    pg_server.stop("fast")
    try:
        ws = TeamWorkspace(path, pg_url, background=False, connect_timeout=1)
        doc = ws.import_document(make_document(tmp_path, SOURCES[:2]), {}).id
        ws.confirm(doc, 0)
        ws.confirm(doc, 1)
        ws.close()
        assert ws.pending_at_close == 2
    finally:
        pg_server.start()
    with TeamWorkspace(path, pg_url) as ws:
        assert wait_until(lambda: ws.outbox.pending() == 0)
    assert {u.source for u in server_memory.units()} == set(SOURCES[:2])
