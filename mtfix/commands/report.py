"""``mtfix report``: the post-editing report of a reviewed document, as HTML or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from mtfix.commands._common import db_option, workspace_path
from mtfix.core.report import SOURCES, PostEditReport
from mtfix.formats.report import SOURCE_LABELS, html_report, json_report


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the report here: .html, or .json (also for - , standard output). "
              "Without it, the totals are printed as tables.")
@db_option
def report(path: Path, output: str | None, db: Path | None) -> None:
    """Report how the review of PATH changed its MT: per segment and in total.

    Words, status, character edit distance and TER between the MT and the final
    target, how much of the change came from glossary fixes, TM matches,
    repetitions and free editing, and the fixes accepted per rule. PATH must have
    been opened with mtfix review.
    """
    from mtfix.core.report import build_report
    from mtfix.store.workspace import Workspace
    from mtfix.workflow import find_reviewed

    with Workspace(workspace_path(db)) as workspace:
        info = find_reviewed(workspace, path)
        result = build_report(info.path, workspace.segments(info.id), workspace.history(info.id),
                              workspace.times(info.id))
    if output is None:
        _print_tables(result)
        return
    from mtfix.commands._common import write_output

    as_html = output != "-" and Path(output).suffix.lower() in (".html", ".htm")
    payload = html_report(result) if as_html else json_report(result)
    write_output(output, payload.encode("utf-8"))
    totals = result.totals
    click.echo(f"mtfix: {totals.changed_segments} of {totals.segments} segments changed, "
               f"edit distance {totals.edit_distance}, TER {totals.ter:.1f}", err=True)


def _print_tables(result: PostEditReport) -> None:
    from mtfix.commands._render import print_table

    totals = result.totals
    shares = totals.sources.shares()
    rows = [
        ("segments", f"{totals.segments} ({totals.changed_segments} changed)"),
        ("status", ", ".join(f"{k} {v}" for k, v in totals.statuses.items())),
        ("words (MT / final)", f"{totals.mt_words} / {totals.target_words}"),
        ("edit distance (characters)", str(totals.edit_distance)),
        ("TER", f"{totals.ter:.1f}%"),
        *((f"from {SOURCE_LABELS[n]}", f"{getattr(totals.sources, n)} characters ({shares[n]:.0%})")
          for n in SOURCES),
        ("accepted fixes", str(totals.accepted_fixes)),
        ("time spent", result.time_note if result.time_spent is None
         else f"{result.time_spent / 60:.1f} minutes ({result.time_note})"),
    ]
    print_table(("", "total"), rows, title=f"Post-editing report: {Path(result.document).name}")
    if result.rules:
        print_table(("rule", "kind", "accepted", "rejected"),
                    ((r.rule, r.kind, r.accepted, r.rejected) for r in result.rules),
                    title="Fixes per rule", numeric=(2, 3))


# --- HTML -----------------------------------------------------------------------------------


