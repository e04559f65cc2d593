"""``mtfix qa``: QA checks on a document, as a table, a report, and a gate for pipelines."""

from __future__ import annotations

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
    and against the memory (the same source translated two ways); findings
    dismissed in the review are left out.
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
            dismissed = workspace.dismissals(info.id)
            found = {index: kept for index, findings in found.items()
                     if (kept := [f for f in findings if (f.check, _span(segments[index], f)) not in
                                  dismissed.get(index, {})])}
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


def _span(segment, finding) -> str:
    text = (segment.reference if finding.in_source else segment.target) or ""
    return text[finding.start : finding.end]


def _excerpt(segment, finding) -> str:
    text = (segment.reference if finding.in_source else segment.target) or ""
    start, end = max(0, finding.start - 20), min(len(text), finding.end + 20)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def _print_table(rows, texts) -> None:
    from rich.text import Text

    from mtfix.commands._render import print_table

    if not rows:
        return
    colours = {"critical": "bold red", "major": "yellow", "minor": "cyan"}
    print_table(("seg", "severity", "check", "message", "where"), (
        (index + 1, Text(finding.severity.value, style=colours[finding.severity.value]), finding.check,
         finding.message, _excerpt(texts[index], finding))
        for index, finding in rows
    ))


def _as_dict(index, finding, texts) -> dict:
    return {"segment": index + 1, "check": finding.check, "severity": finding.severity.value,
            "message": finding.message, "start": finding.start, "end": finding.end,
            "in_source": finding.in_source, "excerpt": _excerpt(texts[index], finding)}


def _json(rows, texts) -> str:
    findings = [_as_dict(i, f, texts) for i, f in rows]
    summary = {s.value: sum(f.severity is s for _, f in rows) for s in Severity}
    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2) + "\n"


def _html(rows, texts, path: Path) -> str:
    from mtfix.formats.html import html_page, html_table, text

    table = html_table(
        ("segment", "severity", "check", "message", "where"),
        ((i + 1, f.severity.value, f.check, f.message, _excerpt(texts[i], f)) for i, f in rows),
        numeric=(0,),
        row_classes=(f.severity.value for _, f in rows),
    )
    body = f"<h1>QA findings: {text(path.name)}</h1>\n<p>{len(rows)} findings.</p>\n{table}"
    css = (".critical td:nth-child(2){color:var(--critical);font-weight:bold}"
           ".major td:nth-child(2){color:var(--major)}.minor td:nth-child(2){color:var(--minor)}")
    return html_page(f"QA: {path.name}", body, css=css)
