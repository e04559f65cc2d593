"""Settings: ``mtfix.toml`` discovery and the per-user folders.

An ``mtfix.toml`` in the current folder or any parent names the glossaries, the
workspace and the review keymap, so that commands run inside a project need no
options. Paths in it are relative to the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from mtfix.errors import MtfixError

CONFIG_NAME = "mtfix.toml"


@dataclass(frozen=True)
class Config:
    """The settings in force.

    Attributes:
        path: The ``mtfix.toml`` they were read from, or None for the defaults.
        glossaries: Glossary files applied when none is named on the command line.
        language: The language of the text being fixed.
        workspace: The workspace database file.
        fuzzy_threshold: Minimum score (0-100) of a near-miss suggestion.
        keymap: Binding id to key(s), overriding the review UI's defaults.
        tm: A translation-memory URL overriding the workspace's own memory.
    """

    path: Path | None = None
    glossaries: tuple[Path, ...] = ()
    language: str = "en"
    workspace: Path = field(default_factory=lambda: default_workspace())
    fuzzy_threshold: float = 85.0
    keymap: dict[str, str] = field(default_factory=dict)
    tm: str | None = None


def default_workspace() -> Path:
    """The per-user workspace file, in the platform's data folder."""
    return platformdirs.user_data_path("mtfix", appauthor=False) / "workspace.sqlite"


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``mtfix.toml`` in ``start`` (default: the current folder) or a parent."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Read the settings from ``path``, or from the nearest ``mtfix.toml``.

    Raises:
        MtfixError: If the file is not valid TOML or a setting has the wrong type.
    """
    path = path or find_config(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise MtfixError(f"cannot read settings: {error}", path) from error
    except tomllib.TOMLDecodeError as error:
        raise MtfixError(f"not valid TOML: {error}", path, getattr(error, "lineno", None)) from error
    base = path.parent
    try:
        glossaries = tuple(base / str(p) for p in data.get("glossaries", []))
        fix = data.get("fix", {})
        workspace = data.get("workspace")
        return Config(
            path=path,
            glossaries=glossaries,
            language=str(data.get("language", "en")),
            workspace=base / workspace if workspace else default_workspace(),
            fuzzy_threshold=float(fix.get("fuzzy_threshold", 85.0)),
            keymap={str(k): str(v) for k, v in data.get("keymap", {}).items()},
            tm=data.get("tm"),
        )
    except (TypeError, ValueError, AttributeError) as error:
        raise MtfixError(f"a setting has the wrong type: {error}", path) from error
