"""``mtfix tm init/push/pull`` and ``--tm``: a team memory server from the shell."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from mtfix.commands.tm import tm_group
from mtfix.core.models import TmUnit
from mtfix.store.memory import TranslationMemory
from mtfix.store.pg_memory import LATEST, PgMemory


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(tm_group, list(args))
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(tm_group, list(args))
    finally:
        os.chdir(old)


def test_init_then_search_and_stats_on_the_server(pg_url):
    """One command creates the team memory; the usual commands then work on it with --tm."""
    result = run("init", "--tm", pg_url)
    assert result.exit_code == 0, result.output
    assert f"schema version 0 -> {LATEST}" in result.output
    assert "up to date" in run("init", "--tm", pg_url).output
    with PgMemory(pg_url) as server:
        server.add(TmUnit("The council approved the budget.", "Der Rat hat den Haushalt genehmigt.", "en", "de"))
    result = run("search", "--fuzzy", "The council approved the budgets.", "--tm", pg_url)
    assert "Der Rat hat den Haushalt genehmigt." in result.output
    assert "units: 1" in run("stats", "--tm", pg_url).output


def test_push_and_pull_merge_by_source_and_latest_change_wins(tmp_path, pg_url):
    """Push adds new units, merges identical ones and resolves conflicts by date, listing them."""
    db = str(tmp_path / "w.mtfix")
    run("init", "--tm", pg_url)
    with TranslationMemory(db) as local:
        local.add(TmUnit("Only local.", "Nur lokal.", "en", "de", changed="2024-01-01T00:00:00Z"))
        local.add(TmUnit("Both, same.", "Beide.", "en", "de", changed="2024-01-01T00:00:00Z", usage_count=4))
        local.add(TmUnit("Newer here.", "Hier neuer.", "en", "de", changed="2024-06-01T00:00:00Z"))
        local.add(TmUnit("Older here.", "Hier älter.", "en", "de", changed="2023-01-01T00:00:00Z"))
    with PgMemory(pg_url) as server:
        server.add(TmUnit("Both,  same.", "Beide.", "en", "de", changed="2024-02-01T00:00:00Z", usage_count=1))
        server.add(TmUnit("Newer here.", "Dort älter.", "en", "de", changed="2024-01-01T00:00:00Z"))
        server.add(TmUnit("Older here.", "Dort neuer.", "en", "de", changed="2024-01-01T00:00:00Z"))
        server.add(TmUnit("Only on the server.", "Nur dort.", "en", "de"))

    result = run("push", "--db", db, "--tm", pg_url)
    assert result.exit_code == 0, result.output
    assert "1 added, 1 already there, 2 conflicts (1 won by the newer incoming unit)" in result.output
    assert "kept:    Dort neuer." in result.output and "dropped: Hier älter." in result.output
    with PgMemory(pg_url) as server:
        targets = {u.source: (u.target, u.usage_count) for u in server.units()}
    assert targets["Newer here."][0] == "Hier neuer."
    assert targets["Older here."][0] == "Dort neuer."
    assert targets["Both,  same."] == ("Beide.", 4)
    assert targets["Only local."][0] == "Nur lokal."

    result = run("pull", "--db", db, "--tm", pg_url)
    assert result.exit_code == 0, result.output
    with TranslationMemory(db) as local:
        mine = {u.source: u.target for u in local.units()}
    assert mine["Only on the server."] == "Nur dort."
    assert mine["Older here."] == "Dort neuer."  # the server's later translation came back
    assert "0 conflicts" in run("push", "--db", db, "--tm", pg_url).output  # in step now


def test_tm_url_from_mtfix_toml(tmp_path, pg_url):
    """``tm = "postgresql://..."`` in mtfix.toml makes the tm commands use the server."""
    (tmp_path / "mtfix.toml").write_text(f'tm = "{pg_url}"\n', encoding="utf-8")
    assert run("init", cwd=tmp_path).exit_code == 0
    with PgMemory(pg_url) as server:
        server.add(TmUnit("Configured.", "Konfiguriert."))
    assert "Konfiguriert." in run("search", "Configured", cwd=tmp_path).output


def test_unreachable_server_is_one_clear_line():
    """A server that is down: exit status 2 and a message naming it, no traceback."""
    result = run("stats", "--tm", "postgresql://127.0.0.1:1/mtfix")
    assert result.exit_code == 2
    assert "127.0.0.1:1" in result.output and "cannot reach the memory server" in result.output
    assert "Traceback" not in result.output


def test_a_tm_setting_that_is_not_a_server_url_is_refused(tmp_path):
    """A tm value that is not postgresql:// is an error, not silently ignored."""
    result = run("stats", "--tm", "sqlite:///x.db", "--db", str(tmp_path / "w.mtfix"))
    assert result.exit_code == 2 and "postgresql://" in result.output
