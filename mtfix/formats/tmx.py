"""TMX 1.4b (and 1.1) reading and writing, streaming, for the translation memory.

Reading (:func:`read_tmx`) yields one :class:`~mtfix.core.models.TmUnit` per pair of
(source variant, target variant) of each ``<tu>``, as the file is parsed: memory does not
grow with the file. Writing (:func:`write_tmx`) streams units out in the same shape.

What survives a round trip: the texts, languages, ``creationdate``/``changedate``,
``usagecount``, notes and properties of the unit, attributes, notes and properties of each
variant, and inline codes. Inline codes become placeholders in the unit's text, numbered in
order within each segment, so that matching sees where they are:

- ``<bpt>``/``<ept>`` pairs become ``<gN>`` and ``</gN>``;
- ``<it>``, ``<ph>`` and ``<ut>`` become ``<xN/>``;
- ``<hi>`` becomes ``<hN>`` ... ``</hN>`` around its (translatable) text.

The codes themselves (element, attributes, native content with any ``<sub>``) are kept in
``TmUnit.extra["codes"]`` and written back in place of the placeholders.

Safety: the parser is lxml's ``iterparse`` with entity resolution, DTD loading and the
network switched off; a file that declares entities is refused (no "billion laughs", no
external entities), and a DOCTYPE that only names a DTD is accepted as it is. Any error raises
:class:`~mtfix.errors.FormatError` naming the file and line.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from mtfix.core.models import TmUnit, language_matches
from mtfix.core.normal import canonical_language
from mtfix.errors import FormatError

_PLACEHOLDER = re.compile(r"<(/?)([gxh])(\d+)(/?)>")
_CODE_TAGS = frozenset({"bpt", "ept", "it", "ph", "ut"})
_DATE_ATTRS = ("creationdate", "changedate")
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_XML_LANG = _XML_NS + "lang"
_TU_OWN_ATTRS = frozenset({"srclang", "usagecount", "creationdate", "changedate"})
_LANG_ONLY = [_XML_LANG]


@functools.lru_cache(maxsize=4096)  # a memory's units share few dates
def tmx_date_to_iso(value: str) -> str:
    """``20020523T091200Z`` -> ``2002-05-23T09:12:00Z``; anything else is kept as it is."""
    if len(value) == 16 and value[8] == "T" and value[15] == "Z" and value[:8].isdigit():
        return f"{value[0:4]}-{value[4:6]}-{value[6:8]}T{value[9:11]}:{value[11:13]}:{value[13:15]}Z"
    return value


def iso_to_tmx_date(value: str) -> str:
    """``2002-05-23T09:12:00Z`` -> ``20020523T091200Z``; anything else is kept as it is."""
    if len(value) == 20 and value[10] == "T" and value.endswith("Z"):
        return value[0:4] + value[5:7] + value[8:10] + "T" + value[11:13] + value[14:16] + value[17:19] + "Z"
    return value


def now_iso() -> str:
    """The current UTC time, to the second, in ISO 8601 (``2024-05-01T10:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_text(text: str) -> str:
    """The text with inline-code placeholders removed (what a reader of the segment sees)."""
    return _PLACEHOLDER.sub("", text)


class _Variant:
    """One ``<tuv>`` as read."""

    __slots__ = ("language", "attrs", "notes", "props", "text", "codes")

    def __init__(self, language: str, attrs: dict):
        self.language = language
        self.attrs = attrs
        self.notes: list[str] = []
        self.props: list[list[str]] = []
        self.text = ""
        self.codes: list[dict] = []


class _Segment:
    """Turns the content of one ``<seg>`` into text with placeholders and a list of codes."""

    __slots__ = ("path", "parts", "codes", "counter", "pairs")

    def __init__(self, path: str):
        self.path = path
        self.parts: list[str] = []
        self.codes: list[dict] = []
        self.counter = 0
        self.pairs: dict[str, int] = {}

    def read(self, element) -> None:
        if element.text:
            self.parts.append(element.text)
        for child in element:
            tag = child.tag
            if tag in _CODE_TAGS:
                self._code(child, tag)
            elif tag == "hi":
                self.counter += 1
                number = self.counter
                self.parts.append(f"<h{number}>")
                self.codes.append({"ph": f"<h{number}>", "tag": "hi", "attrs": dict(child.attrib)})
                self.read(child)
                self.parts.append(f"</h{number}>")
            elif tag is etree.Entity:
                raise FormatError(f"entity reference {child.text} is not expanded in a memory file",
                                  self.path, child.sourceline)
            elif isinstance(tag, str):
                raise FormatError(f"<{tag}> is not allowed inside <seg>", self.path, child.sourceline)
            if child.tail:
                self.parts.append(child.tail)

    def _code(self, child, tag: str) -> None:
        attrs = dict(child.attrib)
        number = self.pairs.pop(attrs.get("i", ""), None) if tag == "ept" else None
        if number is None:
            self.counter += 1
            number = self.counter
        if tag == "bpt":
            self.pairs[attrs.get("i", f"#{number}")] = number
            placeholder = f"<g{number}>"
        elif tag == "ept":
            placeholder = f"</g{number}>"
        else:
            placeholder = f"<x{number}/>"
        content = escape(child.text or "") + "".join(
            etree.tostring(sub, encoding="unicode", with_tail=True) for sub in child
        )
        self.parts.append(placeholder)
        self.codes.append({"ph": placeholder, "tag": tag, "attrs": attrs, "content": content})


def _read_variant(tuv, path: str) -> _Variant:
    attrs = dict(tuv.attrib)
    language = attrs.pop(_XML_LANG, None) or attrs.pop("lang", None)
    if not language:
        raise FormatError("<tuv> without xml:lang", path, tuv.sourceline)
    variant = _Variant(_language(language), attrs)
    seen_seg = False
    for child in tuv:
        tag = child.tag
        if tag == "seg":
            if seen_seg:
                raise FormatError("<tuv> with more than one <seg>", path, child.sourceline)
            seen_seg = True
            if len(child):
                segment = _Segment(path)
                segment.read(child)
                variant.text = "".join(segment.parts)
                variant.codes = segment.codes
            else:
                variant.text = child.text or ""
        elif tag == "note":
            variant.notes.append(child.text or "")
        elif tag == "prop":
            variant.props.append([child.get("type", ""), child.text or ""])
    if not seen_seg:
        raise FormatError("<tuv> without <seg>", path, tuv.sourceline)
    return variant


@functools.lru_cache(maxsize=256)
def _language(tag: str) -> str:
    return canonical_language(tag)


class _Reader:
    """Turns ``<tu>`` elements into units."""

    def __init__(self, path: str, source_language: str | None, target_language: str | None):
        self.path = path
        self.want_source = source_language
        self.want_target = target_language
        self.header_srclang = ""
        self.skipped = 0
        self.now = now_iso()

    def units(self, tu) -> list[TmUnit]:
        """The units of one ``<tu>``."""
        return [TmUnit(*fields) for fields in self.fields(tu)]

    def fields(self, tu) -> list[tuple]:
        """The units of one ``<tu>`` as tuples of :class:`TmUnit`'s fields, in order.

        Bulk imports take these, not units: building a frozen dataclass costs more than
        reading its XML. The commonest shape of ``<tu>`` takes a shorter path.
        """
        plain = self._plain(tu)
        if plain is not None:
            return plain
        path = self.path
        attrs = tu.attrib
        notes: list[str] = []
        props: list[tuple[str, str]] = []
        variants: list[_Variant] = []
        for child in tu:
            tag = child.tag
            if tag == "tuv":
                variants.append(_read_variant(child, path))
            elif tag == "note":
                notes.append(child.text or "")
            elif tag == "prop":
                props.append((child.get("type", ""), child.text or ""))
        if not variants:
            self.skipped += 1
            return []
        srclang = attrs.get("srclang") or self.header_srclang or variants[0].language
        srclang = variants[0].language if srclang == "*all*" else _language(srclang)
        if self.want_source and not (
            language_matches(srclang, self.want_source) or language_matches(self.want_source, srclang)
        ):
            self.skipped += 1
            return []
        source = _pick_source(variants, srclang)
        if source is None:
            self.skipped += 1
            return []
        targets = [v for v in variants if v is not source]
        if self.want_target:
            targets = [v for v in targets if language_matches(v.language, self.want_target)]
        if not targets:
            self.skipped += 1
            return []
        tu_extra = {k: v for k, v in attrs.items() if k not in _TU_OWN_ATTRS}
        usage = _int(attrs.get("usagecount"))
        out = []
        for target in targets:
            created = target.attrs.pop("creationdate", None) or attrs.get("creationdate") or source.attrs.get("creationdate")
            changed = target.attrs.pop("changedate", None) or attrs.get("changedate") or source.attrs.get("changedate")
            created = tmx_date_to_iso(created) if created else ""
            changed = tmx_date_to_iso(changed) if changed else ""
            extra: dict = {}
            if tu_extra:
                extra["tu"] = tu_extra
            for side, variant in (("source", source), ("target", target)):
                if variant.attrs:
                    extra[side + "_attrs"] = variant.attrs
                if variant.notes:
                    extra[side + "_notes"] = variant.notes
                if variant.props:
                    extra[side + "_props"] = variant.props
                if variant.codes:
                    extra[side + "_codes"] = variant.codes
            out.append(
                (
                    source.text,
                    target.text,
                    source.language,
                    target.language,
                    path,
                    created or changed or self.now,
                    changed or created or self.now,
                    usage,
                    tuple(notes),
                    tuple(props),
                    None,
                    extra,
                )
            )
        return out


    def _plain(self, tu) -> list[tuple] | None:
        """:meth:`fields` of a ``<tu>`` of two variants with only ``xml:lang`` and a ``<seg>``
        of plain text each, and no notes or properties (None for any other shape).

        The answer is the one the general path would give; it only skips its bookkeeping.
        """
        if self.want_source or self.want_target or len(tu) != 2:
            return None
        variants = []
        for tuv in tu:
            if tuv.tag != "tuv" or len(tuv) != 1 or tuv.keys() != _LANG_ONLY:
                return None
            language = tuv.get(_XML_LANG)
            seg = tuv[0]
            if not language or seg.tag != "seg" or len(seg):
                return None
            variants.append((_language(language), seg.text or ""))
        if not _TU_OWN_ATTRS.issuperset(tu.keys()):
            return None
        attrs = tu.attrib
        (first_language, first_text), (second_language, second_text) = variants
        srclang = attrs.get("srclang") or self.header_srclang or first_language
        srclang = first_language if srclang == "*all*" else _language(srclang)
        wanted = srclang.lower()
        if first_language.lower() == wanted:
            source, source_language, target, target_language = first_text, first_language, second_text, second_language
        elif second_language.lower() == wanted:
            source, source_language, target, target_language = second_text, second_language, first_text, first_language
        else:
            return None
        created = attrs.get("creationdate")
        changed = attrs.get("changedate")
        created = tmx_date_to_iso(created) if created else ""
        changed = tmx_date_to_iso(changed) if changed else ""
        return [(source, target, source_language, target_language, self.path, created or changed or self.now,
                 changed or created or self.now, _int(attrs.get("usagecount")), (), (), None, {})]

def _pick_source(variants: list[_Variant], srclang: str) -> _Variant | None:
    wanted = srclang.lower()
    for variant in variants:
        if variant.language.lower() == wanted:
            return variant
    for variant in variants:
        if language_matches(variant.language, srclang) or language_matches(srclang, variant.language):
            return variant
    return None


def _first(*attr_maps: dict, key: str) -> str:
    for attrs in attr_maps:
        if attrs.get(key):
            return attrs[key]
    return ""


def _int(value: str | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def _attrs_xml(attrs: dict) -> str:
    return "".join(f" {_attr_name(k)}={quoteattr(v)}" for k, v in attrs.items() if not k.startswith("{") or k.startswith(_XML_NS))


def _attr_name(name: str) -> str:
    return "xml:" + name[len(_XML_NS):] if name.startswith(_XML_NS) else name


def read_tmx(
    path: str | Path | BinaryIO,
    *,
    source_language: str | None = None,
    target_language: str | None = None,
) -> Iterator[TmUnit]:
    """The units of a TMX file, one per (source variant, target variant) pair, streamed.

    Args:
        path: The file, or an open binary stream.
        source_language: Import only units whose source is in this language.
        target_language: Import only target variants in this language.

    Yields:
        Units in file order. A ``<tu>`` with no variant in its source language is skipped.

    Raises:
        FormatError: The file is not well-formed XML, is not TMX, or uses entities;
            the error names the file and line.
    """
    for fields in read_tmx_fields(path, source_language=source_language, target_language=target_language):
        yield TmUnit(*fields)


def read_tmx_fields(
    path: str | Path | BinaryIO,
    *,
    source_language: str | None = None,
    target_language: str | None = None,
) -> Iterator[tuple]:
    """:func:`read_tmx`, each unit as the tuple of its :class:`TmUnit` fields (for bulk imports).

    ``TmUnit(*fields)`` is the unit :func:`read_tmx` yields; the tuple costs less to build
    and to send to another process.
    """
    name = str(getattr(path, "name", "<stream>")) if hasattr(path, "read") else str(path)
    if not hasattr(path, "read") and not Path(path).is_file():
        raise FormatError("memory file not found", name)
    reader = _Reader(name, source_language, target_language)
    events = etree.iterparse(
        path,
        events=("start", "end"),
        tag=("tmx", "header", "tu"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    seen_root = False
    try:
        for event, element in events:
            tag = element.tag
            if tag == "tu":
                if event == "end":
                    yield from reader.fields(element)
                    element.clear()
                    parent = element.getparent()
                    if parent is not None:  # drop finished units: memory stays flat
                        while element.getprevious() is not None:
                            del parent[0]
            elif tag == "header" and event == "end":
                reader.header_srclang = element.get("srclang", "")
            elif tag == "tmx" and event == "start":
                if element.getparent() is not None:
                    raise FormatError("<tmx> inside another element", name, element.sourceline)
                _check_no_entities(element, name)
                seen_root = True
    except etree.XMLSyntaxError as error:
        message = error.msg or "not well-formed XML"
        raise FormatError(f"not well-formed XML: {message}", name, error.lineno or None) from None
    if not seen_root:
        raise FormatError("not a TMX file: no <tmx> element", name, 1)


def _check_no_entities(root, path: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            raise FormatError(f"entity declarations are not allowed in a memory file (entity {entity.name!r})",
                              path, 1)


def _seg_xml(text: str, codes: list[dict] | None) -> str:
    if not codes:
        return escape(text)
    by_placeholder = {c["ph"]: c for c in codes}
    out: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        placeholder = match.group(0)
        closing_hi = match.group(1) and match.group(2) == "h"
        code = by_placeholder.get(f"<h{match.group(3)}>") if closing_hi else by_placeholder.get(placeholder)
        if code is None:
            continue
        out.append(escape(text[position : match.start()]))
        if code["tag"] == "hi":
            out.append("</hi>" if closing_hi else "<hi" + _attrs_xml(code["attrs"]) + ">")
        else:
            tag = code["tag"]
            out.append(f"<{tag}{_attrs_xml(code['attrs'])}>{code.get('content', '')}</{tag}>")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _tuv_xml(language: str, text: str, extra: dict, side: str, dates: dict) -> str:
    attrs = {"xml:lang": language}
    attrs.update(extra.get(side + "_attrs", {}))
    attrs.update(dates)
    parts = [f"   <tuv{_attrs_xml(attrs)}>\n"]
    for note in extra.get(side + "_notes", ()):
        parts.append(f"    <note>{escape(note)}</note>\n")
    for prop_type, value in extra.get(side + "_props", ()):
        parts.append(f"    <prop type={quoteattr(prop_type)}>{escape(value)}</prop>\n")
    parts.append(f"    <seg>{_seg_xml(text, extra.get(side + '_codes'))}</seg>\n   </tuv>\n")
    return "".join(parts)


def unit_xml(unit: TmUnit) -> str:
    """One unit as a TMX ``<tu>`` element (indented, with a final newline)."""
    extra = unit.extra or {}
    tu_attrs = dict(extra.get("tu", {}))
    tu_attrs["srclang"] = unit.source_language
    if unit.usage_count:
        tu_attrs["usagecount"] = str(unit.usage_count)
    if unit.created:
        tu_attrs["creationdate"] = iso_to_tmx_date(unit.created)
    if unit.changed:
        tu_attrs["changedate"] = iso_to_tmx_date(unit.changed)
    parts = [f"  <tu{_attrs_xml(tu_attrs)}>\n"]
    for note in unit.notes:
        parts.append(f"   <note>{escape(note)}</note>\n")
    for prop_type, value in unit.properties:
        parts.append(f"   <prop type={quoteattr(prop_type)}>{escape(value)}</prop>\n")
    # the dates live on the <tu>; variant attributes from the file are written back as read
    parts.append(_tuv_xml(unit.source_language, unit.source, extra, "source", {}))
    parts.append(_tuv_xml(unit.target_language, unit.target, extra, "target", {}))
    parts.append("  </tu>\n")
    return "".join(parts)


def write_tmx(
    path: str | Path,
    units: Iterable[TmUnit],
    *,
    source_language: str = "*all*",
    creation_tool_version: str = "0",
) -> int:
    """Write units as a TMX 1.4b file, streaming, replacing ``path`` atomically.

    Args:
        path: The file to write.
        units: The units, in the order to write them.
        source_language: The header's ``srclang`` (``*all*`` when units differ).
        creation_tool_version: Written in the header.

    Returns:
        The number of units written.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=directory)
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            count = write_tmx_stream(out, units, source_language=source_language,
                                     creation_tool_version=creation_tool_version)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    return count


def write_tmx_stream(out, units: Iterable[TmUnit], *, source_language: str = "*all*",
                     creation_tool_version: str = "0") -> int:
    """Write units as TMX 1.4b to an open text stream; returns how many were written."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    out.write('<tmx version="1.4">\n')
    out.write(
        f' <header creationtool="mtfix" creationtoolversion={quoteattr(creation_tool_version)}'
        f' segtype="sentence" o-tmf="mtfix" adminlang="en" srclang={quoteattr(source_language)}'
        ' datatype="plaintext"/>\n <body>\n'
    )
    count = 0
    buffer: list[str] = []
    for unit in units:
        buffer.append(unit_xml(unit))
        count += 1
        if len(buffer) >= 1000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    out.write(" </body>\n</tmx>\n")
    return count
