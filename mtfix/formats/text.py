"""Plain text documents: read, segment, and write back byte for byte.

A text file is UTF-8, with or without a byte-order mark, or UTF-16 or UTF-32
with a byte-order mark. Nothing else is guessed: a file in another encoding
is refused with the line and offset of the first byte that is not UTF-8, so
the user converts it once instead of getting silently garbled text.

Writing a document read from a file, with no text changed, gives back the
file's exact bytes: the same encoding, the same byte-order mark, the same line
ends, the same whitespace.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path

from mtfix.core.models import Document
from mtfix.core.segment import segment_text
from mtfix.errors import FormatError, MtfixError
from mtfix.formats.base import ExportUnit, Format, check_lengths

__all__ = ["TextFormat", "decode_text", "encode_text", "read_text", "write_text"]

# UTF-32 first: its little-endian mark starts with the UTF-16 one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MARK_OF = {encoding: mark for mark, encoding in _BYTE_ORDER_MARKS}


def read_text(
    path: str | Path | None = None, data: bytes | None = None, name: str = "-"
) -> Document:
    """Read a plain text document and split it into segments.

    Args:
        path: The file to read, unless ``data`` is given.
        data: The file's bytes, e.g. from standard input.
        name: What to call the input in messages when there is no ``path``.

    Returns:
        A document of format "text" whose segments, joined with their
        separators after the prefix, are the decoded text.

    Raises:
        MtfixError: The file cannot be read.
        FormatError: The bytes are not text in a supported encoding.
    """
    if path is not None:
        name = str(path)
    if data is None:
        if path is None:
            raise ValueError("read_text needs a path or data")
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise MtfixError(f"cannot read the file: {error.strerror or error}", name) from error
    text, encoding, bom = decode_text(data, name)
    prefix, segments = segment_text(text)
    return Document(
        segments=tuple(segments),
        prefix=prefix,
        encoding=encoding,
        bom=bom,
        path=None if name == "-" else name,
        format="text",
    )


def write_text(document: Document, texts: Sequence[str] | None = None) -> bytes:
    """The bytes of a text document, in the encoding it was read with.

    Args:
        document: The document; its prefix and separators are kept as they are.
        texts: The text to write for each segment, in order; by default each
            segment's own text, which gives back the original bytes.

    Returns:
        The encoded file, with a byte-order mark if the original had one.

    Raises:
        ValueError: ``texts`` does not have one entry per segment.
        FormatError: A text cannot be written in the document's encoding.
    """
    if texts is None:
        body = document.text()
    else:
        if len(texts) != len(document.segments):
            raise ValueError(f"{len(texts)} texts given for {len(document.segments)} segments")
        body = document.prefix + "".join(
            text + segment.separator for text, segment in zip(texts, document.segments, strict=True)
        )
    return encode_text(body, document.encoding, document.bom, document.path)


def encode_text(body: str, encoding: str, bom: bool, path: str | None = None) -> bytes:
    """``body`` in ``encoding``, after a byte-order mark if ``bom``.

    Raises:
        FormatError: A character cannot be written in the encoding.
    """
    encoding = codecs.lookup(encoding).name
    try:
        encoded = body.encode(encoding)
    except UnicodeEncodeError as error:
        raise FormatError(
            f"character {body[error.start]!r} cannot be written in {encoding}: {error.reason}",
            path,
            _line_of(body[: error.start]),
        ) from error
    if not bom:
        return encoded
    if encoding not in _MARK_OF:
        raise ValueError(f"no byte-order mark is defined for {encoding}")
    return _MARK_OF[encoding] + encoded


def decode_text(data: bytes, name: str) -> tuple[str, str, bool]:
    """Decode the bytes of a text file.

    Args:
        data: The file's bytes.
        name: The file's name, for messages.

    Returns:
        The text, the encoding ("utf-8", "utf-16-le", ...) and whether the file
        started with a byte-order mark (not part of the text).

    Raises:
        FormatError: The bytes are not UTF-8 (and have no byte-order mark of
            another Unicode encoding), or they hold NUL characters, as binary
            files do. The error names the line and the byte offset.
    """
    mark, encoding = _byte_order_mark(data)
    body = data[len(mark) :]
    if encoding == "utf-8" and (nul := body.find(b"\0")) >= 0:
        raise FormatError(
            f"NUL byte at offset {len(mark) + nul}: this is a binary file, not text "
            "(or UTF-16 without a byte-order mark: save it as UTF-8)",
            name,
            _line_of(body[:nul].decode("utf-8", "replace")),
        )
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        raise FormatError(
            _decode_failure(error, encoding, offset=len(mark) + error.start),
            name,
            _line_of(body[: error.start].decode(encoding, "replace")),
        ) from error
    if (nul := text.find("\0")) >= 0:
        raise FormatError(
            "NUL character in the text: this is a binary file, not text", name, _line_of(text[:nul])
        )
    return text, encoding, bool(mark)


def _byte_order_mark(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark that ``data`` starts with and its encoding; no mark means UTF-8."""
    for mark, name in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return mark, name
    return b"", "utf-8"


def _decode_failure(error: UnicodeDecodeError, encoding: str, offset: int) -> str:
    """Say which bytes could not be decoded and what to do about it."""
    if encoding != "utf-8":
        return (
            f"the bytes at offset {offset} are not valid {encoding.upper()} ({error.reason}) "
            "although the file starts with its byte-order mark; the file is damaged"
        )
    byte = error.object[error.start]
    return (
        f"byte 0x{byte:02X} at offset {offset} is not UTF-8: the file is in another encoding "
        "(perhaps Windows-1252, Latin-1 or GBK); convert it to UTF-8, "
        "e.g. with iconv -f WINDOWS-1252 -t UTF-8"
    )


def _line_of(text_before: str) -> int:
    """The 1-based line on which the character after ``text_before`` stands."""
    return 1 + text_before.count("\n") + text_before.count("\r") - text_before.count("\r\n")


class TextFormat(Format):
    """Plain text: sentences of a UTF-8 (or UTF-16/32 with a mark) file, written back byte for byte.

    There is no source and no state in a text file: statuses are not written.
    """

    name = "text"
    extensions = (".txt", ".text", ".md")
    description = "plain text, one segment per sentence"

    def read(self, data: bytes, name: str) -> Document:
        return read_text(data=data, name=name)

    def write(self, document: Document, targets: Sequence[str], statuses: Sequence[str] | None = None) -> bytes:
        check_lengths(document, targets, statuses)
        return write_text(document, list(targets))

    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """The targets alone, one a line, in UTF-8 (no source, no status: text has neither)."""
        return "".join(unit.target + "\n" for unit in units).encode("utf-8")
