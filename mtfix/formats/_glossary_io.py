"""Helpers shared by the glossary readers and writers: file access and concept ids."""

from __future__ import annotations

import os
import re
from pathlib import Path

from mtfix.errors import GlossaryError


def read_glossary_bytes(path: str | os.PathLike[str]) -> bytes:
    """The raw bytes of a glossary file.

    Raises:
        GlossaryError: The file is missing, is a directory or cannot be read.
    """
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise GlossaryError("glossary file not found", path) from None
    except IsADirectoryError:
        raise GlossaryError("is a directory, not a glossary file", path) from None
    except OSError as exc:
        raise GlossaryError(f"cannot read the glossary file: {exc.strerror or exc}", path) from None


def line_of_offset(data: bytes | str, offset: int) -> int:
    """The 1-based line on which ``offset`` (into ``data``) falls."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def slug(text: str) -> str:
    """A concept id made from a term: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-") or "concept"


def unused_id(candidate: str, taken: set[str]) -> str:
    """``candidate``, or ``candidate-2``, ``-3``... if taken; the result is added to ``taken``."""
    unique, number = candidate, 1
    while unique in taken:
        number += 1
        unique = f"{candidate}-{number}"
    taken.add(unique)
    return unique
