"""Which format reads which file: a registry by extension, imported only when used.

Each built-in format is registered by name with its extensions and the module that holds
it; the module (and lxml with it) is imported the first time the format is needed, so
``mtfix --help`` and plain-text work stay light. ``--format NAME`` overrides the extension.

XML formats (XLIFF, TMX) write the reviewed targets back into the original file's tree.
The workspace keeps segments, not that tree, so :func:`write_document` reads the original
file again (``document.path``, or ``path``) when the document it is given was not read by
the format itself, and checks that the file still has the same segments.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mtfix.core.models import Document
from mtfix.errors import FormatError, MtfixError
from mtfix.formats.base import Format

__all__ = [
    "format_for",
    "format_named_by",
    "format_names",
    "read_document",
    "register",
    "write_document",
]


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    extensions: tuple[str, ...]
    target: str  # "module:Class"
    description: str


_ENTRIES: dict[str, _Entry] = {}
_LOADED: dict[str, Format] = {}


def register(name: str, extensions: Sequence[str], target: str, description: str = "") -> None:
    """Register a format, to be imported when first used.

    Args:
        name: The ``--format`` name.
        extensions: File name endings with the dot (``".xlf"``); a later registration of
            the same ending wins.
        target: ``"package.module:ClassName"`` of a :class:`~mtfix.formats.base.Format`.
        description: One line for help texts.
    """
    _ENTRIES[name] = _Entry(name, tuple(e.lower() for e in extensions), target, description)
    _LOADED.pop(name, None)


register("text", (".txt", ".text", ".md"), "mtfix.formats.text:TextFormat", "plain text, one segment per sentence")
register("tsv", (".tsv", ".tab"), "mtfix.formats.tsv:TsvFormat", "bilingual source<TAB>target table")
register("csv", (".csv",), "mtfix.formats.tsv:CsvFormat", "bilingual source,target table")
register("xliff", (".xlf", ".xliff", ".sdlxliff", ".mqxliff"), "mtfix.formats.xliff:XliffFormat",
         "XLIFF 1.2 or 2.0/2.1/2.2")
register("po", (".po", ".pot"), "mtfix.formats.po:PoFormat", "gettext PO catalogue")
register("tmx", (".tmx",), "mtfix.formats.tmx_document:TmxDocumentFormat", "TMX memory reviewed as a document")
register("xliff12", (), "mtfix.formats.xliff:Xliff12Format", "XLIFF, exported from another format as 1.2")


def format_names() -> list[str]:
    """The names ``--format`` accepts, in registration order."""
    return list(_ENTRIES)


def describe(name: str) -> str:
    """The one-line description of a registered format."""
    return _ENTRIES[name].description


def _load(name: str) -> Format:
    if name not in _LOADED:
        module_name, _, class_name = _ENTRIES[name].target.partition(":")
        _LOADED[name] = getattr(importlib.import_module(module_name), class_name)()
    return _LOADED[name]


def format_for(path: str | Path | None, name: str | None = None) -> Format:
    """The format named ``name``, else the one for ``path``'s extension, else plain text.

    Raises:
        MtfixError: ``name`` is not a registered format.
    """
    if name:
        if name not in _ENTRIES:
            raise MtfixError(f"unknown format {name!r}: use one of {', '.join(_ENTRIES)}")
        return _load(name)
    named = format_named_by(path) if path is not None else None
    return _load(named or "text")


def format_named_by(path: str | Path) -> str | None:
    """The name of the format whose extension ends ``path`` (the longest that does), or None."""
    lower = str(path).lower()
    best = None
    for entry in _ENTRIES.values():
        for extension in entry.extensions:
            if lower.endswith(extension) and (best is None or len(extension) > len(best[1])):
                best = (entry.name, extension)
    return best[0] if best is not None else None


def read_document(path: str | Path, format: str | None = None, *, data: bytes | None = None) -> Document:
    """Read a document in the format its extension (or ``format``) names.

    Args:
        path: The file (also its name in messages, e.g. ``"<stdin>"`` with ``data``).
        format: A registered format name that overrides the extension.
        data: The file's bytes, if already read (standard input).

    Raises:
        MtfixError: The file cannot be read.
        FormatError: It is not a valid file of that format.
    """
    name = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise MtfixError("no such file", name) from None
        except OSError as error:
            raise MtfixError(f"cannot read the file: {error.strerror or error}", name) from None
    return format_for(path, format).read(data, name)


def write_document(
    document: Document,
    targets: Sequence[str],
    statuses: Sequence[str | None] | None = None,
    path: str | Path | None = None,
) -> bytes:
    """The bytes of ``document`` in its format, with ``targets`` (and ``statuses``) written in.

    Args:
        document: The document (as read, or rebuilt from the workspace).
        targets: The reviewed target of each segment.
        statuses: The status of each segment (new, draft, confirmed, rejected; None keeps
            the segment's state in the file), or None to keep every state.
        path: The original file to write into, for formats that need it when
            ``document`` was rebuilt without it; default ``document.path``.

    Raises:
        FormatError: The original file is needed and missing or no longer matches.
    """
    fmt = format_for(None, document.format)
    if fmt.needs_original and "original" not in document.metadata:
        original = path or document.path
        if not original:
            raise FormatError(f"a {fmt.name} document is written into its original file; none is known")
        fresh = read_document(original, fmt.name)
        if len(fresh.segments) != len(document.segments) or any(
            a.id != b.id for a, b in zip(fresh.segments, document.segments, strict=True)
        ):
            raise FormatError(
                f"the file changed since it was imported: it has {len(fresh.segments)} segments, "
                f"the review {len(document.segments)}; re-import it first",
                str(original),
            )
        document = fresh
    return fmt.write(document, targets, statuses)
