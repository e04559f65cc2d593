"""Read a glossary kept as a spreadsheet: one wrong rendering and its correction per row.

Each row is ``variant, preferred[, note]``::

    # variant, preferred, note
    Dalian University of Science and Technology,Dalian University of Technology,Seen 8 times in MT
    "Dalian University of Technolog",Dalian University of Technology

- The delimiter follows the extension: a tab for ``.tsv``, a comma for ``.csv``;
  for other files, or when the expected delimiter appears nowhere, it is
  guessed among comma, tab, semicolon and ``|``.
- Cells may be quoted (``"a, b"``); spaces around cells are dropped.
- An optional first row of column names (``variant, preferred, note``;
  ``deprecated, term``; ``source, target``...) is recognised and skipped.
- Blank lines and lines starting with ``#`` are ignored.
- The file is UTF-8, with or without a byte-order mark (UTF-16 with a BOM,
  as some spreadsheets save "Unicode text", is accepted too).

All variants of one preferred term form one concept whose id is the preferred
term in lower case with hyphens (``dalian-university-of-technology``): the
preferred term first, then each variant as a deprecated term carrying the
note of its row.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from pathlib import Path

from mtfix.core.models import Concept, Glossary, Term, TermStatus
from mtfix.errors import GlossaryError
from mtfix.formats._glossary_io import line_of_offset, read_glossary_bytes, slug, unused_id

_DELIMITERS_BY_EXTENSION = {".tsv": "\t", ".csv": ","}
_GUESSABLE_DELIMITERS = "\t,;|"  # in order of preference on a tie
_DELIMITER_NAMES = {",": "a comma", "\t": "a tab", ";": "a semicolon", "|": "a '|'"}

_VARIANT_HEADINGS = {"variant", "variants", "deprecated", "source", "wrong", "incorrect"}
_PREFERRED_HEADINGS = {"preferred", "target", "term", "correct", "official"}
_NOTE_HEADINGS = {"note", "notes", "comment", "comments", "remark", "remarks", "description", "definition"}


def read_csv_glossary(path: str | os.PathLike[str], *, language: str = "en") -> Glossary:
    """Read a CSV or TSV glossary of ``variant, preferred[, note]`` rows.

    Args:
        path: The file to read.
        language: The language of every term in the file.

    Returns:
        One concept per distinct preferred term, in order of first appearance;
        ``sources`` is ``(str(path),)``.

    Raises:
        GlossaryError: The file is missing or not UTF-8, or a row has fewer
            than two cells, more than three, an empty variant or preferred
            term, or broken quoting; the error names the file and line.
    """
    text = _decode(read_glossary_bytes(path), path)
    delimiter = _delimiter(Path(path), text)
    concepts: dict[str, tuple[str, list[Term]]] = {}
    taken_ids: set[str] = set()
    first = True
    for line, cells in _rows(text, delimiter, path):
        if first and _is_header(cells):
            first = False
            continue
        first = False
        variant, preferred, note = _check_row(cells, line, delimiter, path)
        if preferred not in concepts:
            concept_id = unused_id(slug(preferred), taken_ids)
            concepts[preferred] = (concept_id, [Term(preferred, TermStatus.PREFERRED, language)])
        concepts[preferred][1].append(Term(variant, TermStatus.DEPRECATED, language, note))
    return Glossary(
        concepts=tuple(Concept(concept_id, tuple(terms)) for concept_id, terms in concepts.values()),
        sources=(str(path),),
    )


def _decode(data: bytes, path) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise GlossaryError(f"broken UTF-16 text: {exc.reason}", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            path,
            line_of_offset(data, exc.start),
        ) from None


def _delimiter(path: Path, text: str) -> str:
    content = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    expected = _DELIMITERS_BY_EXTENSION.get(path.suffix.lower())
    if expected and any(expected in line for line in content):
        return expected
    # csv.Sniffer wants the same number of cells in every row; here the note is optional,
    # so pick the delimiter that makes the most rows of two or three cells.
    sample = content[:100]

    def fitting_rows(delimiter: str) -> int:
        rows = csv.reader(sample, delimiter=delimiter, skipinitialspace=True)
        return sum(2 <= len(row) <= 3 for row in rows)

    best = max(_GUESSABLE_DELIMITERS, key=fitting_rows)
    return best if fitting_rows(best) else expected or ","


class _Lines:
    """Feeds lines to :mod:`csv`, counting them and hiding comment lines.

    A line is a comment only where a record starts: a ``#`` inside a quoted,
    multi-line cell is text.
    """

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")
        self.number = 0
        self.record_start = 0
        self.at_record_start = True

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        if self.at_record_start:
            self.at_record_start = False
            self.record_start = self.number
            if line.lstrip().startswith("#"):
                return "\n"  # csv reads an empty record, skipped like a blank line
        return line


def _rows(text: str, delimiter: str, path):
    """Yield (line, cells) for every row that is not blank or a comment."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True, strict=True)
    while True:
        lines.at_record_start = True
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = f"broken quoting in the row that starts here: {exc}"
            raise GlossaryError(message, path, lines.record_start) from None
        cells = [cell.strip() for cell in cells]
        if any(cells):
            yield lines.record_start, cells


def _is_header(cells: list[str]) -> bool:
    def words(cell: str) -> set[str]:
        return set(re.findall(r"[a-z]+", cell.lower()))

    if len(cells) < 2 or not (words(cells[0]) & _VARIANT_HEADINGS and words(cells[1]) & _PREFERRED_HEADINGS):
        return False
    return all(not cell or words(cell) & _NOTE_HEADINGS for cell in cells[2:])


def _check_row(cells: list[str], line: int, delimiter: str, path) -> tuple[str, str, str]:
    while len(cells) > 2 and not cells[-1]:
        cells.pop()  # spreadsheets pad rows with empty cells
    if len(cells) < 2:
        raise GlossaryError(
            f"a row needs a variant and its preferred term separated by {_DELIMITER_NAMES[delimiter]}; "
            f"this one has only {cells[0]!r}",
            path,
            line,
        )
    if len(cells) > 3:
        raise GlossaryError(
            f"a row has {len(cells)} cells; expected variant, preferred and an optional note "
            f"(quote a cell that contains {_DELIMITER_NAMES[delimiter]})",
            path,
            line,
        )
    variant, preferred = cells[0], cells[1]
    if not variant:
        raise GlossaryError(f"empty variant for the preferred term {preferred!r}", path, line)
    if not preferred:
        raise GlossaryError(f"empty preferred term for the variant {variant!r}", path, line)
    return variant, preferred, cells[2] if len(cells) == 3 else ""

