"""Inline codes of XML formats as placeholders in the text, and back into the XML.

A segment such as ``Click <g id="1">Save</g> now<x id="2"/>`` is reviewed as
``Click <g1>Save</g1> now<x2/>``: the reviewer (and the fix engine) sees where the codes
are, never their content. The convention is that of :mod:`mtfix.formats.tmx`:

- an element that wraps translatable text (XLIFF ``g``/``pc``; ``mrk``; TMX ``hi``)
  becomes ``<gN>``...``</gN>`` (``<hN>``...``</hN>`` for annotations such as ``mrk``);
- a pair of separate start/end codes (``bpt``/``ept``, ``bx``/``ex``, ``sc``/``ec``,
  ``sm``/``em``) becomes ``<gN>`` and ``</gN>``;
- every other element (``x``, ``ph``, ``it``, ``cp``, an isolated code, a foreign
  element, a comment) becomes ``<xN/>``.

Numbers are shared between the source and the target of a segment: a target code with
the same identity (element and ``id``) as a source code gets the source code's number.
Writing back rebuilds the element's content from the placeholders with copies of the
original code elements, so their attributes and native content survive unchanged.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from mtfix.core.placeholders import PLACEHOLDER
from mtfix.errors import FormatError

_SPACES = re.compile(r"[ \t\r\n]+")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(slots=True)
class Code:
    """One inline code of a segment.

    Attributes:
        number: Its placeholder number.
        kind: "span" (wraps text), "pair" (separate start and end) or "single".
        letter: "g", "h" or "x": the placeholder's letter.
        element: The code element (the start of a pair).
        close: The end element of a pair.
    """

    number: int
    kind: str
    letter: str
    element: object
    close: object | None = None


@dataclass(frozen=True, slots=True)
class InlineSpec:
    """Which elements of a format are which kind of code.

    Attributes:
        spans: Local name -> placeholder letter of elements that wrap text.
        pair_start: Local names of start codes -> function giving the pairing key.
        pair_end: Local names of end codes -> function giving the pairing key.
        is_isolated: Whether a start or end code stands alone by declaration.
    """

    spans: dict[str, str]
    pair_start: dict[str, Callable] = field(default_factory=dict)
    pair_end: dict[str, Callable] = field(default_factory=dict)
    is_isolated: Callable = lambda element: False


def local_name(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def preserves_space(element) -> bool:
    """Whether ``xml:space="preserve"`` applies to the element (it is inherited)."""
    node = element
    while node is not None:
        value = node.get(XML_SPACE)
        if value is not None:
            return value == "preserve"
        node = node.getparent()
    return False


class Numbering:
    """Placeholder numbers of one segment, shared by its source and target."""

    def __init__(self) -> None:
        self.by_key: dict[tuple, int] = {}
        self.counter = 0

    def number(self, key: tuple | None, taken: set[int]) -> int:
        if key is not None and key in self.by_key and self.by_key[key] not in taken:
            return self.by_key[key]
        self.counter += 1
        if key is not None and key not in self.by_key:
            self.by_key[key] = self.counter
        return self.counter


def flatten(
    element, spec: InlineSpec, numbering: Numbering, name: str, *, preserve: bool = False
) -> tuple[str, dict[int, Code]]:
    """The text of ``element`` with its codes as placeholders, and the codes by number.

    Whitespace is collapsed (runs become one space, ends trimmed) unless ``preserve``
    or ``xml:space="preserve"`` applies.
    """
    parts: list[str] = []
    codes: dict[int, Code] = {}
    open_pairs: dict[tuple, Code] = {}

    def key_of(child, suffix: str = "") -> tuple | None:
        ident = child.get("id")
        return (local_name(child) + suffix, ident) if ident is not None else None

    def walk(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            tag = local_name(child)
            if child.tag is etree.Entity:
                raise FormatError(f"entity reference {child.text} is not allowed", name, child.sourceline)
            if tag in spec.spans:
                letter = spec.spans[tag]
                number = numbering.number(key_of(child), set(codes))
                codes[number] = Code(number, "span", letter, child)
                parts.append(f"<{letter}{number}>")
                walk(child)
                parts.append(f"</{letter}{number}>")
            elif tag in spec.pair_start and not spec.is_isolated(child):
                pair_key = spec.pair_start[tag](child)
                number = numbering.number(("pair", pair_key), set(codes))
                code = Code(number, "pair", "g", child)
                codes[number] = code
                open_pairs[pair_key] = code
                parts.append(f"<g{number}>")
            elif tag in spec.pair_end and not spec.is_isolated(child) and spec.pair_end[tag](child) in open_pairs:
                code = open_pairs.pop(spec.pair_end[tag](child))
                code.close = child
                parts.append(f"</g{code.number}>")
            else:
                number = numbering.number(key_of(child) if tag else None, set(codes))
                codes[number] = Code(number, "single", "x", child)
                parts.append(f"<x{number}/>")
            if child.tail:
                parts.append(child.tail)

    walk(element)
    # A start code whose end is elsewhere (another segment) stands alone here.
    for code in open_pairs.values():
        code.kind, code.letter = "single", "x"
    text = "".join(parts)
    if open_pairs:
        for code in open_pairs.values():
            text = text.replace(f"<g{code.number}>", f"<x{code.number}/>", 1)
    if not preserve and not preserves_space(element):
        text = _SPACES.sub(" ", text).strip()
    return text, codes


def _fresh_copy(element, keep_content: bool):
    new = copy.deepcopy(element)
    new.tail = None
    if not keep_content:
        new.text = None
        for child in list(new):
            new.remove(child)
    return new


def rebuild(element, text: str, codes: dict[int, Code], name: str, line: int | None = None) -> None:
    """Replace the content of ``element`` with ``text``, turning placeholders into codes.

    Placeholders whose number is not a code of the segment are written as literal text.

    Raises:
        FormatError: A wrapping code is closed out of order or not at all.
    """
    element.text = None
    for child in list(element):
        element.remove(child)
    stack = [(element, None)]

    def add_text(value: str) -> None:
        if not value:
            return
        container = stack[-1][0]
        if len(container):
            last = container[-1]
            last.tail = (last.tail or "") + value
        else:
            container.text = (container.text or "") + value

    def add(child) -> None:
        stack[-1][0].append(child)

    position = 0
    try:
        for match in PLACEHOLDER.finditer(text):
            closing, letter, number, selfclosing = match.group(1), match.group(2), int(match.group(3)), match.group(4)
            code = codes.get(number)
            if code is None or code.letter != letter or bool(selfclosing) != (code.kind == "single") or (
                closing and selfclosing
            ):
                continue
            add_text(text[position : match.start()])
            position = match.end()
            if code.kind == "single":
                add(_fresh_copy(code.element, keep_content=True))
            elif code.kind == "pair":
                add(_fresh_copy(code.close if closing else code.element, keep_content=True))
            elif not closing:
                new = _fresh_copy(code.element, keep_content=False)
                add(new)
                stack.append((new, number))
            else:
                if stack[-1][1] != number:
                    raise FormatError(f"inline code <{letter}{number}> is closed out of order in {text!r}", name, line)
                stack.pop()
        add_text(text[position:])
    except ValueError as error:  # lxml refuses characters XML cannot hold
        raise FormatError(f"cannot write {text!r}: {error}", name, line) from None
    if len(stack) > 1:
        raise FormatError(f"inline code <g{stack[-1][1]}> is not closed in {text!r}", name, line)
