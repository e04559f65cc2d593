"""``mtfix tm``: import, export, search and count the translation memory of a workspace."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mtfix.commands._common import db_option, workspace_path
from mtfix.errors import ExitStatus, MtfixError

PROGRESS_BYTES = 1_000_000
"""Files larger than this (a few thousand units) get a progress bar."""


def _open(db: Path | None):
    from mtfix.store.memory import TranslationMemory

    return TranslationMemory(workspace_path(db))


def _fail(error: MtfixError) -> None:
    click.echo(f"mtfix: error: {error}", err=True)
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
@click.option("--source-language", "-s", default=None, help="Import only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Import only translations into this language.")
def import_command(file: Path, db: Path | None, source_language: str | None, target_language: str | None) -> None:
    """Import FILE.tmx into the memory, in one transaction (a broken file imports nothing)."""
    from mtfix.formats.tmx import read_tmx

    try:
        stream = open(file, "rb")
    except OSError as error:
        _fail(MtfixError(f"cannot read: {error.strerror or error}", str(file)))
    try:
        with stream, _open(db) as memory:
            reader = _CountingReader(stream)
            units = read_tmx(reader, source_language=source_language, target_language=target_language)
            size = file.stat().st_size
            if size > PROGRESS_BYTES:
                result = _import_with_progress(memory, units, reader, size)
            else:
                result = memory.import_units(units)
    except MtfixError as error:
        _fail(error)
    merged = f" ({result.merged} merged into identical units)" if result.merged else ""
    click.echo(f"imported {result.added} units from {file}{merged}")


def _import_with_progress(memory, units, reader: _CountingReader, size: int):
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[units]} units"),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=size, units=0)

        def update(count: int) -> None:
            progress.update(task, completed=reader.position, units=count)

        return memory.import_units(units, progress=update)


@tm_group.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The TMX file to write (- for standard output).")
@db_option
@click.option("--source-language", "-s", default=None, help="Export only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Export only units with this target language.")
def export_command(output: Path, db: Path | None, source_language: str | None, target_language: str | None) -> None:
    """Export the memory as TMX 1.4b (written atomically)."""
    from mtfix import __version__
    from mtfix.formats.tmx import write_tmx, write_tmx_stream

    try:
        with _open(db) as memory:
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
@click.option("--fuzzy", is_flag=True, help="Find similar segments (scored) instead of a phrase.")
@click.option("--threshold", default=70.0, show_default=True, help="Lowest fuzzy score shown.")
@click.option("--limit", default=20, show_default=True, help="Most results shown.")
@click.option("--source-language", "-s", default=None, help="Only units with this source language.")
@click.option("--target-language", "-t", default=None, help="Only units with this target language.")
def search_command(query: str, db: Path | None, fuzzy: bool, threshold: float, limit: int,
                   source_language: str | None, target_language: str | None) -> None:
    """Find QUERY in the memory: units containing it (concordance), or, with --fuzzy, similar ones."""
    try:
        with _open(db) as memory:
            if fuzzy:
                matches = memory.lookup(query, threshold=threshold, limit=limit,
                                        source_language=source_language, target_language=target_language)
                for match in matches:
                    click.echo(f"{match.score:5.1f}  {match.unit.source}")
                    click.echo(f"       => {match.unit.target}")
                    click.echo(f"       ({match.explanation})")
                found = len(matches)
            else:
                units = memory.search(query, limit=limit, source_language=source_language,
                                      target_language=target_language)
                for unit in units:
                    click.echo(f"{unit.source}\n  => {unit.target}")
                found = len(units)
    except MtfixError as error:
        _fail(error)
    if not found:
        click.echo("no match", err=True)


@tm_group.command("stats")
@db_option
def stats_command(db: Path | None) -> None:
    """Count the units of the memory, per language pair."""
    try:
        with _open(db) as memory:
            stats = memory.stats()
    except MtfixError as error:
        _fail(error)
    click.echo(f"units: {stats.units}")
    click.echo(f"origins: {stats.origins}")
    click.echo(f"indexed words: {stats.indexed_words}")
    for (source, target), count in stats.language_pairs:
        click.echo(f"{source} -> {target}: {count}")
