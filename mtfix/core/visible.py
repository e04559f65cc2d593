"""Text from documents made safe to show on a terminal: control characters become visible.

A segment, a note or a memory unit may hold an escape sequence (``ESC [ 2 J``
clears the screen, ``ESC ] 0 ;`` retitles the window) or a bidirectional
control such as U+202E, which reorders what the reviewer reads. Shown raw they
act on the terminal instead of being seen. :func:`visible` swaps each for one
visible character, so offsets into the text stay valid for highlighting.
"""

from __future__ import annotations

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Characters that change the direction of the text around them."""

BIDI_MARK = "⇄"
"""What a bidirectional control is shown as."""

C1_MARK = "�"
"""What a C1 control character (U+0080 to U+009F, e.g. the 8-bit CSI) is shown as."""

# C0 controls become their Control Pictures (U+2400 + code: ESC is ␛), DEL is ␡.
_TABLE = {code: 0x2400 + code for code in range(0x20)}
_TABLE[0x7F] = 0x2421
_TABLE.update({code: C1_MARK for code in range(0x80, 0xA0)})
_TABLE.update({ord(c): BIDI_MARK for c in BIDI_CONTROLS})
_KEEP_LAYOUT = {**_TABLE, 0x0A: "\n", 0x09: " ", 0x0D: " "}


def visible(text: str, *, keep_line_breaks: bool = True) -> str:
    """``text`` with every control character shown as one visible character.

    Escape becomes ␛, other C0 controls their Control Pictures (␀, ␇, ␍...),
    DEL ␡, C1 controls �, and bidirectional controls ⇄. Each character maps to
    exactly one, so offsets into ``text`` stay valid. Lone surrogates (from
    undecodable bytes) become � too: they cannot be written to a terminal.

    Args:
        text: Any text from a document, glossary or memory.
        keep_line_breaks: Keep line feeds (and show tabs and carriage returns
            as spaces), for multi-line displays; otherwise they become ␊, ␉ and ␍.
    """
    shown = text.translate(_KEEP_LAYOUT if keep_line_breaks else _TABLE)
    if not shown.isascii() and _has_surrogate(shown):
        shown = "".join(C1_MARK if "\ud800" <= c <= "\udfff" else c for c in shown)
    return shown


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
