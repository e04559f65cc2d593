"""Every command has a help text and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from mtfix.cli import COMMANDS, cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def all_commands():
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        yield name, command
        if isinstance(command, click.Group):
            for sub in command.commands:
                yield f"{name} {sub}", command.commands[sub]


@pytest.mark.parametrize("name, command", list(all_commands()), ids=lambda v: v if isinstance(v, str) else "")
def test_command_has_help_and_is_in_the_readme(name, command):
    """`mtfix NAME --help` says what it does, and the README mentions `mtfix NAME`."""
    assert (command.help or "").strip(), f"mtfix {name} has no help"
    assert f"mtfix {name}" in README, f"mtfix {name} is not in the README"
