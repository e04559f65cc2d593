"""``mtfix qa``: QA checks on a document, as a table, a report, and a gate for pipelines."""

from __future__ import annotations

import html
import json
from pathlib import Path

import click

from mtfix.commands._common import db_option, glossary_option, load_glossary_set, settings, workspace_path
from mtfix.core.models import Severity


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@glossary_option
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the findings here: .json or .html (by extension).")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default="critical", show_default=True,
              help="Exit with status 1 when a finding of this severity or worse remains.")
@click.option("--reviewed", is_flag=True,
              help="Check the reviewed targets in the workspace against their MT, not the file's text.")
@db_option
@click.pass_context
def qa(ctx, path: Path, glossaries, report: Path | None, fail_on: str, reviewed: bool, db: Path | None) -> None:
    """Run the QA checks on PATH and list the findings.

    Without --reviewed the file's text is checked as it stands (bilingual
    formats against their source). With --reviewed the targets of the file's
    review in the workspace are checked against the MT they were edited from,
    and against the memory (the same source translated two ways).
    """
    from mtfix.commands._common import read_input
    from mtfix.core.qa import QaChecker, QaSegment, at_or_above
    from mtfix.formats.text import read_text

    checker = QaChecker(load_glossary_set(glossaries), language=settings().language)
    if reviewed:
        from mtfix.store.workspace import Workspace
        from mtfix.workflow import find_reviewed

        with Workspace(workspace_path(db)) as workspace:
            info = find_reviewed(workspace, path)
            segments = [QaSegment(s.index, s.target, s.source, None if s.source is not None else s.mt)
                        for s in workspace.segments(info.id)]
            found = checker.check_document(
                segments, memory_targets=lambda text: [m.unit.target for m in workspace.memory.exact(text)])
    else:
        data, name = read_input(str(path))
        document = read_text(data=data, name=name)
        segments = [QaSegment(s.index, s.text, s.source) for s in document.segments]
        found = checker.check_document(segments)
    rows = [(index, f) for index, findings in sorted(found.items()) for f in findings]
    texts = {s.index: s for s in segments}
    _print_table(rows, texts)
    if report is not None:
        from mtfix.formats.atomic import write_atomically

        payload = _html(rows, texts, path) if report.suffix.lower() in (".html", ".htm") else _json(rows, texts)
        write_atomically(report, payload.encode("utf-8"))
    failing = at_or_above([f for _, f in rows], Severity(fail_on))
    counts = {s.value: sum(f.severity is s for _, f in rows) for s in Severity}
    click.echo(f"mtfix: {len(rows)} findings in {len(found)} of {len(segments)} segments "
               f"({', '.join(f'{k} {v}' for k, v in counts.items())})", err=True)
    if failing:
        ctx.exit(1)


def _excerpt(segment, finding) -> str:
    text = (segment.reference if finding.in_source else segment.target) or ""
    start, end = max(0, finding.start - 20), min(len(text), finding.end + 20)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def _print_table(rows, texts) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if not rows:
        return
    table = Table(show_lines=False)
    for column in ("seg", "severity", "check", "message", "where"):
        table.add_column(column, overflow="fold")
    colours = {"critical": "bold red", "major": "yellow", "minor": "cyan"}
    for index, finding in rows:
        # Text(...) never interprets markup: segment text goes to the terminal as plain text.
        table.add_row(str(index + 1), Text(finding.severity.value, style=colours[finding.severity.value]),
                      Text(finding.check), Text(finding.message), Text(_excerpt(texts[index], finding)))
    Console().print(table)


def _as_dict(index, finding, texts) -> dict:
    return {"segment": index + 1, "check": finding.check, "severity": finding.severity.value,
            "message": finding.message, "start": finding.start, "end": finding.end,
            "in_source": finding.in_source, "excerpt": _excerpt(texts[index], finding)}


def _json(rows, texts) -> str:
    findings = [_as_dict(i, f, texts) for i, f in rows]
    summary = {s.value: sum(f.severity is s for _, f in rows) for s in Severity}
    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2) + "\n"


def _html(rows, texts, path: Path) -> str:
    body = "\n".join(
        f"<tr class='{f.severity.value}'><td>{i + 1}</td><td>{f.severity.value}</td><td>{html.escape(f.check)}</td>"
        f"<td>{html.escape(f.message)}</td><td>{html.escape(_excerpt(texts[i], f))}</td></tr>"
        for i, f in rows
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>QA: {html.escape(path.name)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}}
.critical td:nth-child(2){{color:#b00;font-weight:bold}}.major td:nth-child(2){{color:#a60}}</style></head>
<body><h1>QA findings: {html.escape(path.name)}</h1><p>{len(rows)} findings.</p>
<table><tr><th>segment</th><th>severity</th><th>check</th><th>message</th><th>where</th></tr>
{body}
</table></body></html>
"""
