"""The workspace schema is created from nothing and upgraded from the previous version."""

from __future__ import annotations

import sqlite3

import pytest

from mtfix.core.models import TmUnit
from mtfix.store.db import Database, WorkspaceError
from mtfix.store.memory import TranslationMemory
from mtfix.store.schema import LATEST
from mtfix.store.workspace import Workspace


def user_version(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def test_empty_file_gets_the_latest_schema_in_wal_mode(tmp_path):
    """A new workspace is created at the latest version, journaled with WAL."""
    path = tmp_path / "sub" / "new.mtfix"
    with Workspace(path) as ws:
        mode = ws.db.connection().execute("PRAGMA journal_mode").fetchone()[0]
    assert user_version(path) == LATEST
    assert mode == "wal"


def test_previous_version_is_upgraded_and_its_units_indexed(tmp_path):
    """A version-1 file (no fuzzy index) opens, is upgraded, and its units match fuzzily."""
    path = tmp_path / "old.mtfix"
    old = Database(path, schema_version=1)
    old.connection().execute(
        "INSERT INTO tm_units(source, target, source_language, target_language, source_hash, created, changed) "
        "VALUES ('The harbour museum opens on Monday.', 'Le musee ouvre lundi.', 'en', 'fr', 0, 'x', 'x')"
    )
    old.close()
    assert user_version(path) == 1
    with TranslationMemory(path) as tm:
        [match] = tm.fuzzy("The harbour museum opens on Tuesday.")
        assert match.unit.target == "Le musee ouvre lundi."
    assert user_version(path) == LATEST


def test_version_2_file_gets_the_length_split_index(tmp_path):
    """A version-2 file (one posting list per word) is re-indexed by length class on open."""
    path = tmp_path / "v2.mtfix"
    old = Database(path, schema_version=2)
    conn = old.connection()
    for n, source in enumerate(["The harbour museum opens on Monday.", "A much longer sentence about the harbour."]):
        conn.execute(
            "INSERT INTO tm_units(source, target, source_language, target_language, source_hash, created, changed) "
            "VALUES (?, ?, 'en', 'fr', 0, 'x', 'x')",
            (source, f"target {n}"),
        )
    conn.execute("INSERT INTO tm_postings(word, chunk, ids) VALUES ('harbour', 1, x'0100000002000000')")
    old.close()
    assert user_version(path) == 2
    with TranslationMemory(path) as tm:
        [match] = tm.fuzzy("The harbour museum opens on Tuesday.")
        assert match.unit.target == "target 0"
        columns = [row[1] for row in tm.db.connection().execute("PRAGMA table_info(tm_postings)")]
        assert columns == ["word", "bucket", "chunk", "n", "postings"]
    assert user_version(path) == LATEST


def test_a_newer_file_is_refused(tmp_path):
    """A workspace written by a newer mtfix is not touched."""
    path = tmp_path / "future.mtfix"
    Workspace(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(WorkspaceError, match="newer"):
        Workspace(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    """Opening some other file as a workspace fails with a clear error naming it."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database at all, just some text that is long enough" * 20)
    with pytest.raises(WorkspaceError) as error:
        Workspace(path)
    assert "notes.txt" in str(error.value)
    assert path.read_text().startswith("not a database")


def test_two_opens_upgrade_once(tmp_path):
    """Opening a file twice does not run migrations twice."""
    path = tmp_path / "w.mtfix"
    with TranslationMemory(path) as tm:
        tm.add(TmUnit("One.", "Eins."))
    with TranslationMemory(path) as tm:
        assert len(tm) == 1


def test_version_3_file_gets_word_counts_and_dismissals(tmp_path):
    """A version-3 workspace with a document opens: word counts filled in, findings dismissable."""
    from mtfix.core.models import Document, Finding, Segment, Severity
    from mtfix.store.workspace import Workspace

    path = tmp_path / "v3.mtfix"
    old = Database(path, schema_version=3)
    old.close()
    # A version-3 workspace holding one document, written with the version-3 columns.
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO documents(id, path, format, source_language, target_language, content_hash, "
                 "prefix, encoding, bom, created, changed) VALUES (1,'/d.txt','text','en','en','x','','utf-8',0,'t','t')")
    conn.execute("INSERT INTO segments(id, document_id, idx, mt, mt_hash, target) "
                 "VALUES (1, 1, 0, 'Three little words', 1, 'Three little words')")
    conn.commit()
    conn.close()
    assert user_version(path) == 3
    with Workspace(path) as workspace:
        assert user_version(path) == LATEST
        [summary] = workspace.overview(1)
        assert summary.words == 3
        workspace.dismiss_finding(1, 0, Finding("repeated_word", Severity.MINOR, "x"), "little", "a name")
        assert workspace.dismissals(1) == {0: {("repeated_word", "little"): "a name"}}
