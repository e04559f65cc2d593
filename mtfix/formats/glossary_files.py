"""Load glossaries of any supported format, chosen by file extension.

- ``.tbx``, ``.xml``: a TBX termbase (:mod:`mtfix.formats.tbx`);
- ``.csv``, ``.tsv``, ``.txt``: ``variant, preferred[, note]`` rows
  (:mod:`mtfix.formats.csv_glossary`);
- ``.toml``: mtfix pattern rules and concepts (:mod:`mtfix.formats.rules_toml`).

A directory stands for the ``.tbx``, ``.csv``, ``.tsv`` and ``.toml`` files
directly inside it, in name order (``.txt`` and ``.xml`` files there are more
often notes than glossaries, so they are read only when named).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from mtfix.core.models import Glossary
from mtfix.errors import GlossaryError

GLOSSARY_EXTENSIONS = (".tbx", ".xml", ".csv", ".tsv", ".txt", ".toml")
"""Extensions :func:`load_glossary` knows, in lower case."""

DIRECTORY_EXTENSIONS = (".tbx", ".csv", ".tsv", ".toml")
"""Extensions of the files read from a glossary directory."""


def load_glossary(path: str | os.PathLike[str], *, check_examples: bool = True) -> Glossary:
    """Read one glossary file, or every glossary file of a directory.

    Args:
        path: A glossary file (format by extension, see the module docstring)
            or a directory of them.
        check_examples: Refuse a TOML file whose rules fail their examples.

    Returns:
        The glossary; ``sources`` names each file read.

    Raises:
        GlossaryError: The path does not exist, has an unknown extension, is a
            directory without glossary files, or a file in it is broken.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(
            child
            for child in path.iterdir()
            if child.is_file() and not child.name.startswith(".") and child.suffix.lower() in DIRECTORY_EXTENSIONS
        )
        if not files:
            raise GlossaryError(
                f"no glossary files (*{', *'.join(DIRECTORY_EXTENSIONS)}) in this directory", path
            )
        return load_glossaries(files, check_examples=check_examples)
    if not path.exists():
        raise GlossaryError("glossary file not found", path)
    glossary = _reader(path)(path, check_examples)
    return Glossary(glossary.concepts, glossary.rules, (str(path),))


def load_glossaries(paths: Iterable[str | os.PathLike[str]], *, check_examples: bool = True) -> Glossary:
    """Read several glossaries and merge them in the order given.

    Args:
        paths: Glossary files or directories.
        check_examples: Refuse a TOML file whose rules fail their examples.

    Returns:
        The concepts and rules of all of them, earlier files first.
    """
    merged = Glossary()
    for path in paths:
        merged = merged.merged(load_glossary(path, check_examples=check_examples))
    return merged


def _reader(path: Path) -> Callable[[Path, bool], Glossary]:
    # Readers are imported on demand, so that a CSV glossary does not load lxml.
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        from mtfix.formats.tbx import read_tbx

        return lambda path, _check_examples: read_tbx(path)
    if suffix in (".csv", ".tsv", ".txt"):
        from mtfix.formats.csv_glossary import read_csv_glossary

        return lambda path, _check_examples: read_csv_glossary(path)
    if suffix == ".toml":
        from mtfix.formats.rules_toml import read_rules_toml

        return lambda path, check_examples: read_rules_toml(path, check_examples=check_examples)
    raise GlossaryError(
        f"unknown glossary format {suffix or '(no extension)'!r}; use one of {', '.join(GLOSSARY_EXTENSIONS)}",
        path,
    )
