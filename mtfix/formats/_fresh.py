"""What every format needs to write a file from scratch: ids, inline codes, whitespace.

A document exported in another format than its own is a new file built from the
segments (:meth:`mtfix.formats.base.Format.create`). Ids come from the segments where
the target format can hold them, else they are numbers from 1; placeholders
(``<g1>``...``</g1>``, ``<x2/>``, ``<h3>``...``</h3>``) become the target format's own
inline codes where they nest properly, and stay literal text where they do not (a
reviewer may have deleted half a pair: the text is kept rather than refused).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from mtfix.core.placeholders import PLACEHOLDER
from mtfix.formats.base import STATUSES, ExportUnit

__all__ = ["Token", "check_units", "fresh_ids", "inline_tokens", "needs_preserve"]

_SPACES = re.compile(r"[ \t\r\n]+")

Token = tuple[str, str, int]
"""``("text", text, 0)``, ``("open", letter, number)``, ``("close", letter, number)`` or
``("single", "x", number)``."""


def check_units(units: Sequence[ExportUnit]) -> None:
    """Raise ValueError for a status that is not one of :data:`~mtfix.formats.base.STATUSES`."""
    for unit in units:
        if unit.status not in STATUSES:
            raise ValueError(f"unknown status {unit.status!r}: use one of {', '.join(STATUSES)}")


def fresh_ids(ids: Iterable[str], usable: Callable[[str], bool] = bool) -> list[str]:
    """One unique id per unit: its own where ``usable``, else its number from 1.

    Args:
        ids: The segments' ids ("" where they have none).
        usable: Whether the format can hold an id as it is.
    """
    out: list[str] = []
    taken: set[str] = set()
    for number, ident in enumerate(ids, 1):
        candidate = ident if ident and usable(ident) and ident not in taken else str(number)
        while candidate in taken:  # a number some earlier segment already has as its id
            candidate += "_"
        taken.add(candidate)
        out.append(candidate)
    return out


def inline_tokens(text: str) -> list[Token]:
    """``text`` split into plain text and the inline codes its placeholders stand for.

    A placeholder is a code only if it pairs and nests properly (``<g1>``...``</g1>``) or,
    for ``<xN/>``, if its number is not used twice; any other placeholder stays text.
    """
    matches = list(PLACEHOLDER.finditer(text))
    valid: set[int] = set()
    stack: list[tuple[int, str, int]] = []  # (match index, letter, number)
    used: set[int] = set()
    for position, match in enumerate(matches):
        closing, letter, number, empty = match.group(1), match.group(2), int(match.group(3)), match.group(4)
        if letter == "x":
            if empty and not closing and number not in used:
                used.add(number)
                valid.add(position)
        elif closing and not empty:
            if stack and stack[-1][1:] == (letter, number):
                valid.update((stack.pop()[0], position))
        elif not empty and number not in used:
            used.add(number)
            stack.append((position, letter, number))
    tokens: list[Token] = []
    plain: list[str] = []
    start = 0
    for position, match in enumerate(matches):
        if position not in valid:
            continue
        plain.append(text[start : match.start()])
        start = match.end()
        if plain and "".join(plain):
            tokens.append(("text", "".join(plain), 0))
        plain = []
        closing, letter, number = match.group(1), match.group(2), int(match.group(3))
        kind = "single" if letter == "x" else "close" if closing else "open"
        tokens.append((kind, letter, number))
    rest = "".join(plain) + text[start:]
    if rest:
        tokens.append(("text", rest, 0))
    return tokens


def needs_preserve(*texts: str) -> bool:
    """Whether an XML reader that collapses whitespace would change any of ``texts``."""
    return any(_SPACES.sub(" ", t).strip() != t for t in texts)
