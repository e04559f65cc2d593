"""The interface every document format implements: bytes in, a document out, and back.

A format turns a file into a :class:`~mtfix.core.models.Document` whose segments are the
units of review, and writes the reviewed targets back into the same file shape. Built-in
formats are registered in :mod:`mtfix.formats.registry` the way a plugin would be, and the
shared contract test (``tests/formats/contract.py``) holds each of them to this contract.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from mtfix.core.models import Document
from mtfix.errors import FormatError

__all__ = ["STATUSES", "ExportUnit", "Format"]

STATUSES = ("new", "draft", "confirmed", "rejected")
"""The review statuses a format maps its own states to and from."""


@dataclass(frozen=True, slots=True)
class ExportUnit:
    """One segment of a file written from scratch by :meth:`Format.create`.

    Attributes:
        source: The source text, with placeholders; in monolingual post-editing the MT
            text (it is what the translation was made from).
        target: The target text, with placeholders.
        status: One of :data:`STATUSES`.
        id: The segment's id in the document it comes from, or "" (the unit is numbered).
    """

    source: str
    target: str
    status: str = "new"
    id: str = ""


class Format(ABC):
    """A document format: how to read a file into segments and write targets back.

    Contract:
        - ``read`` never returns half a document: bad input raises
          :class:`~mtfix.errors.FormatError` naming the file (and the line where there is one).
        - Every segment's ``text`` is what the reviewer post-edits (the MT target); in
          bilingual formats ``source`` holds the source text, else it is None.
        - Inline codes of markup formats appear in ``text`` and ``source`` as placeholders
          (``<g1>``...``</g1>``, ``<x2/>``, ``<h3>``...``</h3>``, as in :mod:`mtfix.formats.tmx`);
          ``write`` turns them back into the original codes.
        - ``document.metadata["statuses"]``, when present, holds the status read for each
          segment (one of :data:`STATUSES`).
        - ``write(read(data), [s.text for s in segments], None)`` gives a file that reads
          back to the same segments; when :attr:`byte_identical` is true it *is* ``data``.
        - ``write`` changes only what it is given: targets that differ from those read, and
          statuses that differ from those read. Everything else in the file is carried through.
    """

    name: ClassVar[str]
    """The name users pass to ``--format``."""

    extensions: ClassVar[tuple[str, ...]]
    """File name endings, lower case, with the dot (``".xlf"``)."""

    description: ClassVar[str] = ""
    """One line for ``--help``."""

    byte_identical: ClassVar[bool] = True
    """Whether an untouched document writes back to exactly the bytes read."""

    needs_original: ClassVar[bool] = False
    """Whether ``write`` needs what ``read`` kept in ``document.metadata`` (the original
    file's structure). A document rebuilt without it (e.g. from the workspace) must be read
    again from its file first; :func:`mtfix.formats.registry.write_document` does that."""

    @abstractmethod
    def read(self, data: bytes, name: str) -> Document:
        """Read the bytes of a file.

        Args:
            data: The whole file.
            name: The file's path (or ``"-"`` / ``"<stdin>"``), for messages and ``Document.path``.

        Returns:
            The document, with ``format`` set to :attr:`name`.

        Raises:
            FormatError: The bytes are not a valid file of this format.
        """

    @abstractmethod
    def write(
        self, document: Document, targets: Sequence[str], statuses: Sequence[str] | None = None
    ) -> bytes:
        """The bytes of the file with the reviewed targets (and statuses) written in.

        Args:
            document: A document this format read (see :attr:`needs_original`).
            targets: The target text of each segment, in order, with placeholders.
            statuses: The status of each segment (:data:`STATUSES`, or None for a
                segment whose state in the file stays as it is), or None to keep
                every state of the file.

        Raises:
            ValueError: ``targets`` or ``statuses`` do not have one entry per segment.
            FormatError: A target cannot be written (an unknown or unbalanced inline code,
                a character the file's encoding cannot hold).
        """

    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """The bytes of a new file of this format holding ``units``, with no original file.

        This is how a document is exported in another format than its own. The file is
        UTF-8; each unit's status is written as the format's own state where it has one
        (as :meth:`write` maps it), and its id where the format can hold it (else the
        unit's number from 1). Reading the file back gives the same sources and targets.

        Args:
            units: The segments, in order.
            source_language: The language of the sources (BCP 47).
            target_language: The language of the targets.

        Raises:
            ValueError: A unit's status is not one of :data:`STATUSES`.
            FormatError: The format cannot be written from scratch, or a text cannot be
                written (a character XML cannot hold).
        """
        raise FormatError(f"{self.name} files cannot be written from scratch, only into an original file")


def check_lengths(document: Document, targets: Sequence[str], statuses: Sequence[str | None] | None) -> None:
    """Raise ValueError unless there is one target (and status) per segment."""
    count = len(document.segments)
    if len(targets) != count:
        raise ValueError(f"{len(targets)} targets given for {count} segments")
    if statuses is not None:
        if len(statuses) != count:
            raise ValueError(f"{len(statuses)} statuses given for {count} segments")
        unknown = sorted(set(statuses) - set(STATUSES) - {None})
        if unknown:
            raise ValueError(f"unknown status {unknown[0]!r}: use one of {', '.join(STATUSES)}")
