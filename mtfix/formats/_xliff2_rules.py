"""The XLIFF 2.x core rules a reader can see, checked before a file is reviewed.

Each broken rule raises :class:`~mtfix.errors.FormatError` whose message starts with the
rule's name in brackets (``[unit-id-unique] ...``), then the line. These are the core
constraints of the specification (sections 4.2-4.9) that need no schema: structure and
order of elements, required and unique ids, attribute names and values, languages, the
pairing of inline codes, and references within a unit. Module-specific rules (matches,
glossary, size restriction, validation...) are not checked.
"""

from __future__ import annotations

import re
from collections import Counter

from mtfix.errors import FormatError

_XML = "http://www.w3.org/XML/1998/namespace"
_LANG = re.compile(r"^(?:[A-Za-z]{2,8}|[xXiI])(?:-[A-Za-z0-9]{1,8})*$")
_NMTOKEN = re.compile(r"^[\w.\-:\u00b7\u0300-\u036f\u203f-\u2040]+$")
_PREFIXED = re.compile(r"^[A-Za-z_][\w.\-]*:.+$")
_YES_NO = {"yes", "no"}
_MODULE_PREFIX = ("urn:oasis:names:tc:xliff:", "http://www.w3.org/2005/11/its")

_FMT_COMMON = {"id", "canCopy", "canDelete", "canReorder", "copyOf", "dir", "type", "subType"}
_ATTRIBUTES = {
    "xliff": {"version", "srcLang", "trgLang", f"{{{_XML}}}space", f"{{{_XML}}}lang"},
    "file": {f"{{{_XML}}}lang", "id", "canResegment", "original", "translate", "srcDir", "trgDir", f"{{{_XML}}}space"},
    "skeleton": {"href"},
    "group": {f"{{{_XML}}}lang", "id", "name", "canResegment", "translate", "srcDir", "trgDir", "type", f"{{{_XML}}}space"},
    "unit": {f"{{{_XML}}}lang", "id", "name", "canResegment", "translate", "srcDir", "trgDir", "type", f"{{{_XML}}}space"},
    "segment": {"id", "canResegment", "state", "subState"},
    "ignorable": {"id"},
    "notes": set(),
    "note": {"id", "appliesTo", "category", "priority", "ref"},
    "originalData": set(),
    "data": {"id", "dir", f"{{{_XML}}}space"},
    "source": {f"{{{_XML}}}lang", f"{{{_XML}}}space"},
    "target": {f"{{{_XML}}}lang", f"{{{_XML}}}space", "order"},
    "pc": _FMT_COMMON | {"canOverlap", "dispStart", "dispEnd", "dataRefStart", "dataRefEnd", "subFlowsStart",
                         "subFlowsEnd", "equivStart", "equivEnd"},
    "sc": _FMT_COMMON | {"canOverlap", "dataRef", "disp", "equiv", "isolated", "subFlows"},
    "ec": _FMT_COMMON | {"canOverlap", "dataRef", "disp", "equiv", "isolated", "startRef", "subFlows"},
    "ph": _FMT_COMMON | {"dataRef", "disp", "equiv", "subFlows"},
    "cp": {"hex"},
    "mrk": {"id", "translate", "type", "ref", "value"},
    "sm": {"id", "translate", "type", "ref", "value"},
    "em": {"startRef"},
}
# Elements that take attributes of any namespace; the others only those of XLIFF modules.
_OPEN_ATTRIBUTES = {"xliff", "file", "group", "unit", "note", "mrk", "sm", "skeleton"}
_INLINE = {"pc", "sc", "ec", "ph", "cp", "mrk", "sm", "em"}
_CHILDREN = {
    "xliff": {"file", "notes"},
    "file": {"skeleton", "notes", "unit", "group"},
    "group": {"notes", "unit", "group"},
    "unit": {"notes", "originalData", "segment", "ignorable"},
    "segment": {"source", "target"},
    "ignorable": {"source", "target"},
    "notes": {"note"},
    "note": set(),
    "originalData": {"data"},
    "data": {"cp"},
    "skeleton": set(),
}
_EXTENSIBLE = {"file", "group", "unit", "skeleton"}
_TYPES = {"fmt", "ui", "quote", "link", "image", "other"}
_XLF_SUBTYPES = {"xlf:lb", "xlf:pb", "xlf:b", "xlf:i", "xlf:u", "xlf:var"}


class _Checker:
    def __init__(self, root, ns: str, name: str):
        self.root, self.ns, self.name = root, ns, name

    def fail(self, rule: str, message: str, element) -> None:
        raise FormatError(f"[{rule}] {message}", self.name, getattr(element, "sourceline", None))

    def local(self, element) -> str | None:
        tag = element.tag
        if not isinstance(tag, str):
            return None
        if tag.startswith("{" + self.ns + "}"):
            return tag[len(self.ns) + 2 :]
        return None  # a foreign (extension or module) element

    def core_children(self, element) -> list:
        return [c for c in element if self.local(c)]

    # --- the whole document ----------------------------------------------------------------
    def run(self) -> None:
        root = self.root
        version = root.get("version")
        expected = {"2.0", "2.1"} if self.ns.endswith(":2.0") else {"2.2"}
        if version not in expected:
            self.fail("version", f"version {version!r} does not match the namespace {self.ns}", root)
        src = root.get("srcLang")
        if not src:
            self.fail("srcLang-required", "<xliff> needs srcLang", root)
        for attr in ("srcLang", "trgLang"):
            value = root.get(attr)
            if value is not None and not _LANG.match(value):
                self.fail("language-tag", f"{attr}={value!r} is not a well-formed language tag", root)
        self.walk(root)
        files = [c for c in root if self.local(c) == "file"]
        if not files:
            self.fail("file-required", "<xliff> needs at least one <file>", root)
        self.unique(files, "file-id-unique", "file")
        has_target = any(True for _ in root.iter(f"{{{self.ns}}}target"))
        if has_target and not root.get("trgLang"):
            self.fail("trgLang-required", "a <target> is present but <xliff> has no trgLang", root)
        for file in files:
            self.check_file(file)

    def unique(self, elements, rule: str, what: str, attribute: str = "id") -> None:
        seen: set[str] = set()
        for element in elements:
            value = element.get(attribute)
            if value is None:
                continue
            if value in seen:
                self.fail(rule, f"{what} id {value!r} is not unique", element)
            seen.add(value)

    # --- generic: attributes, children, order, ids ---------------------------------------
    def walk(self, element) -> None:
        name = self.local(element)
        if name is None:
            return
        allowed = _ATTRIBUTES.get(name)
        if allowed is None:
            self.fail("known-element", f"<{name}> is not an XLIFF core element", element)
        for attr in element.attrib:
            if attr in allowed:
                continue
            if attr.startswith("{") and not attr.startswith(f"{{{_XML}}}"):
                namespace = attr[1:].split("}")[0]
                if name in _OPEN_ATTRIBUTES or namespace.startswith(_MODULE_PREFIX):
                    continue
            shown = attr.replace(f"{{{_XML}}}", "xml:")
            self.fail("known-attribute", f"attribute {shown} is not allowed on <{name}>", element)
        self.values(name, element)
        children = _CHILDREN.get(name)
        if children is not None:
            for child in element:
                child_name = self.local(child)
                if not isinstance(child.tag, str):
                    continue
                if child_name is None:
                    module = child.tag[1:].startswith(_MODULE_PREFIX)
                    if name not in _EXTENSIBLE and not (name == "xliff" and module):
                        self.fail("extension-placement", f"<{child.tag}> is not allowed inside <{name}>", child)
                elif child_name not in children:
                    self.fail("content-model", f"<{child_name}> is not allowed inside <{name}>", child)
        if name in ("source", "target") or name in _INLINE:
            for child in element:
                if isinstance(child.tag, str) and self.local(child) not in _INLINE:
                    self.fail("inline-content", f"<{child.tag}> is not allowed in text content", child)
        if name in _EXTENSIBLE:
            foreign = [d for c in element if isinstance(c.tag, str) and self.local(c) is None
                       for d in _foreign_descendants(c, self.ns)]
            seen: set = set()
            for item in foreign:
                ident = item.get("id") or item.get(f"{{{_XML}}}id")
                if ident is not None:
                    key = (item.tag.split("}")[0], ident)
                    if key in seen:
                        self.fail("extension-id-unique", f"extension id {item.get('id')!r} is not unique", item)
                    seen.add(key)
        for child in element:
            if isinstance(child.tag, str):
                self.walk(child)

    def values(self, name: str, element) -> None:
        get = element.get
        for attr in ("canResegment", "translate", "canCopy", "canDelete", "canOverlap", "canReorder", "isolated"):
            value = get(attr)
            if value is not None and value not in _YES_NO and not (attr == "canReorder" and value == "firstNo"):
                self.fail("yes-no", f"{attr}={value!r} must be yes or no", element)
        for attr in ("srcDir", "trgDir", "dir"):
            value = get(attr)
            if value is not None and value not in {"ltr", "rtl", "auto"}:
                self.fail("direction", f"{attr}={value!r} must be ltr, rtl or auto", element)
        space = get(f"{{{_XML}}}space")
        if space is not None and space not in {"default", "preserve"}:
            self.fail("xml-space", f"xml:space={space!r} must be default or preserve", element)
        lang = get(f"{{{_XML}}}lang")
        if lang is not None and not _LANG.match(lang):
            self.fail("language-tag", f"xml:lang={lang!r} is not a well-formed language tag", element)
        ident = get("id")
        if ident is not None and not _NMTOKEN.match(ident):
            self.fail("id-nmtoken", f"id {ident!r} is not a valid NMTOKEN", element)
        if name == "segment":
            state = get("state")
            if state is not None and state not in {"initial", "translated", "reviewed", "final"}:
                self.fail("state-value", f"state={state!r} must be initial, translated, reviewed or final", element)
            sub = get("subState")
            if sub is not None:
                if state is None:
                    self.fail("subState-needs-state", "subState without state", element)
                if not _PREFIXED.match(sub):
                    self.fail("subState-value", f"subState={sub!r} must be prefix:value", element)
        if name in ("pc", "sc", "ec", "ph"):
            kind, sub = get("type"), get("subType")
            if kind is not None and kind not in _TYPES:
                self.fail("type-value", f"type={kind!r} is not one of {', '.join(sorted(_TYPES))}", element)
            if sub is not None:
                if kind is None:
                    self.fail("subType-needs-type", "subType without type", element)
                if not _PREFIXED.match(sub) or (sub.startswith("xlf:") and sub not in _XLF_SUBTYPES):
                    self.fail("subType-value", f"subType={sub!r} is not valid", element)
                if sub in {"xlf:lb", "xlf:pb"} and kind != "fmt" or sub == "xlf:var" and kind != "ui" \
                        or sub in {"xlf:b", "xlf:i", "xlf:u"} and kind != "fmt":
                    self.fail("subType-value", f"subType={sub!r} does not go with type={kind!r}", element)
        if name in ("mrk", "sm"):
            kind = get("type")
            if kind is not None and kind not in {"generic", "comment", "term"} and not _PREFIXED.match(kind):
                self.fail("type-value", f"type={kind!r} must be generic, comment, term or prefix:value", element)
            if kind == "comment" and (get("value") is None) == (get("ref") is None):
                self.fail("comment-value-or-ref", "a comment annotation needs exactly one of value and ref", element)
        if name == "cp":
            value = get("hex") or ""
            if not re.fullmatch(r"[0-9A-Fa-f]{1,6}", value):
                self.fail("cp-hex", f"hex={value!r} is not a hexadecimal code point", element)
            code = int(value, 16)
            if code > 0x10FFFF or code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
                    or code >= 0x10000:
                self.fail("cp-hex", f"hex={value!r}: <cp> is only for characters XML cannot hold", element)
        if name == "skeleton":
            has_content = bool((element.text or "").strip()) or len(element)
            if (get("href") is None) == (not has_content):
                self.fail("skeleton-href-or-content", "<skeleton> needs either href or content, not both", element)

    # --- files, groups, units --------------------------------------------------------------
    def ordered(self, element, first: tuple[str, ...] = ()) -> None:
        """Children come in the order of the specification: skeleton, extensions, notes,
        originalData, then units, groups, segments."""
        rank_of = {"skeleton": 0, "notes": 2, "originalData": 3}
        highest = 0
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = self.local(child)
            rank = 1 if name is None else rank_of.get(name, 4)
            if rank < highest:
                shown = name or child.tag
                self.fail("element-order", f"<{shown}> is out of place in <{self.local(element)}>", child)
            highest = rank

    def check_notes(self, element) -> None:
        notes = [c for c in element if self.local(c) == "notes"]
        if len(notes) > 1:
            self.fail("content-model", "more than one <notes>", notes[1])
        for block in notes:
            items = [c for c in block if self.local(c) == "note"]
            if not items:
                self.fail("notes-need-note", "<notes> without <note>", block)
            self.unique(items, "note-id-unique", "note")

    def check_file(self, file) -> None:
        if file.get("id") is None:
            self.fail("file-id-required", "<file> without id", file)
        if not any(self.local(c) in ("unit", "group") for c in file):
            self.fail("file-needs-unit", "<file> without <unit> or <group>", file)
        self.ordered(file, ("notes",))
        self.check_notes(file)
        groups = [g for g in file.iter(f"{{{self.ns}}}group")]
        units = [u for u in file.iter(f"{{{self.ns}}}unit")]
        for group in groups:
            if group.get("id") is None:
                self.fail("group-id-required", "<group> without id", group)
            self.ordered(group, ("notes",))
            self.check_notes(group)
        self.unique(groups, "group-id-unique", "group")
        self.unique(units, "unit-id-unique", "unit")
        unit_ids = {u.get("id") for u in units}
        for unit in units:
            self.check_unit(unit, unit_ids)

    def check_unit(self, unit, unit_ids: set) -> None:
        if unit.get("id") is None:
            self.fail("unit-id-required", "<unit> without id", unit)
        self.ordered(unit, ("notes", "originalData"))
        self.check_notes(unit)
        parts = [c for c in unit if self.local(c) in ("segment", "ignorable")]
        if not any(self.local(p) == "segment" for p in parts):
            self.fail("unit-needs-segment", "<unit> without <segment>", unit)
        self.unique(parts, "part-id-unique", "segment or ignorable")
        data_ids: set[str] = set()
        for original in (c for c in unit if self.local(c) == "originalData"):
            items = [c for c in original if self.local(c) == "data"]
            if not items:
                self.fail("originalData-needs-data", "<originalData> without <data>", original)
            self.unique(items, "data-id-unique", "data")
            data_ids.update(d.get("id") for d in items)
        orders = []
        for part in parts:
            sources = [c for c in part if self.local(c) == "source"]
            targets = [c for c in part if self.local(c) == "target"]
            if len(sources) != 1:
                self.fail("one-source", f"<{self.local(part)}> needs exactly one <source> (found {len(sources)})", part)
            if len(targets) > 1:
                self.fail("content-model", "more than one <target>", targets[1])
            if targets and self.local(self.core_children(part)[0]) == "target":
                self.fail("element-order", "<target> before <source>", targets[0])
            src_lang, trg_lang = self.root.get("srcLang"), self.root.get("trgLang")
            for source in sources:
                lang = _inherited(source, f"{{{_XML}}}lang", stop=None)
                if lang is not None and lang.lower() != (src_lang or "").lower():
                    self.fail("source-language", f"source xml:lang={lang!r} is not srcLang {src_lang!r}", source)
            for target in targets:
                lang = _inherited(target, f"{{{_XML}}}lang", stop=None)
                if lang is not None and lang.lower() != (trg_lang or "").lower():
                    self.fail("target-language", f"target xml:lang={lang!r} is not trgLang {trg_lang!r}", target)
                if sources and _space(sources[0]) != _space(target):
                    self.fail("same-xml-space", "source and target have different xml:space", target)
                if target.get("order") is not None:
                    orders.append(target)
        for target in orders:
            value = target.get("order")
            if not value.isdigit() or not 1 <= int(value) <= len(parts):
                self.fail("order-value", f"order={value!r} is not a position in the unit", target)
        counts = Counter(t.get("order") for t in orders)
        for target in orders:
            if counts[target.get("order")] > 1:
                self.fail("order-unique", f"order={target.get('order')!r} is used twice", target)
        for side in ("source", "target"):
            self.check_codes(unit, parts, side, data_ids, unit_ids)

    def check_codes(self, unit, parts, side: str, data_ids: set, unit_ids: set) -> None:
        content = [c for p in parts for c in p if self.local(c) == side]
        elements = [e for c in content for e in c.iter() if self.local(e) in _INLINE]
        ids: dict[str, object] = {}
        for element in elements:
            ident = element.get("id")
            if ident is not None and self.local(element) != "ec":
                if ident in ids:
                    self.fail("inline-id-unique", f"inline code id {ident!r} is not unique in the {side}", element)
                ids[ident] = element
        for element in elements:
            name = self.local(element)
            for attr in ("dataRef", "dataRefStart", "dataRefEnd"):
                ref = element.get(attr)
                if ref is not None and ref not in data_ids:
                    self.fail("dataRef-exists", f"{attr}={ref!r} names no <data> of the unit", element)
            for attr in ("subFlows", "subFlowsStart", "subFlowsEnd"):
                refs = element.get(attr)
                for ref in (refs or "").split():
                    if ref not in unit_ids:
                        self.fail("subFlows-exists", f"{attr} names no unit {ref!r}", element)
            copy_of = element.get("copyOf")
            if copy_of is not None and (copy_of not in ids or copy_of == element.get("id")):
                self.fail("copyOf-exists", f"copyOf={copy_of!r} names no code of the unit", element)
            if name == "ec":
                if element.get("isolated") == "yes":
                    if element.get("id") is None or element.get("startRef") is not None:
                        self.fail("isolated-ec", "an isolated <ec> needs id and no startRef", element)
                else:
                    start = element.get("startRef")
                    if start is None:
                        self.fail("ec-startRef", "<ec> without startRef must be isolated=\"yes\"", element)
                    if element.get("id") is not None:
                        self.fail("isolated-ec", "a paired <ec> has no id", element)
                    partner = ids.get(start)
                    if partner is None or self.local(partner) != "sc":
                        self.fail("ec-startRef", f"startRef={start!r} names no <sc> of the unit", element)
                    if elements.index(partner) > elements.index(element):
                        self.fail("ec-after-sc", f"<ec> comes before its <sc id={start!r}>", element)
                    if partner.get("isolated") == "yes":
                        self.fail("isolated-sc", f"<sc id={start!r}> has its <ec> in the unit: not isolated", partner)
                    for attr in ("canCopy", "canDelete", "canOverlap", "canReorder"):
                        if (partner.get(attr) or "yes") != (element.get(attr) or "yes"):
                            self.fail("sc-ec-same", f"<sc> and <ec> differ in {attr}", element)
            elif name == "em":
                start = element.get("startRef")
                partner = ids.get(start)
                if partner is None or self.local(partner) != "sm":
                    self.fail("em-startRef", f"startRef={start!r} names no <sm> of the unit", element)
                if elements.index(partner) > elements.index(element):
                    self.fail("em-after-sm", f"<em> comes before its <sm id={start!r}>", element)
        ended = {e.get("startRef") for e in elements if self.local(e) == "ec" and e.get("isolated") != "yes"}
        marks_ended = {e.get("startRef") for e in elements if self.local(e) == "em"}
        for element in elements:
            name = self.local(element)
            if name == "sc" and element.get("isolated") != "yes" and element.get("id") not in ended:
                self.fail("isolated-sc", f"<sc id={element.get('id')!r}> has no <ec> in the unit: it must be "
                          "isolated=\"yes\"", element)
            if name == "sm" and element.get("id") not in marks_ended:
                self.fail("sm-em", f"<sm id={element.get('id')!r}> has no <em> in the unit", element)


def _foreign_descendants(element, ns: str):
    """``element`` and its descendants outside the XLIFF core namespace (not inside core ones)."""
    yield element
    for child in element:
        if isinstance(child.tag, str) and not child.tag.startswith("{" + ns + "}"):
            yield from _foreign_descendants(child, ns)


def _inherited(element, attribute: str, stop) -> str | None:
    """The value of ``attribute`` on ``element`` or its nearest ancestor below ``stop``."""
    node = element
    while node is not None and node is not stop:
        value = node.get(attribute)
        if value is not None:
            return value
        node = node.getparent()
    return None


def _space(element) -> str:
    node = element
    while node is not None:
        value = node.get(f"{{{_XML}}}space")
        if value is not None:
            return value
        node = node.getparent()
    return "default"


def check_rules(root, ns: str, name: str) -> None:
    """Check an XLIFF 2.x document against the core rules a reader can see.

    Raises:
        FormatError: The first broken rule, named in brackets, with its line.
    """
    _Checker(root, ns, name).run()
