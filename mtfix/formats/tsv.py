"""Bilingual tables: ``source<TAB>target`` (TSV) or ``source,target`` (CSV), one segment a row.

The first column is the source, the second the MT target to post-edit (empty or missing:
an empty target). Further columns are kept as they are. A first row whose two cells are
column names (``source``/``target``, ``src``/``mt``...) or language tags (``zh``/``en-GB``)
is a header, not a segment; language tags set the document's languages.

Fields may be quoted (``"a, b"``, a doubled ``""`` for a quote, line breaks inside quotes), as
spreadsheets write them. Blank rows are kept and are not segments. Encodings are those of
plain text (UTF-8 with or without a byte-order mark, UTF-16/32 with one).

Writing replaces only the target cells that changed, so an untouched table writes back
byte for byte; a changed cell is quoted when it needs to be (or was).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mtfix.core.models import Document, Segment
from mtfix.errors import FormatError
from mtfix.formats.base import ExportUnit, Format, check_lengths
from mtfix.formats.text import decode_text, encode_text

__all__ = ["CsvFormat", "TsvFormat", "read_table", "write_table"]

_HEADER_NAMES = frozenset({
    "source", "target", "src", "tgt", "trg", "mt", "translation", "original", "text", "source text",
    "target text", "machine translation", "hyp", "hypothesis", "output", "ref", "reference",
})
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@dataclass(slots=True)
class _Field:
    value: str
    start: int  # offsets of the raw field (quotes included) in the decoded text
    end: int
    quoted: bool


@dataclass(slots=True)
class _Row:
    fields: list[_Field]
    line: int
    end: int  # offset just after the last field (before the line end)


def _parse(text: str, delimiter: str, name: str) -> list[_Row]:
    rows: list[_Row] = []
    position, line, size = 0, 1, len(text)
    while position < size:
        row_line = line
        fields: list[_Field] = []
        while True:
            start = position
            if position < size and text[position] == '"':
                parts, position = [], position + 1
                while True:
                    close = text.find('"', position)
                    if close < 0:
                        raise FormatError("a quoted field is not closed (missing '\"')", name, row_line)
                    parts.append(text[position:close])
                    if text.startswith('""', close):
                        parts.append('"')
                        position = close + 2
                        continue
                    position = close + 1
                    break
                value = "".join(parts)
                line += _line_breaks(value)
                if position < size and text[position] not in (delimiter, "\r", "\n"):
                    raise FormatError(
                        f"unexpected {text[position]!r} after a quoted field (a quote inside a "
                        'quoted field is written "")', name, line)
                fields.append(_Field(value, start, position, True))
            else:
                stop = position
                while stop < size and text[stop] not in (delimiter, "\r", "\n"):
                    stop += 1
                fields.append(_Field(text[position:stop], start, stop, False))
                position = stop
            if position < size and text[position] == delimiter:
                position += 1
                continue
            break
        rows.append(_Row(fields, row_line, position))
        if text.startswith("\r\n", position):
            position += 2
        elif position < size:
            position += 1
        line += 1
    return rows


def _line_breaks(value: str) -> int:
    return value.count("\n") + value.count("\r") - value.count("\r\n")


def _is_header(row: _Row) -> tuple[bool, str | None, str | None]:
    cells = [f.value.strip() for f in row.fields[:2]]
    if len(cells) < 2:
        return False, None, None
    if all(c.lower() in _HEADER_NAMES for c in cells):
        return True, None, None
    if all(_LANGUAGE_TAG.match(c) for c in cells) and cells[0].lower() != cells[1].lower():
        return True, cells[0].replace("_", "-"), cells[1].replace("_", "-")
    return False, None, None


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(data: bytes, name: str, delimiter: str | None, format_name: str) -> Document:
    """Read a bilingual table (see the module docstring).

    Args:
        data: The file's bytes.
        name: The file's name, for messages.
        delimiter: The column separator, or None to take the commonest of ``,;<TAB>`` in
            the first line.
        format_name: The name the document records ("tsv" or "csv").

    Raises:
        FormatError: Undecodable bytes or a broken quoted field, with the line.
    """
    text, encoding, bom = decode_text(data, name)
    delimiter = delimiter or _sniff_delimiter(text)
    rows = _parse(text, delimiter, name)
    header, source_language, target_language = (False, None, None)
    if rows:
        header, source_language, target_language = _is_header(rows[0])
    segments: list[Segment] = []
    cells: list[int] = []  # row number of each segment
    for number, row in enumerate(rows):
        if (header and number == 0) or (len(row.fields) == 1 and not row.fields[0].value and not row.fields[0].quoted):
            continue
        target = row.fields[1].value if len(row.fields) > 1 else ""
        segments.append(Segment(len(segments), target, "\n", len(segments), row.fields[0].value, str(row.line)))
        cells.append(number)
    return Document(
        segments=tuple(segments),
        encoding=encoding,
        bom=bom,
        path=None if name in ("-", "<stdin>") else name,
        format=format_name,
        source_language=source_language or "und",
        target_language=target_language or "en",
        metadata={"original": text, "rows": rows, "cells": cells, "delimiter": delimiter, "header": header},
    )


def _quote(value: str, delimiter: str, was_quoted: bool) -> str:
    if was_quoted or any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_table(document: Document, targets: Sequence[str]) -> bytes:
    """The table read as ``document`` with the target cells replaced by ``targets``."""
    meta = document.metadata
    text: str = meta["original"]
    delimiter: str = meta["delimiter"]
    edits: list[tuple[int, int, str]] = []
    for segment, target, number in zip(document.segments, targets, meta["cells"], strict=True):
        if target == segment.text:
            continue
        row: _Row = meta["rows"][number]
        if len(row.fields) > 1:
            cell = row.fields[1]
            edits.append((cell.start, cell.end, _quote(target, delimiter, cell.quoted)))
        else:
            edits.append((row.end, row.end, delimiter + _quote(target, delimiter, False)))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return encode_text(text, document.encoding, document.bom, document.path)


def create_table(units: Sequence[ExportUnit], source_language: str, target_language: str, delimiter: str) -> bytes:
    """A new table of ``units`` (see :meth:`TsvFormat.create`), UTF-8 with ``\\n`` line ends."""
    header = [source_language, target_language]
    probe = _Row([_Field(cell, 0, 0, False) for cell in header], 1, 0)
    if _is_header(probe)[1] is None:
        header = ["source", "target"]
    rows = [header] + [[unit.source, unit.target] for unit in units]
    text = "".join(delimiter.join(_quote(cell, delimiter, False) for cell in row) + "\n" for row in rows)
    return text.encode("utf-8")


class TsvFormat(Format):
    """Tab-separated bilingual tables (``.tsv``): source, then target."""

    name = "tsv"
    extensions = (".tsv", ".tab")
    description = "bilingual source<TAB>target table"
    needs_original = True
    delimiter: str | None = "\t"

    def read(self, data: bytes, name: str) -> Document:
        return read_table(data, name, self.delimiter, self.name)

    def write(self, document: Document, targets: Sequence[str], statuses: Sequence[str] | None = None) -> bytes:
        check_lengths(document, targets, statuses)
        return write_table(document, targets)

    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """A new UTF-8 table: a header row, then ``source``, ``target`` per unit (no status, no id).

        The header holds the two language tags, so they are read back; when they are the
        same (monolingual post-editing) or not tags, it is ``source``/``target``.
        """
        return create_table(units, source_language, target_language, self.delimiter or ",")


class CsvFormat(TsvFormat):
    """Comma- (or semicolon-) separated bilingual tables (``.csv``): source, then target."""

    name = "csv"
    extensions = (".csv",)
    description = "bilingual source,target table"
    delimiter = None
