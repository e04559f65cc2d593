"""Read and write TBX termbases (ISO 30042).

Reading accepts the shapes found in the wild:

- TBX v2 / TBX-Basic 2008 (``<martif>``): ``termEntry/langSet/tig/term`` and
  ``termEntry/langSet/ntig/termGrp/term``;
- TBX v3 (``<tbx>``, ISO 30042:2019, DCA style): ``conceptEntry/langSec/termSec/term``;
- hybrids of the two (v2 elements in the v3 namespace, v3 elements in a
  ``martif`` root): elements are recognised by local name, whatever the namespace.

What is taken from a file:

- **Concept id**: ``termEntry/@id`` or ``conceptEntry/@id``, else ``c1``, ``c2``...
  by position in the file.
- **Terms** of every language (``xml:lang`` of the language section), in file
  order; the engine picks the languages it needs.
- **Status** from ``termNote type="administrativeStatus"`` (or the older
  ``normativeAuthorization``): ``preferredTerm-admn-sts`` and
  ``standardizedTerm-admn-sts`` are preferred, ``admittedTerm-admn-sts`` admitted,
  ``deprecatedTerm-admn-sts`` and ``notRecommendedTerm-admn-sts`` deprecated,
  ``supersededTerm-admn-sts`` and ``obsoleteTerm-admn-sts`` superseded; the bare
  words (``preferred``, ``obsolete``...) work too. A term without a status, or
  with a value mtfix does not know (a warning is logged), is admitted: it is
  protected, never replaced.
- **Concept note**: ``descrip type="definition"``, ``descrip type="usageNote"``
  and ``note`` at entry level; when the entry has none, those of the language
  sections (the file's own language first).
- **Term note**: ``termNote type="usageNote"``, ``descrip type="definition"`` or
  ``"usageNote"`` and ``note`` inside the term section. Context sentences
  (``descrip type="context"``) are examples, not notes, and are skipped.
- **mtfix extension**: ``<termNote type="x-mtfix-apply">suggest</termNote>`` in a
  term section makes fixes to that term wait for a reviewer (``auto`` is the default).

Empty terms, and entries left without any term, are skipped. Whitespace inside
terms and notes is collapsed (files are pretty-printed and
wrap long notes), except under ``xml:space="preserve"``.

The XML is parsed without expanding entities, loading DTDs or touching the
network; a term that uses an entity such as ``&nbsp;`` is reported as an error
rather than silently losing characters.

Writing produces TBX v3 TBX-Basic in the DCA style, which :func:`read_tbx` reads
back to an equal glossary.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterator
from typing import IO

from lxml import etree

from mtfix.core.models import Concept, Glossary, Term, TermStatus
from mtfix.errors import GlossaryError
from mtfix.formats._glossary_io import read_glossary_bytes, unused_id
from mtfix.formats.atomic import write_atomically

log = logging.getLogger(__name__)

TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
"""The namespace of TBX v3 (ISO 30042:2019)."""

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_XML_WHITESPACE = re.compile(r"[ \t\r\n]+")

_ROOTS = {"martif", "tbx"}
_ENTRIES = {"termEntry", "conceptEntry"}
_LANGUAGE_SECTIONS = {"langSet", "langSec"}
_TERM_SECTIONS = {"tig", "ntig", "termSec"}

# Keys are `type` values lower-cased with everything but letters removed.
_STATUS_TYPES = ("administrativestatus", "normativeauthorization")
_NOTE_DESCRIP_TYPES = {"definition", "usagenote"}
_APPLY_TYPE = "xmtfixapply"

_STATUS_WORDS = {
    "preferred": TermStatus.PREFERRED,
    "standardized": TermStatus.PREFERRED,
    "admitted": TermStatus.ADMITTED,
    "deprecated": TermStatus.DEPRECATED,
    "notrecommended": TermStatus.DEPRECATED,
    "superseded": TermStatus.SUPERSEDED,
    "obsolete": TermStatus.SUPERSEDED,
}
_STATUS_VALUES = {
    TermStatus.PREFERRED: "preferredTerm-admn-sts",
    TermStatus.ADMITTED: "admittedTerm-admn-sts",
    TermStatus.DEPRECATED: "deprecatedTerm-admn-sts",
    TermStatus.SUPERSEDED: "supersededTerm-admn-sts",
}
_APPLY_WORDS = {"auto": True, "suggest": False}


def read_tbx(path: str | os.PathLike[str]) -> Glossary:
    """Read the concepts of a TBX file.

    Args:
        path: The TBX file. Its encoding is the one its XML declaration names
            (UTF-8 when there is none); a UTF-8 byte-order mark is fine.

    Returns:
        The concepts with a term, in file order; ``sources`` is ``(str(path),)``.

    Raises:
        GlossaryError: The file is missing, is not well-formed XML, is not TBX,
            uses an entity in a term, or has a bad ``x-mtfix-apply`` value;
            the error names the file and line.
    """
    root = _parse(read_glossary_bytes(path), path)
    name = etree.QName(root).localname
    if name not in _ROOTS:
        raise GlossaryError(
            f"not a TBX file: the root element is <{name}>, not <martif> or <tbx>", path, root.sourceline
        )
    file_language = root.get(_XML_LANG) or "en"
    entries = list(root.iter("{*}termEntry", "{*}conceptEntry"))
    taken_ids = {entry.get("id") for entry in entries if entry.get("id")}
    concepts = []
    unknown_statuses: dict[str, list[int]] = {}
    for position, entry in enumerate(entries, start=1):
        concept_id = entry.get("id") or unused_id(f"c{position}", taken_ids)
        concept = _read_entry(entry, concept_id, file_language, path, unknown_statuses)
        if concept.terms:
            concepts.append(concept)
        else:
            log.debug("%s:%s: concept %s has no terms; skipped", path, entry.sourceline, concept_id)
    _refuse_entity_declarations(root, path)  # after the terms: an entity used in one is named there
    for value, lines in unknown_statuses.items():
        log.warning(
            "%s:%s: unknown term status %r (%d term(s)); treated as admitted", path, lines[0], value, len(lines)
        )
    return Glossary(concepts=tuple(concepts), sources=(str(path),))


def write_tbx(glossary: Glossary, target: str | os.PathLike[str] | IO, *, language: str = "en") -> None:
    """Write the concepts of a glossary as TBX v3, TBX-Basic dialect, DCA style.

    Each concept becomes a ``conceptEntry`` (its note a ``note``); each run of
    terms in one language a ``langSec``; each term a ``termSec`` with its
    ``administrativeStatus``, its note and, for terms that only suggest,
    ``<termNote type="x-mtfix-apply">suggest</termNote>`` (an mtfix extension
    that TBX-Basic validators do not know).

    Args:
        glossary: The glossary to write. It must hold no pattern rules: TBX
            has no place for them (keep them in an mtfix ``.toml`` file).
        target: A file path, replaced atomically (the old file or the new one,
            never half of one), or an open binary or text stream.
        language: The ``xml:lang`` of the whole file.

    Raises:
        GlossaryError: The glossary has pattern rules, or text that XML cannot
            hold (control characters).
    """
    if glossary.rules:
        raise GlossaryError(
            f"TBX holds terminology only, not the {len(glossary.rules)} pattern rule(s) of this "
            "glossary; keep them in an mtfix .toml file"
        )
    data = _serialise(glossary, language)
    if isinstance(target, (str, os.PathLike)):
        write_atomically(target, data)
    elif isinstance(target, io.TextIOBase):
        target.write(data.decode("utf-8"))
    else:
        target.write(data)


def _parse(data: bytes, path) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.parse(io.BytesIO(data), parser).getroot()
    except etree.XMLSyntaxError as exc:
        message = re.sub(r",? line \d+, column \d+$", "", exc.msg or str(exc)).strip()
        column = f" (column {exc.position[1]})" if exc.position and exc.position[1] else ""
        raise GlossaryError(f"malformed XML: {message}{column}", path, exc.lineno or None) from None
    return root


def _refuse_entity_declarations(root, path) -> None:
    """Refuse declared entities even unused (as XLIFF and TMX do): none is ever loaded."""
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            raise GlossaryError(
                f"entity declarations are not allowed in a glossary (entity {entity.name!r})", path, 1
            )


def _read_entry(entry, concept_id: str, file_language: str, path, unknown_statuses) -> Concept:
    notes = list(_notes_of(entry, path))
    section_notes: list[tuple[bool, str]] = []
    terms: list[Term] = []
    for section in entry:
        if _local(section) not in _LANGUAGE_SECTIONS:
            continue
        language = section.get(_XML_LANG) or file_language
        section_notes.extend((language.lower() != file_language.lower(), note) for note in _notes_of(section, path))
        for term_section in section:
            if _local(term_section) in _TERM_SECTIONS:
                term = _read_term_section(term_section, language, path, unknown_statuses)
                if term is not None:
                    terms.append(term)
    if not notes:
        # sorted() is stable: the file's own language first, file order otherwise.
        notes = [note for _, note in sorted(section_notes, key=lambda pair: pair[0])][:1]
    return Concept(id=concept_id, terms=tuple(terms), note="\n".join(notes))


def _notes_of(element, path) -> Iterator[str]:
    """Notes and definitions that are direct children of an entry or language section."""
    for child in element:
        name = _local(child)
        if name == "descripGrp":
            yield from _notes_of(child, path)
        elif name == "note" or (name == "descrip" and _type_key(child) in _NOTE_DESCRIP_TYPES):
            text = _text(child, path)
            if text:
                yield text


def _read_term_section(section, language: str, path, unknown_statuses) -> Term | None:
    term_element = None
    statuses: dict[str, tuple[str, int]] = {}
    notes: list[str] = []
    auto_apply = True
    for element in section.iter(tag=etree.Element):
        name, kind = _local(element), _type_key(element)
        if name == "term" and term_element is None:
            term_element = element
        elif name == "termNote" and kind in _STATUS_TYPES:
            statuses.setdefault(kind, (_text(element, path), element.sourceline))
        elif name == "termNote" and kind == _APPLY_TYPE:
            value = _text(element, path)
            if value.lower() not in _APPLY_WORDS:
                raise GlossaryError(
                    f"x-mtfix-apply must be 'auto' or 'suggest', not {value!r}", path, element.sourceline
                )
            auto_apply = _APPLY_WORDS[value.lower()]
        elif (name == "termNote" and kind == "usagenote") or name == "note" or (
            name == "descrip" and kind in _NOTE_DESCRIP_TYPES
        ):
            text = _text(element, path)
            if text:
                notes.append(text)
    if term_element is None:
        log.debug("%s:%s: term section without a <term>; skipped", path, section.sourceline)
        return None
    text = _text(term_element, path, what="term")
    if not text:
        log.debug("%s:%s: empty <term>; skipped", path, term_element.sourceline)
        return None
    status = TermStatus.ADMITTED
    for kind in _STATUS_TYPES:
        if kind in statuses:
            value, line = statuses[kind]
            status = _status(value)
            if status is None:
                unknown_statuses.setdefault(value, []).append(line)
                status = TermStatus.ADMITTED
            break
    return Term(text=text, status=status, language=language, note="\n".join(notes), auto_apply=auto_apply)


def _status(value: str) -> TermStatus | None:
    """The status a TBX value stands for, or None for a value mtfix does not know."""
    word = re.sub(r"[^a-z]", "", value.lower().removesuffix("-admn-sts"))
    return _STATUS_WORDS.get(word.removesuffix("term"))


def _text(element, path, *, what: str = "text") -> str:
    """The character content of an element and its inline children."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            raise GlossaryError(
                f"the {what} uses the entity {child.text}, which mtfix does not expand; "
                "write the character itself",
                path,
                child.sourceline or element.sourceline,
            )
        parts.append(_text(child, path, what=what))
        parts.append(child.tail or "")
    text = "".join(parts)
    return text if _preserves_space(element) else _collapse(text)


def _collapse(text: str) -> str:
    """Collapse XML whitespace only: a no-break space in a term is meant."""
    return _XML_WHITESPACE.sub(" ", text).strip(" ")


def _preserves_space(element) -> bool:
    for ancestor in (element, *element.iterancestors()):
        space = ancestor.get(_XML_SPACE)
        if space is not None:
            return space == "preserve"
    return False


def _local(element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _type_key(element) -> str:
    return re.sub(r"[^a-z]", "", (element.get("type") or "").lower())


def _serialise(glossary: Glossary, language: str) -> bytes:
    def sub(parent, tag: str, text: str | None = None, **attributes: str):
        child = etree.SubElement(parent, f"{{{TBX_NAMESPACE}}}{tag}", attributes)
        if text is not None:
            child.text = text
            if text != _collapse(text):
                child.set(_XML_SPACE, "preserve")
        return child

    root = etree.Element(f"{{{TBX_NAMESPACE}}}tbx", nsmap={None: TBX_NAMESPACE})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(_XML_LANG, language)
    file_description = sub(sub(root, "tbxHeader"), "fileDesc")
    sub(sub(file_description, "sourceDesc"), "p", "Written by mtfix.")
    body = sub(sub(root, "text"), "body")
    for concept in glossary.concepts:
        try:
            entry = sub(body, "conceptEntry", id=concept.id)
            if concept.note:
                sub(entry, "note", concept.note)
            language_section, section_language = None, None
            for term in concept.terms:
                if language_section is None or term.language != section_language:
                    language_section = sub(entry, "langSec")
                    language_section.set(_XML_LANG, term.language)
                    section_language = term.language
                term_section = sub(language_section, "termSec")
                sub(term_section, "term", term.text)
                sub(term_section, "termNote", _STATUS_VALUES[term.status], type="administrativeStatus")
                if not term.auto_apply:
                    sub(term_section, "termNote", "suggest", type="x-mtfix-apply")
                if term.note:
                    sub(term_section, "note", term.note)
        except ValueError as exc:  # lxml refuses control characters
            raise GlossaryError(f"concept {concept.id!r} cannot be written as XML: {exc}") from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
