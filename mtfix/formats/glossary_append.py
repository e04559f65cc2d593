"""Adding accepted suggestions to a glossary file, leaving the rest of it as it was.

The file is edited as text, not rewritten from a parsed model, so comments,
order, indentation and everything mtfix does not understand survive. A TBX file
gets a deprecated term inside the concept it belongs to, or a new concept
before ``</body>``; a CSV/TSV file gets new rows at its end. The result is read
back before it replaces the file: an edit that would break it is refused.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path

from mtfix.core.suggest import Suggestion
from mtfix.errors import GlossaryError
from mtfix.formats._glossary_io import read_glossary_bytes, slug
from mtfix.formats.atomic import write_atomically


def add_suggestions(path: Path, suggestions: Sequence[Suggestion], *, language: str = "en") -> None:
    """Add ``suggestions`` to the glossary at ``path`` (TBX, CSV or TSV).

    Raises:
        GlossaryError: The file cannot be read, is of another kind, or would not
            read back after the edit.
    """
    if not suggestions:
        return
    data = read_glossary_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        text = data.decode("utf-8-sig")
        edited = _add_to_tbx(text, suggestions, language, path)
        encoded = ("\ufeff" if data.startswith(b"\xef\xbb\xbf") else "") + edited
    elif suffix in (".csv", ".tsv"):
        encoded = _add_to_csv(data.decode("utf-8-sig"), suggestions, "\t" if suffix == ".tsv" else ",")
        if data.startswith(b"\xef\xbb\xbf"):
            encoded = "\ufeff" + encoded
    else:
        raise GlossaryError("suggestions can be added to .tbx, .csv and .tsv glossaries", path)
    _check_reads_back(path, encoded.encode("utf-8"))
    write_atomically(path, encoded.encode("utf-8"))


def _note(s: Suggestion) -> str:
    return f"Suggested by mtfix ({s.reason}, seen {s.count}x)."


def _add_to_csv(text: str, suggestions: Sequence[Suggestion], delimiter: str) -> str:
    rows = io.StringIO()
    writer = csv.writer(rows, delimiter=delimiter, lineterminator="\n")
    for s in suggestions:
        writer.writerow([s.variant, s.preferred, _note(s)])
    return (text if not text or text.endswith("\n") else text + "\n") + rows.getvalue()


def _add_to_tbx(text: str, suggestions: Sequence[Suggestion], language: str, path: Path) -> str:
    v3 = re.search(r"<tbx[\s>]", text) is not None
    new_concepts: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        entry = _entry_span(text, s.concept, v3) if s.concept else None
        if entry is None:
            new_concepts.setdefault(s.preferred, []).append(s)
            continue
        text = _insert_term(text, entry, s, language, v3)
    if new_concepts:
        body_end = text.rfind("</body>")
        if body_end < 0:
            raise GlossaryError("no </body> to add concepts to", path)
        indent = _indent_before(text, body_end) + "  "
        blocks = "".join(_new_concept(preferred, group, language, v3, indent, text)
                         for preferred, group in new_concepts.items())
        text = text[:body_end].rstrip(" ") + blocks + _indent_before(text, body_end) + text[body_end:]
    return text


def _entry_span(text: str, concept: str, v3: bool) -> tuple[int, int] | None:
    tag = "conceptEntry" if v3 else "termEntry"
    start = re.search(rf"<{tag}\b[^>]*\bid\s*=\s*[\"']{re.escape(concept)}[\"']", text)
    if start is None:
        return None
    end = text.find(f"</{tag}>", start.end())
    return (start.start(), end) if end >= 0 else None


def _insert_term(text: str, entry: tuple[int, int], s: Suggestion, language: str, v3: bool) -> str:
    start, end = entry
    section = "langSec" if v3 else "langSet"
    inner = text[start:end]
    lang = re.search(rf"<{section}\b[^>]*xml:lang\s*=\s*[\"']{re.escape(language)}(?:-[\w-]+)?[\"'][^>]*>", inner)
    closing = inner.find(f"</{section}>", lang.end()) if lang else -1
    if closing < 0:
        indent = _indent_before(text, end) + "  "
        block = (f"{indent}<{section} xml:lang=\"{language}\">\n{_term_xml(s, v3, indent + '  ')}"
                 f"{indent}</{section}>\n")
        return text[:end].rstrip(" ") + block + _indent_before(text, end) + text[end:]
    at = start + closing
    indent = _indent_before(text, at) + "  "
    return text[:at].rstrip(" ") + _term_xml(s, v3, indent) + _indent_before(text, at) + text[at:]


def _term_xml(s: Suggestion, v3: bool, indent: str) -> str:
    group = "termSec" if v3 else "tig"
    return (
        f"{indent}<{group}>\n"
        f"{indent}  <term>{escape(s.variant, quote=False)}</term>\n"
        f"{indent}  <termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote>\n"
        f"{indent}  <note>{escape(_note(s), quote=False)}</note>\n"
        f"{indent}</{group}>\n"
    )


def _new_concept(preferred: str, group: list[Suggestion], language: str, v3: bool, indent: str, text: str) -> str:
    tag, section, term_group = ("conceptEntry", "langSec", "termSec") if v3 else ("termEntry", "langSet", "tig")
    base = slug(preferred)
    concept_id, n = base, 1
    while re.search(rf"\bid\s*=\s*[\"']{re.escape(concept_id)}[\"']", text):
        n += 1
        concept_id = f"{base}-{n}"
    inner = indent + "    "
    terms = (f"{inner}<{term_group}>\n{inner}  <term>{escape(preferred, quote=False)}</term>\n"
             f"{inner}  <termNote type=\"administrativeStatus\">preferredTerm-admn-sts</termNote>\n"
             f"{inner}</{term_group}>\n")
    terms += "".join(_term_xml(s, v3, inner) for s in group)
    return (f"\n{indent}<!-- Suggested by mtfix glossary suggest: one name rendered "
            f"{len(group) + 1} ways. -->\n"
            f"{indent}<{tag} id=\"{concept_id}\">\n{indent}  <{section} xml:lang=\"{language}\">\n"
            f"{terms}{indent}  </{section}>\n{indent}</{tag}>\n")


def _indent_before(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    prefix = text[line_start:position]
    return prefix if not prefix.strip() else ""


def _check_reads_back(path: Path, data: bytes) -> None:
    from mtfix.formats.glossary_files import load_glossary

    with tempfile.TemporaryDirectory() as folder:
        trial = Path(folder) / path.name
        trial.write_bytes(data)
        try:
            load_glossary(trial)
        except GlossaryError as error:
            raise GlossaryError(f"adding the suggestions would break the file: {error.message}", path) from None
