"""What the review and export commands share: a document in and out of the workspace.

Each function is one step a translator recognises: open a file for review
(import it, or resume it), and export the reviewed text in the file's own
format and encoding, or as a new file in any other registered format.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mtfix.core.glossary import FixEngine
from mtfix.core.models import (
    Document,
    DocumentInfo,
    Segment,
    SegmentState,
    SegmentStatus,
)
from mtfix.errors import MtfixError
from mtfix.formats.base import ExportUnit
from mtfix.formats.registry import format_for, read_document, write_document
from mtfix.formats.text import encode_text, read_text
from mtfix.store.workspace import DocumentChangedError, Workspace


def open_for_review(
    workspace: Workspace, path: Path, engine: FixEngine, *, reimport: bool | None = False,
    format: str | None = None,
) -> tuple[DocumentInfo, bool]:
    """Import ``path`` into the workspace, or resume its review.

    The fix engine runs every time, so a glossary edited since the last session
    proposes its new fixes; decisions already taken are kept.

    Args:
        workspace: The open workspace.
        path: The document file.
        engine: The compiled glossaries.
        reimport: What to do if the file changed since it was imported: True
            re-imports it (keeping the work on unchanged segments), False raises
            :class:`DocumentChangedError`, None resumes the stored version.
        format: A registered format name (``--format``); default: by extension.

    Returns:
        The stored document, and whether the file on disk differs from it.
    """
    fmt = format_for(path, format)
    document = read_text(path) if fmt.name == "text" else read_document(path, fmt.name)
    found = engine.find_fixes_in([s.text for s in document.segments], [s.source for s in document.segments])
    fixes = {s.index: f for s, f in zip(document.segments, found)}
    try:
        info = workspace.import_document(document, fixes, reimport=bool(reimport))
    except DocumentChangedError:
        if reimport is not None:
            raise
        info = workspace.find_document(path)
        return info, True
    # Not an undo step, and a no-op for segments whose fixes did not change.
    workspace.update_fixes(info.id, fixes)
    return info, False


def export_bytes(
    workspace: Workspace, info: DocumentInfo, *, confirmed_only: bool = False, format: str | None = None
) -> bytes:
    """The reviewed document as the bytes of a file, in its own format or any other registered one.

    In the document's own format (the default), targets and statuses are written
    through the format registry in the file's original encoding. The workspace keeps
    segments, not the file's structure, so XML, PO and table formats re-read the
    original file (the document's path) and write the targets back into it; it must
    still hold the same segments. As ``"text"``, any document exports its targets with
    their separators. In any other format, a new UTF-8 file is built from the segments
    (:func:`export_units`, :meth:`~mtfix.formats.base.Format.create`).

    Args:
        workspace: The workspace holding the review.
        info: The document.
        confirmed_only: Write the MT text of segments not confirmed.
        format: A registered format name; default: the document's own.

    Raises:
        MtfixError: The format is unknown, or cannot be written from this document.
    """
    format = format or info.format
    if format == "text":
        text = workspace.export_text(info.id, confirmed_only=confirmed_only)
        return encode_text(text, info.encoding, info.bom, info.path)
    states = workspace.segments(info.id)
    if format != info.format:
        bilingual = any(s.source is not None for s in states)
        # In monolingual post-editing the MT text is the source, and it is in the target language.
        source_language = info.source_language if bilingual else info.target_language
        return format_for(None, format).create(
            export_units(states, confirmed_only=confirmed_only), source_language, info.target_language)
    document = Document(
        segments=tuple(
            Segment(s.index, s.mt, s.separator, s.paragraph, s.source, s.id) for s in states
        ),
        prefix=info.prefix, encoding=info.encoding, bom=info.bom, path=info.path, format=info.format,
        source_language=info.source_language, target_language=info.target_language,
    )
    keep = [not confirmed_only or s.status is SegmentStatus.CONFIRMED for s in states]
    targets = [s.target if k else s.mt for s, k in zip(states, keep, strict=True)]
    # Segments not reviewed yet keep the state the file gave them.
    statuses = [str(s.status) if k and s.status is not SegmentStatus.NEW else None
                for s, k in zip(states, keep, strict=True)]
    return write_document(document, targets, statuses)


def export_units(states: Sequence[SegmentState], *, confirmed_only: bool = False) -> list[ExportUnit]:
    """The segments of a review as the units of a new file in another format.

    The source is the real source in bilingual documents, else the MT text; the target
    is the current target. With ``confirmed_only``, a segment not confirmed exports its
    MT text as an untouched (new) unit, or a rejected one if the reviewer rejected it.
    """
    units = []
    for state in states:
        source = state.source if state.source is not None else state.mt
        if confirmed_only and state.status is not SegmentStatus.CONFIRMED:
            status = "rejected" if state.status is SegmentStatus.REJECTED else "new"
            units.append(ExportUnit(source, state.mt, status, state.id))
        else:
            units.append(ExportUnit(source, state.target, str(state.status), state.id))
    return units


def export_path_for(path: Path, format: str, own_format: str) -> Path:
    """Where an export in ``format`` goes, given the path for the document's own format.

    Another format changes the file name ending to that format's (``.cleaned.xlf`` ->
    ``.cleaned.tmx``); the document's own format keeps ``path``.
    """
    if format == own_format:
        return path
    extensions = format_for(None, format).extensions
    return path.with_suffix(extensions[0]) if extensions else path


def find_reviewed(workspace: Workspace, path: Path) -> DocumentInfo:
    """The document imported from ``path``.

    Raises:
        MtfixError: If the workspace has no review of that file.
    """
    info = workspace.find_document(path)
    if info is None:
        raise MtfixError(f"not in the workspace {workspace.path}: open it with mtfix review first", path)
    return info


def default_export_path(path: Path) -> Path:
    """Where the review exports by default: ``name.cleaned.ext`` beside the file."""
    return path.with_name(f"{path.stem}.cleaned{path.suffix}")


__all__ = [
    "default_export_path", "export_bytes", "export_path_for", "export_units", "find_reviewed", "open_for_review",
]
