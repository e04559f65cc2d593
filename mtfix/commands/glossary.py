"""``mtfix glossary``: lint the glossaries a team keeps."""

from __future__ import annotations

from pathlib import Path

import click

from mtfix.commands._common import settings
from mtfix.errors import ExitStatus


@click.group()
def glossary() -> None:
    """Check glossaries and find the variants they miss."""


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


@glossary.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-g", "--glossary", "glossaries", multiple=True, type=click.Path(path_type=Path),
              help="What is known already (default: mtfix.toml's glossaries).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Also mine the translator's edits in this workspace's memory.")
@click.option("--write", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="Add the accepted suggestions to this glossary (.tbx, .csv or .tsv).")
@click.option("--yes", is_flag=True, help="With --write: accept every suggestion without asking.")
def suggest(paths: tuple[Path, ...], glossaries, db: Path | None, target: Path | None, yes: bool) -> None:
    """Find renderings the glossary does not list yet, in FILES and in the memory's edits.

    Reports names rendered several ways (a new concept), near misses of known
    terms, and replacements the translator made consistently, each with its
    count and contexts. With --write, accepted suggestions are added to a
    glossary file, leaving the rest of the file as it was.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from mtfix.commands._common import load_glossary_set, read_input
    from mtfix.commands._render import visible_text
    from mtfix.core.suggest import suggest as find_suggestions
    from mtfix.formats.text import read_text

    config = settings()
    known = load_glossary_set(glossaries)
    texts = [read_text(data=data, name=name).text() for data, name in map(read_input, map(str, paths))]
    edits = []
    if db is not None:
        from mtfix.store.memory import TranslationMemory

        memory = TranslationMemory(db)
        try:
            edits = [(u.source, u.target) for u in memory.units() if u.source != u.target]
        finally:
            memory.close()
    found = find_suggestions(texts, known, edits=edits, language=config.language)
    if not found:
        click.echo("mtfix: no suggestions", err=True)
        return
    table = Table()
    for column in ("#", "variant", "preferred", "concept", "why", "seen", "context"):
        table.add_column(column, overflow="fold")
    for number, s in enumerate(found, 1):
        table.add_row(*(visible_text(Text(cell)) for cell in (
            str(number), s.variant, s.preferred, s.concept or "(new)", s.reason, str(s.count),
            s.contexts[0] if s.contexts else "")))
    Console().print(table)
    if target is None:
        return
    from mtfix.formats.glossary_append import add_suggestions

    accepted = [s for s in found if yes or click.confirm(
        f"Add “{s.variant}” as a deprecated variant of “{s.preferred}”?", default=False)]
    add_suggestions(target, accepted, language=config.language)
    click.echo(f"mtfix: {len(accepted)} suggestion(s) added to {target}", err=True)
