"""The layers of ARCHITECTURE.md, held by walking every module's imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mtfix"

# Package (relative to mtfix/) -> top-level modules it must never import.
FORBIDDEN = {
    "core": {"textual", "click", "sqlite3", "sqlite_utils", "lxml", "rich", "defusedxml"},
    "formats": {"textual", "click", "sqlite3", "sqlite_utils"},
    "store": {"textual", "click"},
    "commands": {"sqlite3", "sqlite_utils"},
    "": {"sqlite3", "sqlite_utils"},  # cli.py, config.py, errors.py
}
ONLY_IN = {"textual": "tui", "sqlite3": "store", "sqlite_utils": "store"}


def imports_of(path: Path) -> set[str]:
    """Top-level names of every module imported anywhere in ``path``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        yield (relative.parts[0] if len(relative.parts) > 1 else ""), path


def test_layers_import_only_what_they_may():
    """core is pure, only store touches SQLite, only tui imports Textual."""
    offences = []
    for layer, path in modules():
        used = imports_of(path)
        for name in used & FORBIDDEN.get(layer, set()):
            offences.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
        for name, home in ONLY_IN.items():
            if name in used and layer != home:
                offences.append(f"{path.relative_to(PACKAGE.parent)} imports {name} (only {home}/ may)")
    assert offences == []


def test_help_and_batch_commands_do_not_load_the_ui():
    """``mtfix --help`` and ``mtfix fix --help`` never import Textual."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from mtfix.cli import cli\n"
        "for args in (['--help'], ['fix', '--help'], ['glossary', 'check', '--help']):\n"
        "    result = CliRunner().invoke(cli, args)\n"
        "    assert result.exit_code == 0, result.output\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
