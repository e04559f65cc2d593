"""``mtfix review``: the review UI on one document."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mtfix.commands._common import db_option, fix_engine, glossary_option, settings, workspace_path
from mtfix.commands.tm import memory_url, tm_option


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@tm_option
@glossary_option
@click.option("--reimport/--no-reimport", default=None,
              help="If the file changed since it was imported: re-import it (keeping the work on "
              "unchanged segments), or review the stored version. Default: ask.")
@click.option("--format", "format_name", default=None,
              help="The document's format (text, tsv, csv, xliff, po, tmx). Default: by extension.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where ctrl+e exports the cleaned text. Default: NAME.cleaned.EXT beside the file.")
def review(path: Path, db: Path | None, tm: str | None, glossaries: tuple[Path, ...], reimport: bool | None,
           format_name: str | None, output: Path | None) -> None:
    """Review PATH segment by segment: fixes, edits, memory matches, confirmation.

    The document is imported into the workspace, or its review resumed where it
    stopped. Every action is stored the moment it happens: quit with ctrl+q at
    any time, nothing is lost. Press ? in the review for every key.
    """
    from mtfix.store.team import open_workspace
    from mtfix.store.workspace import DocumentChangedError
    from mtfix.tui.app import ReviewApp
    from mtfix.workflow import default_export_path, open_for_review

    from mtfix.core.qa import QaChecker

    engine = fix_engine(glossaries)
    checker = QaChecker(engine.glossary, language=settings().language)
    workspace = open_workspace(workspace_path(db), memory_url(tm))
    try:
        try:
            info, stale = open_for_review(workspace, path, engine, reimport=reimport, format=format_name)
        except DocumentChangedError:
            again = sys.stdin.isatty() and click.confirm(
                f"{path} changed since it was imported. Re-import it, keeping the work on unchanged "
                "segments? (No: review the stored version)", default=True)
            info, stale = open_for_review(workspace, path, engine, reimport=again or None, format=format_name)
        if stale:
            click.echo(f"mtfix: reviewing the stored version of {path}: the file on disk differs", err=True)
    except BaseException:
        workspace.close()
        raise
    app = ReviewApp(
        workspace,
        info.id,
        export_path=output or default_export_path(path),
        keymap=settings().keymap,
        checker=checker,
    )
    app.run()
    if getattr(workspace, "pending_at_close", 0):
        click.echo(f"mtfix: {workspace.pending_at_close} confirmations wait for the memory server "
                   "(unreachable); they are sent the next time you review with it", err=True)
