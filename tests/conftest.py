"""Shared fixtures: the translation memory on every backend (SQLite, and a real PostgreSQL).

The PostgreSQL server is started once per test session from the machine's own binaries
(:mod:`tests.store.pg_server`) and stopped at the end; each test gets a fresh database.
Without the binaries the PostgreSQL tests fail and say what to install: a skip would
hide that half of the memory suite did not run.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "store"))

from pg_server import PgServer, find_bin_dir  # noqa: E402

PG_BIN = find_bin_dir()
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole session (``.ci/run`` installs the binaries)."""
    if PG_BIN is None:
        pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are missing: apt-get install postgresql")
    server = PgServer(PG_BIN)
    server.init()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a fresh, empty database on the session's server."""
    return _fresh_url(pg_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def make_memory(request, tmp_path):
    """A factory of empty memories on one backend; every memory made is closed at the end."""
    made = []
    if request.param == "sqlite":
        from mtfix.store.memory import TranslationMemory

        def make():
            made.append(TranslationMemory(tmp_path / f"tm{len(made)}.mtfix"))
            return made[-1]
    else:
        from mtfix.store.pg_memory import PgMemory, init_schema

        server = request.getfixturevalue("pg_server")

        def make():
            url = _fresh_url(server)
            init_schema(url)
            made.append(PgMemory(url))
            return made[-1]

    make.backend = request.param
    yield make
    for memory in made:
        memory.close()


def _fresh_url(server) -> str:
    import psycopg

    name = f"mtfix_test_{next(_databases)}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} STRATEGY FILE_COPY")
    return server.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def memory(make_memory):
    """An empty translation memory, once on SQLite and once on PostgreSQL."""
    return make_memory()
