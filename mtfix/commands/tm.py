"""``mtfix tm``: import, export, search and count the translation memory of a workspace.

With ``--tm postgresql://...`` (or ``tm = "postgresql://..."`` in ``mtfix.toml``) the same
commands work on a team's memory server; ``init`` creates its tables once, ``push`` and
``pull`` move units between the workspace's memory and the server's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mtfix.commands._common import db_option, settings, workspace_path
from mtfix.core.visible import visible
from mtfix.errors import ExitStatus, MtfixError

PROGRESS_BYTES = 1_000_000
"""Files larger than this (a few thousand units) get a progress bar."""


def tm_option(function):
    """The ``--tm`` option naming a team memory server."""
    return click.option(
        "--tm", "tm", default=None, metavar="URL",
        help="A team memory server (postgresql://user@host/db). Default: `tm` in mtfix.toml, "
        "else the workspace's own memory.",
    )(function)


def memory_url(tm: str | None) -> str | None:
    """The team memory server in force: ``--tm``, else ``tm`` in mtfix.toml, else None.

    Raises:
        MtfixError: If it is set but not a ``postgresql://`` URL.
    """
    from mtfix.store.pg_memory import is_server_url

    url = tm or settings().tm
    if url and not is_server_url(url):
        raise MtfixError(f"not a memory server URL (postgresql://...): {url!r}")
    return url or None


def _open(db: Path | None, tm: str | None = None):
    url = memory_url(tm)
    if url:
        from mtfix.store.pg_memory import PgMemory

        return PgMemory(url)
    from mtfix.store.memory import TranslationMemory

    return TranslationMemory(workspace_path(db))


def _server_url(tm: str | None) -> str:
    url = memory_url(tm)
    if not url:
        raise MtfixError("no memory server: name one with --tm postgresql://..., or `tm = ...` in mtfix.toml")
    return url


def _fail(error: MtfixError) -> None:
    click.echo(f"mtfix: error: {visible(str(error))}", err=True)
    raise click.exceptions.Exit(ExitStatus.BAD_INPUT)


@click.group("tm")
def tm_group() -> None:
    """The translation memory: confirmed segments, found again exactly or fuzzily."""


class _CountingReader:
    """A binary file that remembers how far it has been read (for the progress bar)."""

    def __init__(self, stream):
        self.stream = stream
        self.name = stream.name
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.position += len(data)
        return data


@tm_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@tm_option
@click.option("--source-language", "-s", default=None, help="Import only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Import only translations into this language.")
def import_command(file: Path, db: Path | None, tm: str | None, source_language: str | None, target_language: str | None) -> None:
    """Import FILE.tmx into the memory, in one transaction (a broken file imports nothing)."""
    from mtfix.formats.tmx import read_tmx

    try:
        stream = open(file, "rb")
    except OSError as error:
        _fail(MtfixError(f"cannot read: {error.strerror or error}", str(file)))
    try:
        with stream, _open(db, tm) as memory:
            reader = _CountingReader(stream)
            size = file.stat().st_size
            languages = {"source_language": source_language, "target_language": target_language}
            if hasattr(memory, "import_tmx"):  # a workspace: reads large files in a second process
                from mtfix.store.memory import CHILD_BYTES
                from mtfix.store.tm_import import spare_core

                in_child = size >= CHILD_BYTES and spare_core()

                def run(progress=None):
                    return memory.import_tmx(reader, progress=progress, in_child=in_child, **languages)
            else:
                def run(progress=None):
                    return memory.import_units(read_tmx(reader, **languages), progress=progress)
            result = _import_with_progress(run, reader, size) if size > PROGRESS_BYTES else run()
    except MtfixError as error:
        _fail(error)
    merged = f" ({result.merged} merged into identical units)" if result.merged else ""
    click.echo(f"imported {result.added} units from {file}{merged}")


def _import_with_progress(run, reader: _CountingReader, size: int):
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[units]} units"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=size, units=0)

        def update(count: int) -> None:
            progress.update(task, completed=reader.position, units=count)

        return run(update)


@tm_group.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The TMX file to write (- for standard output).")
@db_option
@tm_option
@click.option("--source-language", "-s", default=None, help="Export only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Export only units with this target language.")
def export_command(output: Path, db: Path | None, tm: str | None, source_language: str | None, target_language: str | None) -> None:
    """Export the memory as TMX 1.4b (written atomically)."""
    from mtfix import __version__
    from mtfix.formats.tmx import write_tmx, write_tmx_stream

    try:
        with _open(db, tm) as memory:
            units = memory.units(source_language=source_language, target_language=target_language)
            if str(output) == "-":
                count = write_tmx_stream(sys.stdout, units, creation_tool_version=__version__)
            else:
                count = write_tmx(output, units, creation_tool_version=__version__)
    except OSError as error:
        _fail(MtfixError(f"cannot write: {error.strerror or error}", str(output)))
    except MtfixError as error:
        _fail(error)
    click.echo(f"exported {count} units", err=True)


@tm_group.command("search")
@click.argument("query")
@db_option
@tm_option
@click.option("--fuzzy", is_flag=True, help="Find similar segments (scored) instead of a phrase.")
@click.option("--threshold", default=70.0, show_default=True, help="Lowest fuzzy score shown.")
@click.option("--limit", default=20, show_default=True, help="Most results shown.")
@click.option("--source-language", "-s", default=None, help="Only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Only units with this target language.")
def search_command(query: str, db: Path | None, tm: str | None, fuzzy: bool, threshold: float, limit: int,
                   source_language: str | None, target_language: str | None) -> None:
    """Find QUERY in the memory: units containing it (concordance), or, with --fuzzy, similar ones."""
    try:
        with _open(db, tm) as memory:
            if fuzzy:
                matches = memory.lookup(query, threshold=threshold, limit=limit,
                                        source_language=source_language, target_language=target_language)
                for match in matches:
                    click.echo(f"{match.score:5.1f}  {visible(match.unit.source)}")
                    click.echo(f"       => {visible(match.unit.target)}")
                    click.echo(f"       ({match.explanation})")
                found = len(matches)
            else:
                units = memory.search(query, limit=limit, source_language=source_language,
                                      target_language=target_language)
                for unit in units:
                    click.echo(f"{visible(unit.source)}\n  => {visible(unit.target)}")
                found = len(units)
    except MtfixError as error:
        _fail(error)
    if not found:
        click.echo("no match", err=True)


@tm_group.command("stats")
@db_option
@tm_option
def stats_command(db: Path | None, tm: str | None) -> None:
    """Count the units of the memory, per language pair."""
    try:
        with _open(db, tm) as memory:
            stats = memory.stats()
    except MtfixError as error:
        _fail(error)
    click.echo(f"units: {stats.units}")
    click.echo(f"origins: {stats.origins}")
    click.echo(f"indexed words: {stats.indexed_words}")
    for (source, target), count in stats.language_pairs:
        click.echo(f"{source} -> {target}: {count}")


@tm_group.command("init")
@tm_option
def init_command(tm: str | None) -> None:
    """Create (or upgrade) the team memory's tables on the server named by --tm; run once per team."""
    from mtfix.store.pg_memory import display_url, init_schema

    try:
        url = _server_url(tm)
        before, after = init_schema(url)
    except MtfixError as error:
        _fail(error)
    if before == after:
        click.echo(f"the memory on {display_url(url)} is up to date (schema version {after})")
    else:
        click.echo(f"created the memory on {display_url(url)} (schema version {before} -> {after})")


def _transfer(db: Path | None, tm: str | None, *, push: bool, source_language, target_language) -> None:
    from mtfix.store.memory import TranslationMemory
    from mtfix.store.pg_memory import PgMemory, display_url
    from mtfix.store.tm_sync import merge_into

    try:
        url = _server_url(tm)
        with TranslationMemory(workspace_path(db)) as local, PgMemory(url) as server:
            source, target = (local, server) if push else (server, local)
            result = merge_into(source, target, source_language=source_language, target_language=target_language)
    except MtfixError as error:
        _fail(error)
    where = f"to {display_url(url)}" if push else f"from {display_url(url)}"
    click.echo(f"{'pushed' if push else 'pulled'} {where}: {result.added} added, {result.merged} already there, "
               f"{len(result.conflicts)} conflicts ({result.overwritten} won by the newer incoming unit)")
    for conflict in result.conflicts[:CONFLICTS_SHOWN]:
        kept = conflict.incoming if conflict.winner == "incoming" else conflict.stored
        lost = conflict.stored if conflict.winner == "incoming" else conflict.incoming
        click.echo(f"conflict: {visible(conflict.source)}\n  kept:    {visible(kept)}\n  dropped: {visible(lost)}",
                   err=True)
    if len(result.conflicts) > CONFLICTS_SHOWN:
        click.echo(f"... and {len(result.conflicts) - CONFLICTS_SHOWN} more conflicts", err=True)


CONFLICTS_SHOWN = 50
"""Conflicts listed one by one by push and pull (the rest are counted)."""


@tm_group.command("push")
@db_option
@tm_option
@click.option("--source-language", "-s", default=None, help="Push only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Push only units with this target language.")
def push_command(db: Path | None, tm: str | None, source_language: str | None, target_language: str | None) -> None:
    """Send the workspace's memory to the server: merged by source, the later change wins, conflicts listed."""
    _transfer(db, tm, push=True, source_language=source_language, target_language=target_language)


@tm_group.command("pull")
@db_option
@tm_option
@click.option("--source-language", "-s", default=None, help="Pull only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Pull only units with this target language.")
def pull_command(db: Path | None, tm: str | None, source_language: str | None, target_language: str | None) -> None:
    """Copy the server's memory into the workspace: merged by source, the later change wins, conflicts listed."""
    _transfer(db, tm, push=False, source_language=source_language, target_language=target_language)
