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

How it reads (fast, for bulk imports): the standard library's expat, with no handlers but
a few, checks that the whole file is well-formed; a regular expression reads each ``<tu>`` of
the commonest shape straight from the checked text, and any other piece (``<header>``, a
``<tu>`` with notes, properties or inline codes...) is cut out whole and parsed by
ElementTree. Memory holds a piece of the file at a time (:data:`MAX_PIECE` characters at
most for one unit, as lxml limits one text).

Safety: expat never loads a DTD or an external entity, and the reader refuses any entity
declaration before the root element is reached (no "billion laughs", no external entities),
as well as any reference to an undeclared entity (which expat would skip when the DOCTYPE
names an external DTD); a DOCTYPE that only names a DTD is accepted as it is. Any error
raises :class:`~mtfix.errors.FormatError` naming the file and line.
"""

from __future__ import annotations

import codecs
import collections
import functools
import os
import pyexpat
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

from mtfix.core.models import TmUnit, language_matches
from mtfix.core.normal import canonical_language
from mtfix.errors import FormatError

@functools.cache
def _saxutils():
    # Imported when first written: it loads urllib and the email package, 9 MB that the
    # reading process of a bulk import (which writes no XML) would carry for nothing.
    from xml.sax import saxutils

    return saxutils


def escape(text: str) -> str:
    """``text`` as XML character data (:func:`xml.sax.saxutils.escape`)."""
    return _saxutils().escape(text)


def quoteattr(value: str) -> str:
    """``value`` as a quoted XML attribute value (:func:`xml.sax.saxutils.quoteattr`)."""
    return _saxutils().quoteattr(value)


_PLACEHOLDER = re.compile(r"<(/?)([gxh])(\d+)(/?)>")
_CODE_TAGS = frozenset({"bpt", "ept", "it", "ph", "ut"})
_DATE_ATTRS = ("creationdate", "changedate")
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_XML_LANG = _XML_NS + "lang"
_TU_OWN_ATTRS = frozenset({"srclang", "usagecount", "creationdate", "changedate"})


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


class _Misplaced(Exception):
    """A structural error found in a parsed element; the reader turns it into a located
    :class:`FormatError` (elements of the standard library's parser carry no line)."""

    def __init__(self, message: str, element):
        super().__init__(message)
        self.message = message
        self.element = element


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

    __slots__ = ("parts", "codes", "counter", "pairs")

    def __init__(self):
        self.parts: list[str] = []
        self.codes: list[dict] = []
        self.counter = 0
        self.pairs: dict[str, int] = {}

    def read(self, element, depth: int = 0) -> None:
        if element.text:
            self.parts.append(element.text)
        for child in element:
            tag = child.tag
            if tag in _CODE_TAGS:
                self._code(child, tag)
            elif tag == "hi":
                if depth >= MAX_HI_DEPTH:
                    raise _Misplaced(f"<hi> nested more than {MAX_HI_DEPTH} deep", child)
                self.counter += 1
                number = self.counter
                self.parts.append(f"<h{number}>")
                self.codes.append({"ph": f"<h{number}>", "tag": "hi", "attrs": dict(child.attrib)})
                self.read(child, depth + 1)
                self.parts.append(f"</h{number}>")
            else:
                raise _Misplaced(f"<{tag}> is not allowed inside <seg>", child)
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
        content = escape(child.text or "") + "".join(ElementTree.tostring(sub, encoding="unicode") for sub in child)
        self.parts.append(placeholder)
        self.codes.append({"ph": placeholder, "tag": tag, "attrs": attrs, "content": content})


def _read_variant(tuv) -> _Variant:
    attrs = dict(tuv.attrib)
    language = attrs.pop(_XML_LANG, None) or attrs.pop("lang", None)
    if not language:
        raise _Misplaced("<tuv> without xml:lang", tuv)
    variant = _Variant(_language(language), attrs)
    seen_seg = False
    for child in tuv:
        tag = child.tag
        if tag == "seg":
            if seen_seg:
                raise _Misplaced("<tuv> with more than one <seg>", child)
            seen_seg = True
            if len(child):
                segment = _Segment()
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
        raise _Misplaced("<tuv> without <seg>", tuv)
    return variant


@functools.lru_cache(maxsize=256)
def _language(tag: str) -> str:
    return canonical_language(tag)


class _Reader:
    """Turns ``<tu>`` elements (or the parts of a plain one) into units."""

    def __init__(self, path: str, source_language: str | None, target_language: str | None):
        self.path = path
        self.want_source = source_language
        self.want_target = target_language
        self.header_srclang = ""
        self.skipped = 0
        self.now = now_iso()

    def fields(self, tu) -> list[tuple]:
        """The units of one ``<tu>`` element as tuples of :class:`TmUnit`'s fields, in order.

        Raises:
            _Misplaced: The element breaks the TMX structure (the caller adds the line).
        """
        notes: list[str] = []
        props: list[tuple[str, str]] = []
        variants: list[_Variant] = []
        for child in tu:
            tag = child.tag
            if tag == "tuv":
                variants.append(_read_variant(child))
            elif tag == "note":
                notes.append(child.text or "")
            elif tag == "prop":
                props.append((child.get("type", ""), child.text or ""))
        return self._units(tu.attrib, notes, props, variants)

    def shape(self, attrs: dict, first_language: str, second_language: str) -> tuple | None:
        """How a ``<tu>`` of two variants with only ``xml:lang`` and a ``<seg>`` of plain text
        each, no notes or properties, and these attributes and languages (as read) becomes
        its unit: (source first?, source language, target language, created, changed, usage
        count). None when :meth:`plain` must read it.

        The unit is the one :meth:`fields` gives; the commonest shape skips its bookkeeping
        (and the scanner reuses the answer for every ``<tu>`` with the same attributes).
        """
        if self.want_source or self.want_target or not _TU_OWN_ATTRS.issuperset(attrs):
            return None
        first_language = _language(first_language)
        second_language = _language(second_language)
        srclang = attrs.get("srclang") or self.header_srclang or first_language
        srclang = first_language if srclang == "*all*" else _language(srclang)
        wanted = srclang.lower()
        if first_language.lower() == wanted:
            source_first, source_language, target_language = True, first_language, second_language
        elif second_language.lower() == wanted:
            source_first, source_language, target_language = False, second_language, first_language
        else:
            return None
        created = attrs.get("creationdate")
        changed = attrs.get("changedate")
        created = tmx_date_to_iso(created) if created else ""
        changed = tmx_date_to_iso(changed) if changed else ""
        return (source_first, source_language, target_language, created or changed or self.now,
                changed or created or self.now, _int(attrs.get("usagecount")))

    def plain(self, attrs: dict, first_language: str, first_text: str, second_language: str,
              second_text: str) -> list[tuple]:
        """:meth:`fields` of a ``<tu>`` of the shape :meth:`shape` describes, given its parts."""
        first = _Variant(_language(first_language), {})
        first.text = first_text
        second = _Variant(_language(second_language), {})
        second.text = second_text
        return self._units(attrs, [], [], [first, second])

    def _units(self, attrs: dict, notes: list[str], props: list[tuple[str, str]],
               variants: list[_Variant]) -> list[tuple]:
        path = self.path
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


def _pick_source(variants: list[_Variant], srclang: str) -> _Variant | None:
    wanted = srclang.lower()
    for variant in variants:
        if variant.language.lower() == wanted:
            return variant
    for variant in variants:
        if language_matches(variant.language, srclang) or language_matches(srclang, variant.language):
            return variant
    return None


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
    scanner = _Scanner(_Reader(name, source_language, target_language))
    if hasattr(path, "read"):
        yield from scanner.run(path)
    else:
        with open(path, "rb") as stream:
            yield from scanner.run(stream)


# --- the scanner ---------------------------------------------------------------------------
#
# Why not a tree parser: building an element per <tu>, <tuv> and <seg> (and a string per
# run of whitespace between them) costs more than the rest of an import. expat, with no
# handlers, checks that the file is well-formed at several times the speed, and a regular
# expression then reads a plain <tu> straight from the (checked) text. Whatever is not plain
# is cut out whole and parsed by the standard library's ElementTree.

_WS = "[ \\t\\n]*+"
_PLAIN_TU = re.compile(
    rf'{_WS}<tu((?:[ \t\n]+[A-Za-z_][\w.-]*+="[^"<]*+")*+){_WS}>'
    rf'{_WS}<tuv xml:lang="([^"<]*+)"{_WS}>{_WS}<seg>([^<]*+)</seg>{_WS}</tuv>'
    rf'{_WS}<tuv xml:lang="([^"<]*+)"{_WS}>{_WS}<seg>([^<]*+)</seg>{_WS}</tuv>'
    rf"{_WS}</tu>"
)
"""A ``<tu>`` of two variants with only ``xml:lang`` and a ``<seg>`` of text each (the
commonest shape), in the spelling most writers use (double quotes, no space before ``=``)."""

_ATTR = re.compile(r'([A-Za-z_][\w.-]*)="([^"<]*)"')

_TOKEN = re.compile(
    r"""<(?P<end>/)[^>]*>
    | <!--.*?-->
    | <!\[CDATA\[.*?\]\]>
    | <\?.*?\?>
    | <(?P<name>[^\s/>!?]+)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*?)(?P<empty>/?)>""",
    re.S | re.X,
)
"""One piece of markup of a well-formed document (text lies between pieces). None at an
incomplete piece: the end of what has been read so far cuts it."""

_NS_ATTR = re.compile(r"""(xmlns(?::[^\s=]+)?)\s*=\s*("[^"]*"|'[^']*')""")

_REFERENCE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[^;&]*);")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}

CHUNK = 1 << 18
"""Characters decoded, checked and scanned at a time."""

MAX_PIECE = 10_000_000
"""Characters one unit (or the file's start up to its root element) may take, as lxml's
default limit on a text: a file that needs more is refused, so memory stays bounded."""

MAX_HI_DEPTH = 100
"""How deep ``<hi>`` may nest inside a ``<seg>``."""


class _Unexpandable(Exception):
    """An entity reference that is neither predefined nor a character reference."""


def _reference(match: re.Match) -> str:
    name = match.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    try:
        return _PREDEFINED[name]
    except KeyError:
        raise _Unexpandable(f"&{name};") from None


def _text(raw: str) -> str:
    """Character data as a parser reports it (line ends are already normalised)."""
    return _REFERENCE.sub(_reference, raw) if "&" in raw else raw


def _attribute(raw: str) -> str:
    """An attribute value as a parser reports it: white space to spaces, then references."""
    if "\t" in raw or "\n" in raw:
        raw = raw.replace("\t", " ").replace("\n", " ")
    return _REFERENCE.sub(_reference, raw) if "&" in raw else raw


def _lines(text: str) -> str:
    """Text with its line ends as XML reads them: ``\\r\\n`` and ``\\r`` become ``\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _sniff(head: bytes) -> tuple[str, int]:
    """The encoding of a file that starts with ``head`` and the length of its byte order mark."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if head.startswith(b"<\0?\0"):
        return "utf-16-le", 0
    if head.startswith(b"\0<\0?"):
        return "utf-16-be", 0
    declared = re.match(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""", head)
    return (declared.group(1).decode("ascii") if declared else "utf-8"), 0


class _Scanner:
    """Reads a TMX file: checks it with expat while a regular expression and ElementTree
    read its units (see the comment above)."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.path = reader.path
        self.text = ""  # read and checked, not yet consumed
        self.line = 1  # the line at which self.text starts
        self.decoded_lines = 1  # the line at the end of what was decoded
        self.open: list[tuple[str, str]] = []  # elements entered: (name, namespace declarations)
        self.declarations = ""  # the namespace declarations in scope
        self.root_at = -1  # where the root's start tag is in self.text, once expat has seen it
        self.prolog = b""  # the bytes given to expat before it saw the root (when it is given bytes)
        self.started = False  # past the root's start tag
        self.finished = False  # past the root's end tag
        self.shapes: dict[tuple[str, str, str], tuple] = {}  # see _shape
        self.pieces: _Pieces | None = None  # parses what the regular expression does not read
        # UTF-8 whatever the file declares: it is given the file's bytes only when they are UTF-8,
        # else the text as decoded here (which expat takes as UTF-8)
        parser = pyexpat.ParserCreate(encoding="utf-8", namespace_separator="}")
        parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.EntityDeclHandler = self._entity_declared
        parser.UnparsedEntityDeclHandler = self._unparsed_entity
        parser.SkippedEntityHandler = self._skipped_entity
        parser.StartElementHandler = self._root
        self.parser = parser

    # -- expat's checks

    def _entity_declared(self, name, *_):
        raise FormatError(f"entity declarations are not allowed in a memory file (entity {name!r})",
                          self.path, self.parser.CurrentLineNumber)

    def _unparsed_entity(self, name, *_):
        self._entity_declared(name)

    def _skipped_entity(self, name, *_):
        raise FormatError(f"entity reference &{name}; is not expanded in a memory file", self.path,
                          self.parser.CurrentLineNumber)

    def _root(self, name, attrs):
        self.parser.StartElementHandler = None
        if name != "tmx":
            raise FormatError("not a TMX file: no <tmx> element", self.path, self.parser.CurrentLineNumber)
        at = self.parser.CurrentByteIndex  # in the UTF-8 given to expat; self.text holds all read so far
        if self.prolog:
            self.root_at = len(_lines(self.prolog[:at].decode("utf-8")))
            self.prolog = b""
        else:
            self.root_at = at if self.text.isascii() else len(self.text.encode("utf-8")[:at].decode("utf-8"))

    def _check(self, text: str, final: bool = False) -> None:
        try:
            self.parser.Parse(text, final)
        except pyexpat.ExpatError as error:
            raise FormatError(f"not well-formed XML: {pyexpat.ErrorString(error.code)}", self.path,
                              error.lineno) from None

    # -- reading

    def run(self, stream: BinaryIO) -> Iterator[tuple]:
        for raw, text in self._decoded(stream):
            self.text += text
            if raw is not None and self.root_at < 0:
                self.prolog += raw
            self._check(text if raw is None else raw)
            yield from self._scan()
        self._check(b"", final=True)
        yield from self._scan()

    def _decoded(self, stream: BinaryIO) -> Iterator[tuple[bytes | None, str]]:
        """The file's text in pieces, line ends normalised (``\\r\\n`` and ``\\r`` to ``\\n``),
        each with its bytes if they are UTF-8 (expat reads those faster than the text)."""
        head = stream.read(CHUNK)
        encoding, bom = _sniff(head)
        try:
            info = codecs.lookup(encoding)
            if not getattr(info, "_is_text_encoding", True):
                raise LookupError(encoding)
        except LookupError:
            raise FormatError(f"unknown encoding {encoding!r}", self.path, 1) from None
        decoder = info.incrementaldecoder("strict")
        utf8 = info.name == "utf-8"
        data = head[bom:]
        held = ""  # a final "\r" waits: a "\n" may follow
        while True:
            final = not data
            try:
                text = held + decoder.decode(data, final)
            except UnicodeDecodeError as error:
                good = held + info.decode(data[: error.start], "replace")[0]
                good = good.replace("\r\n", "\n").replace("\r", "\n")
                raise FormatError(f"not well-formed XML: not {encoding} text", self.path,
                                  self.decoded_lines + good.count("\n")) from None
            if "\r" in text:
                held = "\r" if text.endswith("\r") and not final else ""
                text = _lines(text[:-1] if held else text)
            if text or data:
                self.decoded_lines += text.count("\n")
                yield (data if utf8 else None), text
            if final:
                return
            data = stream.read(CHUNK)

    def _scan(self) -> Iterator[tuple]:
        """Units of the complete pieces of self.text; keeps the rest for the next call."""
        text = self.text
        if not self.started:
            if self.root_at < 0:
                if len(text) > MAX_PIECE:
                    raise FormatError(f"more than {MAX_PIECE:,} characters before the root element",
                                      self.path, self.line)
                return
            tag = _TOKEN.match(text, self.root_at)
            if tag is None:
                return
            self.started = True
            self._enter("tmx", tag.group("attrs"))
            pos = tag.end()
        else:
            pos = 0
        out: list[tuple] = []
        plain = _PLAIN_TU.match
        find = text.find
        token = _TOKEN.match
        shapes = self.shapes
        path = self.path
        while not self.finished:
            if not self.declarations:
                while (match := plain(text, pos)) is not None:  # the commonest case, in short
                    pos = match.end()
                    attrs, first_language, first_text, second_language, second_text = match.groups()
                    known = shapes.get((attrs, first_language, second_language))
                    if known is None or known[0] is None or "&" in first_text or "&" in second_text:
                        self._plain(text, match, out)
                    elif known[0][0]:
                        shape = known[0]
                        out.append((first_text, second_text, shape[1], shape[2], path, shape[3], shape[4],
                                    shape[5], (), (), None, {}))
                    else:
                        shape = known[0]
                        out.append((second_text, first_text, shape[1], shape[2], path, shape[3], shape[4],
                                    shape[5], (), (), None, {}))
            start = find("<", pos)
            if start < 0:
                pos = len(text)
                break
            piece = token(text, start)
            if piece is None:
                pos = start
                break
            if piece.group("end"):
                self._leave()
                pos = piece.end()
                continue
            name = piece.group("name")
            if name is None:  # a comment, a processing instruction, CDATA
                pos = piece.end()
                continue
            if name in ("tu", "header"):
                end = piece.end() if piece.group("empty") else _element_end(text, piece.end(), name)
                if end < 0:
                    pos = start
                    break
                self._slow(text, start, end, out)
                pos = end
                continue
            if not piece.group("empty"):
                self._enter(name, piece.group("attrs"))
            pos = piece.end()
        if len(text) - pos > MAX_PIECE and not self.finished:
            raise FormatError(f"one element of more than {MAX_PIECE:,} characters: refused", self.path,
                              self.line + text.count("\n", 0, pos))
        self.line += text.count("\n", 0, pos)
        self.text = text[pos:] if not self.finished else ""
        if out:
            yield from out

    def _plain(self, text: str, match: re.Match, out: list[tuple]) -> None:
        """Read a ``<tu>`` matched by :data:`_PLAIN_TU` (see :meth:`_Reader.shape`)."""
        attrs, first_language, first_text, second_language, second_text = match.groups()
        try:
            known = self.shapes.get((attrs, first_language, second_language))
            if known is None:
                known = self._shape(attrs, first_language, second_language)
            first_text = _text(first_text)
            second_text = _text(second_text)
            shape = known[0]
            if shape is None:
                out += self.reader.plain(known[1], known[2], first_text, known[3], second_text)
            elif shape[0]:
                out.append((first_text, second_text, shape[1], shape[2], self.path, shape[3], shape[4],
                            shape[5], (), (), None, {}))
            else:
                out.append((second_text, first_text, shape[1], shape[2], self.path, shape[3], shape[4],
                            shape[5], (), (), None, {}))
        except _Unexpandable:  # ElementTree says what is wrong, and where
            self._slow(text, text.find("<", match.start()), match.end(), out)

    def _shape(self, attrs: str, first_language: str, second_language: str) -> tuple:
        """What the plain ``<tu>`` path needs of these attributes and languages (as written):
        (:meth:`_Reader.shape`, attributes, first language, second language), remembered."""
        if "xmlns" in attrs:
            raise _Unexpandable(attrs)
        values = {k: _attribute(v) for k, v in _ATTR.findall(attrs)} if attrs else {}
        first, second = _attribute(first_language), _attribute(second_language)
        if not first or not second:
            raise _Unexpandable("")  # a <tuv> without a language
        if len(self.shapes) >= 4096:
            self.shapes.clear()
        known = self.shapes[(attrs, first_language, second_language)] = (
            self.reader.shape(values, first, second), values, first, second)
        return known

    def _enter(self, name: str, attrs: str) -> None:
        declared = " ".join(f"{k}={v}" for k, v in _NS_ATTR.findall(attrs)) if "xmlns" in attrs else ""
        self.open.append((name, declared))
        if declared:
            self.declarations = " ".join(d for _, d in self.open if d)

    def _leave(self) -> None:
        _, declared = self.open.pop()
        if declared:
            self.declarations = " ".join(d for _, d in self.open if d)
        if not self.open:
            self.finished = True

    def _slow(self, text: str, start: int, end: int, out: list[tuple]) -> None:
        """Read the ``<tu>`` or ``<header>`` at ``text[start:end]`` with ElementTree."""
        piece = text[start:end]
        pieces = self.pieces
        if pieces is None or pieces.declarations != self.declarations:
            pieces = self.pieces = _Pieces(self.declarations)
        try:
            element = pieces.parse(piece)
        except ElementTree.ParseError:
            self.pieces = None  # that parser is spent; parse the piece alone to say where it fails
            wrapped = f"<w {self.declarations}>{piece}</w>" if self.declarations else piece
            try:
                ElementTree.fromstring(wrapped)
                raise FormatError("not well-formed XML", self.path, self.line + text.count("\n", 0, start))
            except ElementTree.ParseError as error:
                line = self.line + text.count("\n", 0, start) + error.position[0] - 1
                if error.code == pyexpat.errors.codes[pyexpat.errors.XML_ERROR_UNDEFINED_ENTITY]:
                    raise FormatError("entity reference is not expanded in a memory file", self.path, line) from None
                raise FormatError(f"not well-formed XML: {pyexpat.ErrorString(error.code)}", self.path,
                                  line) from None
        try:
            if element.tag == "tu":
                out += self.reader.fields(element)
            elif element.tag == "header":
                self.reader.header_srclang = element.get("srclang", "")
                self.shapes.clear()
        except _Misplaced as error:
            wrapped = f"<w {self.declarations}>{piece}</w>"
            line = self.line + text.count("\n", 0, start) + _line_in(wrapped, element, error.element) - 1
            raise FormatError(error.message, self.path, line) from None
        finally:
            pieces.done()


class _Pieces:
    """Parses complete elements one after another with one ElementTree parser (creating a
    parser for each costs more than parsing a ``<tu>``): they are fed as the children of one
    element, which each is taken from again once read.

    Args:
        declarations: The namespace declarations in scope, as XML attributes.
    """

    def __init__(self, declarations: str):
        self.declarations = declarations
        self.parser = ElementTree.XMLPullParser(events=("start",))
        self.parser.feed(f"<w {declarations}>")
        self.wrapper = next(iter(self.parser.read_events()))[1]
        try:  # only that first event was wanted: no more (a private method, so only if it is there)
            self.parser._parser._setevents(self.parser._events_queue, ())
        except (AttributeError, TypeError):
            pass

    def parse(self, piece: str):
        """The element written in ``piece`` (well-formed, as expat found it)."""
        self.parser.feed(piece)
        collections.deque(self.parser.read_events(), maxlen=0)  # raises the parser's error if any
        return self.wrapper[-1]

    def done(self) -> None:
        """Forget the elements read so far (memory stays flat)."""
        del self.wrapper[:]


_TU_END = re.compile(r"</tu[ \t\n]*>")
_NOT_SIMPLE = re.compile(r"<(?:!|\?|tu[ \t\n/>])")
"""Before a ``<tu>``'s end tag: what could hide an end tag or nest another (comments,
CDATA, processing instructions, a ``<tu>`` inside)."""


def _element_end(text: str, pos: int, name: str = "") -> int:
    """The end of the element whose start tag ends at ``pos``; -1 if ``text`` stops before it.

    Args:
        text: Well-formed XML (so far as it goes).
        pos: Where the element's content starts.
        name: The element's name: for ``tu``, its end tag is found by search when nothing
            before it could hide or nest one.
    """
    if name == "tu":
        end = _TU_END.search(text, pos)
        if end is None:
            return -1
        if _NOT_SIMPLE.search(text, pos, end.start()) is None:
            return end.end()
    depth = 1
    find = text.find
    token = _TOKEN.match
    while True:
        start = find("<", pos)
        if start < 0:
            return -1
        piece = token(text, start)
        if piece is None:
            return -1
        if piece.group("end"):
            depth -= 1
            if not depth:
                return piece.end()
        elif piece.group("name") and not piece.group("empty"):
            depth += 1
        pos = piece.end()


def _line_in(xml: str, root, element) -> int:
    """The line, within ``xml`` (``root`` wrapped in one element), at which ``element`` starts."""
    wanted = 1 + next(n for n, e in enumerate(root.iter()) if e is element)
    parser = pyexpat.ParserCreate(namespace_separator="}")
    found = [0, 1]

    def start(*_):
        if found[0] == wanted:
            found[1] = parser.CurrentLineNumber
            parser.StartElementHandler = None
        found[0] += 1

    parser.StartElementHandler = start
    parser.Parse(xml, True)
    return found[1]


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
