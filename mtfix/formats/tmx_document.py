"""A TMX file reviewed like a bilingual document: each ``<tu>`` is a segment.

The source is the variant (``<tuv>``) in the unit's source language (``srclang`` of the
unit, else of the header, else the first variant); the text is the variant in the target
language: the language most units have besides their source, or the one given. A unit
without a target variant has an empty text; writing a text into it adds the variant.
Inline codes are placeholders as in :mod:`mtfix.formats.tmx` (``<bpt>``/``<ept>`` ->
``<gN>``/``</gN>``, ``<hi>`` -> ``<hN>``...``</hN>``, ``<ph>``/``<it>``/``<ut>`` -> ``<xN/>``);
whitespace in ``<seg>`` is kept as it is. TMX has no review state: statuses are not written.

This is for reviewing a memory file; importing it into the translation memory is
:func:`mtfix.formats.tmx.read_tmx`'s job. Writing modifies the original tree, so
everything else is carried through, and an untouched file writes back byte for byte.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from lxml import etree

from mtfix.core.models import Document, Segment, TmUnit, language_matches
from mtfix.errors import FormatError
from mtfix.formats._inline import InlineSpec, Numbering, flatten, rebuild
from mtfix.formats.base import ExportUnit, Format, check_lengths
from mtfix.formats.xliff import parse_xml, serialise_xml, xml_encoding

__all__ = ["TmxDocumentFormat", "create_tmx"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_TEXT = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
SPEC_TMX = InlineSpec(
    spans={"hi": "h"},
    pair_start={"bpt": lambda e: e.get("i")},
    pair_end={"ept": lambda e: e.get("i")},
)


def _language_of(tuv) -> str:
    return tuv.get(_XML_LANG) or tuv.get("lang") or ""


def _load(data: bytes, name: str):
    root = parse_xml(data, name)
    if root.tag != "tmx":
        raise FormatError(f"not a TMX file: the root element is <{root.tag}>", name, root.sourceline)
    header = root.find("header")
    header_source = header.get("srclang", "") if header is not None else ""
    units = []
    for tu in root.iter("tu"):
        variants = tu.findall("tuv")
        if not variants:
            continue
        for tuv in variants:
            if not _language_of(tuv):
                raise FormatError("<tuv> without xml:lang", name, tuv.sourceline)
            if tuv.find("seg") is None:
                raise FormatError("<tuv> without <seg>", name, tuv.sourceline)
        srclang = tu.get("srclang") or header_source
        source = variants[0]
        if srclang and srclang != "*all*":
            source = next((v for v in variants if language_matches(_language_of(v), srclang)), variants[0])
        units.append((tu, source, [v for v in variants if v is not source]))
    languages = Counter(_language_of(v).lower() for _, _, others in units for v in others)
    target_language = languages.most_common(1)[0][0] if languages else ""
    source_languages = Counter(_language_of(s) for _, s, _ in units)
    source_language = source_languages.most_common(1)[0][0] if source_languages else header_source
    entries = []
    for number, (tu, source, others) in enumerate(units):
        target = next((v for v in others if _language_of(v).lower() == target_language), None)
        numbering = Numbering()
        source_text, codes = flatten(source.find("seg"), SPEC_TMX, numbering, name, preserve=True)
        target_text = ""
        if target is not None:
            target_text, target_codes = flatten(target.find("seg"), SPEC_TMX, numbering, name, preserve=True)
            codes = {**codes, **target_codes}
        entries.append((tu, source, target, source_text, target_text, codes, tu.get("tuid") or str(number + 1)))
    return root, entries, source_language, target_language


def _tmx_codes(text: str) -> list[dict]:
    """The TMX codes of a text's placeholders, as :func:`mtfix.formats.tmx.unit_xml` writes them."""
    from mtfix.formats._fresh import inline_tokens

    codes = []
    for kind, letter, number in inline_tokens(text):
        if kind == "single":
            codes.append({"ph": f"<x{number}/>", "tag": "ph", "attrs": {"x": str(number)}, "content": ""})
        elif kind == "open" and letter == "h":
            codes.append({"ph": f"<h{number}>", "tag": "hi", "attrs": {}})
        elif kind == "open":
            codes.append({"ph": f"<g{number}>", "tag": "bpt", "attrs": {"i": str(number)}, "content": ""})
        elif letter == "g":
            codes.append({"ph": f"</g{number}>", "tag": "ept", "attrs": {"i": str(number)}, "content": ""})
    return codes


def create_tmx(units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
    """A new TMX 1.4b file, UTF-8: one ``<tu>`` per unit, ``tuid`` its id (else its number).

    TMX has no review state: statuses are not written. Placeholders become ``<bpt>``/``<ept>``
    pairs, ``<hi>`` and ``<ph>``, written by the memory's TMX writer.

    Raises:
        FormatError: A text holds a character XML cannot.
    """
    import io

    from mtfix.formats._fresh import check_units, fresh_ids
    from mtfix.formats.tmx import write_tmx_stream

    check_units(units)
    memory_units = []
    for unit, ident in zip(units, fresh_ids(u.id for u in units), strict=True):
        for text in (unit.source, unit.target):
            if not _XML_TEXT.fullmatch(text):
                raise FormatError(f"cannot write unit {ident}: {text!r} holds a character XML cannot")
        extra: dict = {"tu": {"tuid": ident}}
        for side, text in (("source", unit.source), ("target", unit.target)):
            codes = _tmx_codes(text)
            if codes:
                extra[side + "_codes"] = codes
        memory_units.append(TmUnit(unit.source, unit.target, source_language, target_language, extra=extra))
    out = io.StringIO()
    write_tmx_stream(out, memory_units, source_language=source_language)
    return out.getvalue().encode("utf-8")


class TmxDocumentFormat(Format):
    """TMX 1.4 (and 1.1) as a bilingual document: one segment per translation unit."""

    name = "tmx"
    extensions = (".tmx",)
    description = "TMX memory reviewed as a document"
    needs_original = True

    def read(self, data: bytes, name: str) -> Document:
        root, entries, source_language, target_language = _load(data, name)
        encoding, bom = xml_encoding(data, root)
        segments = tuple(Segment(i, e[4], "\n", i, e[3], e[6]) for i, e in enumerate(entries))
        return Document(
            segments=segments, encoding=encoding, bom=bom, path=None if name in ("-", "<stdin>") else name,
            format=self.name, source_language=source_language or "und", target_language=target_language or "und",
            metadata={"original": data},
        )

    def write(self, document: Document, targets: Sequence[str], statuses: Sequence[str] | None = None) -> bytes:
        check_lengths(document, targets, statuses)
        original: bytes = document.metadata["original"]
        name = document.path or "<stdin>"
        root, entries, _, target_language = _load(original, name)
        if list(targets) == [e[4] for e in entries]:
            return original
        for (tu, source, target, _, old, codes, _), text in zip(entries, targets, strict=True):
            if text == old:
                continue
            if target is None:
                if not target_language:
                    raise FormatError("the file has no target language to add a variant in", name, tu.sourceline)
                target = etree.Element("tuv", {_XML_LANG: target_language})
                etree.SubElement(target, "seg")
                source.addnext(target)
                target.tail = source.tail
            rebuild(target.find("seg"), text, codes, name, tu.sourceline)
        encoding, bom = xml_encoding(original, root)
        return serialise_xml(root, original, encoding, bom)

    def create(self, units: Sequence[ExportUnit], source_language: str, target_language: str) -> bytes:
        """A new TMX file (see :func:`create_tmx`)."""
        return create_tmx(units, source_language, target_language)
