"""``mtfix glossary``: lint the glossaries a team keeps."""

from __future__ import annotations

from pathlib import Path

import click

from mtfix.commands._common import settings
from mtfix.errors import ExitStatus


@click.group()
def glossary() -> None:
    """Check glossaries (TBX, CSV/TSV, mtfix TOML rules)."""


@glossary.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Lint GLOSSARY files (default: those in mtfix.toml).

    Reports duplicate entries, variants that are preferred elsewhere, cycles of
    fixes (A → B and B → A), variants containing another concept's term, and
    rule examples that fail. Exits with status 1 when there are errors.
    """
    from mtfix.core.lint import check_glossary
    from mtfix.formats.glossary_files import load_glossaries

    config = settings()
    paths = paths or config.glossaries
    loaded = load_glossaries(paths, check_examples=False)
    problems = check_glossary(loaded, config.language)
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        click.echo(
            f"{click.style(problem.severity, fg=colour)} [{problem.code}] {problem.where}: {problem.message}"
        )
    errors = sum(p.severity == "error" for p in problems)
    click.echo(
        f"{len(loaded.concepts)} concepts, {len(loaded.rules)} rules in {len(paths)} file(s): "
        f"{errors} error(s), {len(problems) - errors} warning(s)",
        err=True,
    )
    if errors:
        ctx.exit(ExitStatus.FINDINGS)
