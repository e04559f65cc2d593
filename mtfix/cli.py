"""The ``mtfix`` command: a click group whose commands load only when called.

Commands live in :mod:`mtfix.commands`, one module each; this module only knows
their names, so ``mtfix --help`` and the batch commands never import the UI.
"""

from __future__ import annotations

import importlib
import logging
import click

from mtfix import __version__
from mtfix.core.visible import visible
from mtfix.errors import ExitStatus, MtfixError

COMMANDS = {
    "review": ("mtfix.commands.review", "review", "Review a document in the terminal UI."),
    "export": ("mtfix.commands.export", "export", "Export a reviewed document."),
    "fix": ("mtfix.commands.fix", "fix", "Apply glossary fixes to a document, headless."),
    "glossary": ("mtfix.commands.glossary", "glossary", "Check glossaries; suggest the variants they miss."),
    "qa": ("mtfix.commands.qa", "qa", "QA checks: a table, a report, a gate for pipelines."),
    "report": ("mtfix.commands.report", "report", "Post-editing report of a review: edit distance, TER, fixes."),
    "tm": ("mtfix.commands.tm", "tm_group", "Translation memory: import, export, search, stats."),
}


class BadInput(click.ClickException):
    """An :class:`MtfixError` on its way out: one line on stderr, exit status 2."""

    exit_code = ExitStatus.BAD_INPUT

    def show(self, file=None) -> None:
        # A message may quote the input (a term, a line): never pass its control characters on.
        click.echo(f"mtfix: error: {visible(self.message)}", err=True)


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MtfixError as error:
            raise BadInput(str(error)) from error

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Listing help must not import every command (the review UI is heavy).
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="mtfix")
@click.option("-v", "--verbose", count=True, help="Log more (repeat for debug output).")
def cli(verbose: int) -> None:
    """Post-edit machine-translated English: glossary fixes, review, memory."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="mtfix: %(levelname)s: %(message)s")


def main() -> None:
    """Run the command line."""
    cli(prog_name="mtfix")
