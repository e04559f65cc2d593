"""What several commands share: settings, glossaries, reading input, writing output."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mtfix.config import Config, load_config
from mtfix.core.models import Glossary
from mtfix.errors import MtfixError


def settings() -> Config:
    """The settings of the nearest ``mtfix.toml``, read once per command."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    if "config" not in root.meta:
        root.meta["config"] = load_config()
    return root.meta["config"]


def glossary_option(function):
    """The repeatable ``-g/--glossary`` option."""
    return click.option(
        "-g", "--glossary", "glossaries", multiple=True, type=click.Path(path_type=Path),
        help="A glossary (TBX, CSV/TSV, or mtfix TOML rules); repeatable. "
        "Default: the glossaries named in mtfix.toml.",
    )(function)


def load_glossary_set(paths: tuple[Path, ...]) -> Glossary:
    """The glossaries named on the command line, else those of ``mtfix.toml``.

    Raises:
        MtfixError: If no glossary is named anywhere, or one cannot be read.
    """
    from mtfix.formats.glossary_files import load_glossaries

    paths = paths or settings().glossaries
    if not paths:
        raise MtfixError("no glossary: name one with -g, or list them in mtfix.toml")
    return load_glossaries(paths)


def read_input(name: str) -> tuple[bytes, str]:
    """The bytes of file ``name``, or of standard input for ``-``."""
    if name == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        return Path(name).read_bytes(), name
    except FileNotFoundError:
        raise MtfixError("no such file", name) from None
    except IsADirectoryError:
        raise MtfixError("is a directory, not a document", name) from None
    except OSError as error:
        raise MtfixError(f"cannot read: {error.strerror or error}", name) from None


def write_output(name: str | None, data: bytes) -> None:
    """Write ``data`` to file ``name`` atomically, or to standard output."""
    from mtfix.formats.atomic import write_atomically

    if name is None or name == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomically(Path(name), data)


def force_option(function):
    """The ``--force`` option: allow an output file to replace the input."""
    return click.option(
        "--force", is_flag=True, help="Allow the output to overwrite the input file."
    )(function)


def refuse_overwriting_input(output: str | Path | None, input_name: str | Path, force: bool) -> None:
    """Stop before an output would replace its own input, unless ``--force`` says so.

    Raises:
        MtfixError: ``output`` is the input file (by name, link or hard link).
    """
    if force or output is None or str(output) == "-" or str(input_name) == "-":
        return
    output, input_path = Path(output), Path(input_name)
    try:
        same = output.exists() and input_path.exists() and output.samefile(input_path)
    except OSError:
        same = False
    if same or output.resolve() == input_path.resolve():
        raise MtfixError(
            "the output is the input file: it would be overwritten; name another output, "
            "or add --force to replace it", str(output)
        )


def db_option(function):
    """The ``--db`` option naming the workspace file."""
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The workspace file. Default: the one named in mtfix.toml, else the per-user one.",
    )(function)


def workspace_path(db: Path | None) -> Path:
    """The workspace file: ``--db``, else the settings' (creating its folder)."""
    path = db if db is not None else settings().workspace
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def fix_engine(glossaries: tuple[Path, ...], **options):
    """The fix engine for the named glossaries (else mtfix.toml's), with near misses on."""
    from mtfix.core.glossary import FixEngine

    config = settings()
    options.setdefault("fuzzy_threshold", config.fuzzy_threshold)
    return FixEngine(load_glossary_set(glossaries), language=config.language, near_misses=True, **options)
