"""XLIFF 1.2 (and 1.0/1.1) and XLIFF 2.0/2.1/2.2 bilingual documents.

What a segment is:

- XLIFF 1.x: a ``<trans-unit>``; when it has a ``<seg-source>`` with ``<mrk mtype="seg">``
  markers, each marker is a segment, paired with the target's marker of the same ``mid``.
  Its id is the unit's ``id`` (``id#mid`` for markers).
- XLIFF 2.x: a ``<segment>`` of a ``<unit>``; ``<ignorable>`` parts are kept but not
  reviewed. Its id is the unit's ``id``, followed by ``/`` and the segment's ``id`` when the
  unit has several segments or the segment has an id.

Units marked ``translate="no"`` are not reviewed (they are written back untouched). The
source is the segment's source text, the text its target (empty when there is none yet),
both with inline codes as placeholders (:mod:`mtfix.formats._inline`). Whitespace is
collapsed unless ``xml:space="preserve"`` applies. Notes (1.x ``<note>``, 2.x
``<notes><note>``) are kept per segment in ``document.metadata["notes"]``.

States and our statuses:

============================  =====================  ================================
our status                    read from 1.x           read from 2.x ``state``
============================  =====================  ================================
confirmed                     ``final``, ``signed-off``  ``final``, ``reviewed``
                              or ``approved="yes"``
draft                         ``translated``,         ``translated``
                              ``needs-review-*``,
                              ``needs-adaptation``,
                              ``needs-l10n``
rejected                      -                       ``subState="mtfix:rejected"``
new                           anything else           ``initial`` or none
============================  =====================  ================================

Written back, only for segments whose status changed: confirmed -> ``final`` (1.x also sets
``approved="yes"``, and turns an ``approved="yes"`` to ``no`` for other statuses), draft -> ``translated``, new -> 1.x
``needs-translation`` / 2.x ``initial``, rejected -> 1.x ``needs-review-translation`` /
2.x ``initial`` with ``subState="mtfix:rejected"``. A 2.x state change drops a stale
``subState``. In a 1.x unit split by markers, the unit's state is that of its least
advanced segment.

Writing modifies the original tree: only changed targets and states are touched, so
everything else (attributes, notes, groups, extensions, comments, CDATA, the DOCTYPE) is
carried through; an untouched document writes back byte for byte. Encoding, byte-order
mark and line ends of the original are kept; characters the encoding cannot hold are
written as character references.

A document of another format exported as XLIFF is a new file (:func:`create_xliff`):
XLIFF 2.1 by default, 1.2 under the format name ``xliff12``.

Safety: no entity expansion, no DTD loading, no network; entity declarations are refused.
XLIFF 2.x files are checked against the core rules a reader can see
(:mod:`mtfix.formats._xliff2_rules`); a broken rule raises FormatError naming it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from mtfix.core.models import Document, Segment
from mtfix.errors import FormatError
from mtfix.formats._inline import (
    Code,
    InlineSpec,
    Numbering,
    flatten,
    local_name,
    rebuild,
)
from mtfix.formats.base import ExportUnit, Format, check_lengths

__all__ = ["Xliff12Format", "XliffFormat", "create_xliff", "parse_xml", "serialise_xml"]

NS_12 = "urn:oasis:names:tc:xliff:document:1.2"
V1_NAMESPACES = {None, "", "urn:oasis:names:tc:xliff:document:1.1", NS_12}
V2_NAMESPACES = {"urn:oasis:names:tc:xliff:document:2.0", "urn:oasis:names:tc:xliff:document:2.2"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_ORDER = {"rejected": 0, "new": 1, "draft": 2, "confirmed": 3}

SPEC_1 = InlineSpec(
    spans={"g": "g", "mrk": "h"},
    pair_start={"bpt": lambda e: e.get("rid") or e.get("id"), "bx": lambda e: e.get("rid") or e.get("id")},
    pair_end={"ept": lambda e: e.get("rid") or e.get("id"), "ex": lambda e: e.get("rid") or e.get("id")},
)
SPEC_2 = InlineSpec(
    spans={"pc": "g", "mrk": "h"},
    pair_start={"sc": lambda e: e.get("id"), "sm": lambda e: "sm:" + (e.get("id") or "")},
    pair_end={"ec": lambda e: e.get("startRef"), "em": lambda e: "sm:" + (e.get("startRef") or "")},
    is_isolated=lambda e: e.get("isolated") == "yes",
)


# --- XML in and out ------------------------------------------------------------------------


def parse_xml(data: bytes, name: str):
    """Parse XML safely: no entities, no DTD, no network; keep comments, PIs and CDATA.

    Raises:
        FormatError: Not well-formed, or it declares entities.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=False, remove_pis=False, strip_cdata=False,
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise FormatError(f"not well-formed XML: {error.msg or error}", name, error.lineno) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            raise FormatError(f"entity declarations are not allowed (entity {entity.name!r})", name, 1)
    return root


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def xml_encoding(data: bytes, root) -> tuple[str, bool]:
    """The encoding of an XML file and whether it starts with a byte-order mark."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, True
    if data.startswith(b"<\0"):
        return "utf-16-le", False
    if data.startswith(b"\0<"):
        return "utf-16-be", False
    return (root.getroottree().docinfo.encoding or "utf-8").lower(), False


def serialise_xml(root, original: bytes, encoding: str, bom: bool) -> bytes:
    """The tree as bytes shaped like ``original``: its XML declaration, encoding, mark, line ends."""
    mark = _mark_of(original)
    try:
        text = original[len(mark):].decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = original[len(mark):].decode("latin-1")
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    declaration = re.match(r"<\?xml[^>]*\?>\s*", text)
    prolog = declaration.group(0) if declaration else ""
    trailing = text[len(text.rstrip()):]
    out = (prolog + etree.tostring(root.getroottree(), encoding="unicode") + trailing).replace("\r\n", "\n")
    if crlf:
        out = out.replace("\n", "\r\n")
    try:
        data = out.encode(encoding, "xmlcharrefreplace")
    except LookupError:
        data = out.encode("utf-8")
    return (mark if bom else b"") + data


def _mark_of(data: bytes) -> bytes:
    for mark, _ in _BOMS:
        if data.startswith(mark):
            return mark
    return b""


# --- reading -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    """One reviewable segment and where it lives in the tree."""

    id: str
    source: str
    target: str
    status: str
    notes: list[str]
    paragraph: int
    codes: dict[int, Code]
    source_element: object
    target_element: object | None  # the element whose content is the target (target or mrk)
    holder: object  # 1.x: the trans-unit; 2.x: the segment
    mid: str | None = None
    line: int | None = None
    last_of_unit: bool = True
    siblings: list = field(default_factory=list)


@dataclass(slots=True)
class _Parsed:
    root: object
    version: str
    entries: list[_Entry]
    source_language: str
    target_language: str
    namespace: str


def _q(namespace: str | None, name: str) -> str:
    return f"{{{namespace}}}{name}" if namespace else name


def _children(element, namespace, name: str) -> list:
    return element.findall(_q(namespace, name))


def _translatable(element) -> bool:
    node = element
    while node is not None:
        value = node.get("translate")
        if value is not None:
            return value != "no"
        node = node.getparent()
    return True


def _status_1(unit, target) -> str:
    state = target.get("state", "") if target is not None else ""
    if state in ("final", "signed-off") or unit.get("approved") == "yes":
        return "confirmed"
    if state in ("translated", "needs-adaptation", "needs-l10n") or state.startswith("needs-review"):
        return "draft"
    return "new"


def _status_2(segment) -> str:
    state, sub = segment.get("state", ""), segment.get("subState", "")
    if sub == "mtfix:rejected":
        return "rejected"
    if state in ("final", "reviewed"):
        return "confirmed"
    if state == "translated":
        return "draft"
    return "new"


def _notes_1(unit, ns) -> list[str]:
    return [(n.text or "").strip() for n in _children(unit, ns, "note")]


def _read_1(root, ns, name: str) -> _Parsed:
    entries: list[_Entry] = []
    files = root.findall(_q(ns, "file"))
    if not files:
        raise FormatError("an XLIFF 1.x file needs at least one <file>", name, root.sourceline)
    source_language = files[0].get("source-language") or "und"
    target_language = files[0].get("target-language") or "und"
    paragraph = 0
    for unit in root.iter(_q(ns, "trans-unit")):
        if not _translatable(unit):
            continue
        sources = _children(unit, ns, "source")
        if len(sources) != 1:
            raise FormatError(f"<trans-unit> needs exactly one <source> (found {len(sources)})", name, unit.sourceline)
        unit_id = unit.get("id") or str(paragraph + 1)  # required by 1.2, absent in some 1.0/1.1 files
        target = unit.find(_q(ns, "target"))
        status = _status_1(unit, target)
        notes = _notes_1(unit, ns)
        seg_source = unit.find(_q(ns, "seg-source"))
        markers = [m for m in seg_source.iter(_q(ns, "mrk")) if m.get("mtype") == "seg"] if seg_source is not None else []
        if markers:
            target_markers = {}
            if target is not None:
                target_markers = {m.get("mid"): m for m in target.iter(_q(ns, "mrk")) if m.get("mtype") == "seg"}
            unit_entries = []
            for marker in markers:
                mid = marker.get("mid", "")
                numbering = Numbering()
                source_text, codes = flatten(marker, SPEC_1, numbering, name)
                target_element = target_markers.get(mid)
                target_text = ""
                if target_element is not None:
                    target_text, target_codes = flatten(target_element, SPEC_1, numbering, name)
                    codes = {**codes, **target_codes}
                unit_entries.append(_Entry(f"{unit_id}#{mid}", source_text, target_text, status, notes, paragraph,
                                           codes, marker, target_element, unit, mid, marker.sourceline, False))
            unit_entries[-1].last_of_unit = True
            for entry in unit_entries:
                entry.siblings = unit_entries
            entries.extend(unit_entries)
        else:
            numbering = Numbering()
            source_text, codes = flatten(sources[0], SPEC_1, numbering, name)
            target_text = ""
            if target is not None:
                target_text, target_codes = flatten(target, SPEC_1, numbering, name)
                codes = {**codes, **target_codes}
            entry = _Entry(unit_id, source_text, target_text, status, notes, paragraph, codes, sources[0], target,
                           unit, None, unit.sourceline)
            entry.siblings = [entry]
            entries.append(entry)
        paragraph += 1
    return _Parsed(root, root.get("version", "1.2"), entries, source_language, target_language, ns)


def _read_2(root, ns, name: str) -> _Parsed:
    from mtfix.formats._xliff2_rules import check_rules

    check_rules(root, ns, name)
    entries: list[_Entry] = []
    paragraph = 0
    for unit in root.iter(_q(ns, "unit")):
        if not _translatable(unit):
            continue
        notes_element = unit.find(_q(ns, "notes"))
        notes = [(n.text or "").strip() for n in _children(notes_element, ns, "note")] if notes_element is not None else []
        segments = _children(unit, ns, "segment")
        unit_entries = []
        for number, segment in enumerate(segments, 1):
            source = segment.find(_q(ns, "source"))
            target = segment.find(_q(ns, "target"))
            numbering = Numbering()
            source_text, codes = flatten(source, SPEC_2, numbering, name)
            target_text = ""
            if target is not None:
                target_text, target_codes = flatten(target, SPEC_2, numbering, name)
                codes = {**codes, **target_codes}
            segment_id = segment.get("id")
            ident = unit.get("id", "")
            if segment_id or len(segments) > 1:
                ident += "/" + (segment_id or str(number))
            unit_entries.append(_Entry(ident, source_text, target_text, _status_2(segment), notes, paragraph, codes,
                                       source, target, segment, None, segment.sourceline, False))
        if unit_entries:
            unit_entries[-1].last_of_unit = True
            entries.extend(unit_entries)
            paragraph += 1
    return _Parsed(root, root.get("version", "2.0"), entries, root.get("srcLang") or "und",
                   root.get("trgLang") or "und", ns)


def _load(data: bytes, name: str) -> _Parsed:
    root = parse_xml(data, name)
    if local_name(root) != "xliff":
        raise FormatError(f"not an XLIFF file: the root element is <{local_name(root) or root.tag}>", name,
                          root.sourceline)
    ns = etree.QName(root).namespace
    if ns in V2_NAMESPACES:
        return _read_2(root, ns, name)
    if ns in V1_NAMESPACES:
        return _read_1(root, ns, name)
    raise FormatError(f"unknown XLIFF namespace {ns!r}", name, root.sourceline)


# --- writing -------------------------------------------------------------------------------

_WRITE_1 = {"confirmed": "final", "draft": "translated", "new": "needs-translation",
            "rejected": "needs-review-translation"}
_WRITE_2 = {"confirmed": "final", "draft": "translated", "new": "initial", "rejected": "initial"}


def _new_target_1(entry: _Entry, ns, parsed: _Parsed):
    unit = entry.holder
    target = unit.find(_q(ns, "target"))
    if entry.mid is None:
        target = etree.Element(_q(ns, "target"))
        _copy_space(entry.source_element, target)
        anchor = unit.find(_q(ns, "seg-source"))
        if anchor is None:
            anchor = entry.source_element
        anchor.addnext(target)
        target.tail = anchor.tail
        return target
    if target is None:
        target = etree.Element(_q(ns, "target"))
        anchor = unit.find(_q(ns, "seg-source"))
        anchor.addnext(target)
        target.tail = anchor.tail
    marker = etree.SubElement(target, _q(ns, "mrk"), dict(entry.source_element.attrib))
    return marker


def _copy_space(source, target) -> None:
    space = source.get(_XML_SPACE)
    if space is not None:
        target.set(_XML_SPACE, space)


def _apply_1(parsed: _Parsed, targets, statuses, name: str) -> None:
    ns = parsed.namespace
    done_units = set()
    position = {id(e): i for i, e in enumerate(parsed.entries)}
    for entry, text in zip(parsed.entries, targets, strict=True):
        if text != entry.target:
            element = entry.target_element
            if element is None:
                element = _new_target_1(entry, ns, parsed)
                entry.target_element = element
            rebuild(element, text, entry.codes, name, entry.line)
        if statuses is None or id(entry.holder) in done_units:
            continue
        done_units.add(id(entry.holder))
        first = position[id(entry.siblings[0])]
        wanted = min((statuses[first + k] or entry.status for k in range(len(entry.siblings))),
                     key=lambda s: _ORDER[s])
        if wanted == entry.status:
            continue
        unit = entry.holder
        target = unit.find(_q(ns, "target"))
        if target is not None:
            target.set("state", _WRITE_1[wanted])
        if wanted == "confirmed":
            unit.set("approved", "yes")
        elif unit.get("approved") == "yes":
            unit.set("approved", "no")


def _apply_2(parsed: _Parsed, targets, statuses, name: str) -> None:
    ns = parsed.namespace
    for index, (entry, text) in enumerate(zip(parsed.entries, targets, strict=True)):
        if text != entry.target:
            element = entry.target_element
            if element is None:
                if not parsed.root.get("trgLang"):
                    raise FormatError("the file has no trgLang, so no target can be added", name, parsed.root.sourceline)
                element = etree.Element(_q(ns, "target"))
                _copy_space(entry.source_element, element)
                entry.source_element.addnext(element)
                element.tail = entry.source_element.tail
                entry.target_element = element
            rebuild(element, text, entry.codes, name, entry.line)
        if statuses is None or statuses[index] in (None, entry.status):
            continue
        wanted, segment = statuses[index], entry.holder
        segment.set("state", _WRITE_2[wanted])
        if wanted == "rejected":
            segment.set("subState", "mtfix:rejected")
        elif segment.get("subState") is not None:
            del segment.attrib["subState"]


# --- writing a new file --------------------------------------------------------------------

_NMTOKEN = re.compile(r"^[\w.\-:\u00b7\u0300-\u036f\u203f-\u2040]+$")
_NS_20 = "urn:oasis:names:tc:xliff:document:2.0"  # also the namespace of XLIFF 2.1


def _fill(element, text: str, ns: str, version: str) -> None:
    """Put ``text`` into ``element``, its placeholders as the version's own inline codes."""
    from mtfix.formats._fresh import inline_tokens

    stack = [element]
    last = None  # the element whose tail takes the next text, if any
    for kind, value, number in inline_tokens(text):
        if kind == "text":
            if last is None:
                stack[-1].text = (stack[-1].text or "") + value
            else:
                last.tail = (last.tail or "") + value
            continue
        if kind == "close":
            last = stack.pop()
            continue
        if version == "2":
            if kind == "single":
                child = etree.SubElement(stack[-1], _q(ns, "ph"), id=str(number))
            elif value == "g":
                child = etree.SubElement(stack[-1], _q(ns, "pc"), id=str(number))
            else:
                child = etree.SubElement(stack[-1], _q(ns, "mrk"), id=f"m{number}", type="generic")
        elif kind == "single":
            child = etree.SubElement(stack[-1], _q(ns, "x"), id=str(number))
        elif value == "g":
            child = etree.SubElement(stack[-1], _q(ns, "g"), id=str(number))
        else:
            child = etree.SubElement(stack[-1], _q(ns, "mrk"), mtype="x-mtfix")
        if kind == "open":
            stack.append(child)
            last = None
        else:
            last = child


def create_xliff(units: Sequence[ExportUnit], source_language: str, target_language: str,
                 version: str = "2.1") -> bytes:
    """A new XLIFF file (``version`` 2.1, 2.0 or 1.2) with one unit per segment, UTF-8.

    Statuses are written as :meth:`XliffFormat.write` writes them (1.2: ``state`` on the
    target and ``approved="yes"`` for confirmed; 2.x: ``state``, with
    ``subState="mtfix:rejected"`` for rejected). Ids are the units' own where XLIFF
    allows them (2.x: an NMTOKEN; unique), else their numbers; a 2.x unit numbered
    instead keeps its own id as ``name``. Texts whose whitespace a reader would collapse
    get ``xml:space="preserve"``.

    Raises:
        ValueError: A status is not one of :data:`~mtfix.formats.base.STATUSES`.
        FormatError: A text holds a character XML cannot.
    """
    from mtfix.formats._fresh import check_units, fresh_ids, needs_preserve

    check_units(units)
    two = not version.startswith("1")
    ns = _NS_20 if two else NS_12
    if two:
        root = etree.Element(_q(ns, "xliff"), version=version, srcLang=source_language, trgLang=target_language,
                             nsmap={None: ns})
        container = etree.SubElement(root, _q(ns, "file"), id="f1")
    else:
        root = etree.Element(_q(ns, "xliff"), version="1.2", nsmap={None: ns})
        file = etree.SubElement(root, _q(ns, "file"), {"original": "mtfix-export", "datatype": "plaintext",
                                                        "source-language": source_language,
                                                        "target-language": target_language})
        container = etree.SubElement(file, _q(ns, "body"))
    ids = fresh_ids((u.id for u in units), _NMTOKEN.match if two else bool)
    for unit, ident in zip(units, ids, strict=True):
        try:
            if two:
                element = etree.SubElement(container, _q(ns, "unit"), id=ident)
                if unit.id and unit.id != ident:
                    element.set("name", unit.id)
                holder = etree.SubElement(element, _q(ns, "segment"), state=_WRITE_2[unit.status])
                if unit.status == "rejected":
                    holder.set("subState", "mtfix:rejected")
            else:
                element = holder = etree.SubElement(container, _q(ns, "trans-unit"), id=ident)
                if unit.status == "confirmed":
                    element.set("approved", "yes")
            if needs_preserve(unit.source, unit.target):
                element.set(_XML_SPACE, "preserve")
            _fill(etree.SubElement(holder, _q(ns, "source")), unit.source, ns, "2" if two else "1")
            target = etree.SubElement(holder, _q(ns, "target"))
            if not two:
                target.set("state", _WRITE_1[unit.status])
            _fill(target, unit.target, ns, "2" if two else "1")
        except ValueError as error:  # lxml refuses characters XML cannot hold
            raise FormatError(f"cannot write unit {ident}: {error}") from None
    _indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8") + b"\n"


def _indent(element, level: int = 0) -> None:
    """Line breaks and spaces between structural elements; never inside a source or target."""
    if local_name(element) in ("source", "target"):
        return
    children = list(element)
    if not children:
        return
    element.text = "\n" + " " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + " " * (level + 1)
    children[-1].tail = "\n" + " " * level


class XliffFormat(Format):
    """XLIFF 1.2 and 2.x, read into segments and written back into the original tree."""

    name = "xliff"
    extensions = (".xlf", ".xliff", ".sdlxliff", ".mqxliff")
    description = "XLIFF 1.2 or 2.0/2.1/2.2"
    byte_identical = True
    needs_original = True

    def read(self, data: bytes, name: str) -> Document:
        parsed = _load(data, name)
        encoding, bom = xml_encoding(data, parsed.root)
        segments = tuple(
            Segment(i, e.target, "\n" if e.last_of_unit else " ", e.paragraph, e.source, e.id)
            for i, e in enumerate(parsed.entries)
        )
        return Document(
            segments=segments,
            encoding=encoding,
            bom=bom,
            path=None if name in ("-", "<stdin>") else name,
            format=self.name,
            source_language=parsed.source_language,
            target_language=parsed.target_language,
            metadata={
                "original": data,
                "version": parsed.version,
                "statuses": [e.status for e in parsed.entries],
                "notes": [e.notes for e in parsed.entries],
            },
        )

    def write(self, document: Document, targets: Sequence[str], statuses: Sequence[str] | None = None) -> bytes:
        check_lengths(document, targets, statuses)
        original: bytes = document.metadata["original"]
        name = document.path or "<stdin>"
        parsed = _load(original, name)
        read_statuses = [e.status for e in parsed.entries]
        if list(targets) == [e.target for e in parsed.entries] and (statuses is None or list(statuses) == read_statuses):
            return original
        if parsed.namespace in V2_NAMESPACES:
            _apply_2(parsed, targets, statuses, name)
        else:
            _apply_1(parsed, targets, statuses, name)
        encoding, bom = xml_encoding(original, parsed.root)
        return serialise_xml(parsed.root, original, encoding, bom)

    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """A new XLIFF 2.1 file (see :func:`create_xliff`)."""
        return create_xliff(units, source_language, target_language, "2.1")


class Xliff12Format(XliffFormat):
    """XLIFF read like ``xliff``; a new file written from scratch is XLIFF 1.2."""

    name = "xliff12"
    extensions = (".xlf",)  # what its files are called; ``.xlf`` is registered to ``xliff`` for reading
    description = "XLIFF, written from scratch as 1.2"

    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """A new XLIFF 1.2 file (see :func:`create_xliff`)."""
        return create_xliff(units, source_language, target_language, "1.2")
