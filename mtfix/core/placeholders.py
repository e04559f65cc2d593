"""Inline codes as the review sees them: placeholders that no fix may cross or delete.

Formats with inline markup (XLIFF, TMX) show their codes in the text as
``<g1>``...``</g1>``, ``<h2>``...``</h2>`` and ``<x3/>`` (see
:mod:`mtfix.formats._inline`). The text between paired codes is translatable;
the codes themselves are not.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"<(/?)([gxh])(\d+)(/?)>")
"""A placeholder: groups are the closing slash, the kind, the number, the empty-element slash."""


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the placeholders in ``text`` (cheap when there are none)."""
    if "<" not in text:
        return []
    return [m.span() for m in PLACEHOLDER.finditer(text)]
