"""``mtfix export``: the reviewed text of a document, from the shell."""

from __future__ import annotations

from pathlib import Path

import click

from mtfix.commands._common import (
    db_option,
    force_option,
    refuse_overwriting_input,
    workspace_path,
    write_output,
)
from mtfix.formats.registry import format_named_by, format_names


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", help="Write here (default: standard output).")
@db_option
@click.option("--format", "format_name", type=click.Choice(format_names()), default=None,
              help="The output format (default: the one the -o file name ends in, else the document's "
                   "own): text for the targets alone; another bilingual format for a new file of "
                   "source and target (a new XLIFF file is 2.1; xliff12 writes 1.2).")
@click.option("--confirmed-only", is_flag=True,
              help="Write the MT text of segments that are not confirmed.")
@force_option
def export(path: Path, output: str | None, db: Path | None, format_name: str | None, confirmed_only: bool,
           force: bool) -> None:
    """Export the reviewed document imported from PATH.

    Every segment's current target (or, with --confirmed-only, the MT text of
    unconfirmed ones), joined with the original separators, in the file's own
    encoding: an unreviewed document exports byte for byte. XLIFF, PO, TMX and
    TSV/CSV targets (and reviewed statuses) are written back into the original
    file, which must still be where it was imported from. Written atomically.

    In another format (--format, or the -o file's extension: -o out.tmx), a new
    UTF-8 file is built from the segments: the source (the MT text when the
    document has none), the target and, where the format has one, the status.
    """
    from mtfix.store.workspace import Workspace
    from mtfix.workflow import export_bytes, find_reviewed

    refuse_overwriting_input(output, path, force)
    if format_name is None and output not in (None, "-"):
        format_name = format_named_by(output)
    with Workspace(workspace_path(db)) as workspace:
        info = find_reviewed(workspace, path)
        data = export_bytes(workspace, info, confirmed_only=confirmed_only, format=format_name)
    write_output(output, data)
