"""``mtfix fix``: glossary fixes for a whole document, headless."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mtfix.commands._common import (
    force_option,
    glossary_option,
    load_glossary_set,
    read_input,
    refuse_overwriting_input,
    settings,
    write_output,
)
from mtfix.core.batch import fix_document, fix_report, summary_line
from mtfix.core.glossary import FixEngine
from mtfix.formats.registry import format_for, format_names


@click.command()
@click.argument("input_name", metavar="INPUT")
@click.option("-o", "--output", help="Write the fixed text here (default: standard output).")
@click.option("--report", type=click.Path(path_type=Path), help="Write every fix as JSON here.")
@glossary_option
@click.option("--apply-fuzzy", is_flag=True, help="Apply near-miss fixes too (default: only report them).")
@click.option("--no-near-misses", is_flag=True, help="Do not look for near misses of known terms.")
@click.option("--fuzzy-threshold", type=click.FloatRange(0, 100), default=None,
              help="Minimum score (0-100) of a near miss. Default: mtfix.toml, else 85.")
@click.option("--format", "format_name", type=click.Choice(format_names()), default=None,
              help="The input's format (default: by extension, else text); the output has the same.")
@force_option
def fix(input_name, output, report, glossaries, apply_fuzzy, no_near_misses, fuzzy_threshold, format_name, force):
    """Apply glossary fixes to INPUT (a document in any registered format, or - for standard input).

    Writes the fixed text to OUTPUT or standard output, the fixes to REPORT, and a
    one-line summary to standard error. Near misses of known terms are reported
    as suggestions and applied only with --apply-fuzzy. Nothing is written when
    the input or a glossary cannot be read (exit status 2).
    """
    refuse_overwriting_input(output, input_name, force)
    refuse_overwriting_input(report, input_name, force)
    config = settings()
    glossary = load_glossary_set(glossaries)
    data, name = read_input(input_name)
    fmt = format_for(None if input_name == "-" else name, format_name)
    document = fmt.read(data, name)
    engine = FixEngine(
        glossary,
        language=config.language,
        near_misses=not no_near_misses,
        fuzzy_threshold=fuzzy_threshold if fuzzy_threshold is not None else config.fuzzy_threshold,
        apply_fuzzy=apply_fuzzy,
    )
    fixed = fix_document(document, engine)
    cleaned = fmt.write(document, [item.target for item in fixed])
    result = fix_report(fixed)
    if report is not None:
        payload = json.dumps(result, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        write_output(str(report), payload)
    write_output(output, cleaned)
    click.echo(f"mtfix: {summary_line(result['summary'])}", err=True)
