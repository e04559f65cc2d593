"""Many segments folded and joined into one UTF-8 buffer, to be scanned at once.

The engine looks for every term of a document in one pass of its automaton
over this buffer instead of one pass per segment, and over UTF-8 bytes rather
than a ``str``: the automaton runs on bytes natively, so that is the faster
scan. The segments are joined by a NUL byte, which no term contains, so no
match can run from one segment into the next; the buffer also starts and ends
with one, so the bytes around any match can be read without bounds checks.

Most MT segments are printable ASCII: for them folding is lowering, a byte
offset is a character offset, and nothing else is kept. Only the others carry
a :class:`~mtfix.core.normalize.Folded` map, and their byte offsets are turned
into character offsets when asked.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from mtfix.core.normalize import Folded, fold

SEPARATOR = "\x00"

# For each byte: 1 if it is a word character (ASCII letters, digits, "_"),
# 2 if it belongs to a non-ASCII character (the caller must look closer), else 0.
WORD_BYTES = bytes(
    1 if chr(b).isalnum() or b == ord("_") else 0 if b < 0x80 else 2 for b in range(256)
)


_CONTROL_BYTES = bytes(range(1, 0x20)) + b"\x7f"
_OTHER_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def _offsets_to_fold(data: bytes) -> list[int]:
    """Where ``data`` has a character that lowering alone does not fold.

    That is control characters and runs of spaces. Each is rare, so each is
    looked for with ``bytes.find``, which is far faster than a regex.
    """
    offsets = []
    for needle in [bytes([b]) for b in set(data.translate(None, _OTHER_BYTES))] + [b"  "]:
        at = data.find(needle)
        while at != -1:
            offsets.append(at)
            at = data.find(needle, at + 2)
    return offsets


class JoinedText:
    """Segments folded for matching (see :mod:`mtfix.core.normalize`) and joined.

    Attributes:
        texts: The segments as given.
        data: ``\\0`` + the folded segments joined by ``\\0`` + ``\\0``, as UTF-8.
        starts: Byte offset in ``data`` of each segment's first byte, plus one
            past the end, so segment ``n`` is ``data[starts[n]:starts[n + 1] - 1]``.
        folds: The :class:`Folded` form of each segment that is not printable
            ASCII with single spaces (the others fold by lowering alone).
    """

    __slots__ = ("texts", "data", "starts", "folds", "_non_ascii")

    def __init__(self, texts: Sequence[str]):
        self.texts = texts
        joined = SEPARATOR.join(texts)
        lengths = list(map(len, texts))
        special = set()
        if not joined.isascii():
            special.update(n for n, text in enumerate(texts) if not text.isascii())
            for number in special:
                lengths[number] = len(texts[number].encode("utf-8"))
        data = f"{SEPARATOR}{joined}{SEPARATOR}".encode("utf-8")
        starts = list(accumulate((length + 1 for length in lengths), initial=1))
        special.update(bisect_right(starts, offset) - 1 for offset in _offsets_to_fold(data))
        folds = {number: fold(texts[number]) for number in sorted(special)}
        if folds:
            pieces = list(texts)
            for number, folded in folds.items():
                pieces[number] = folded.text
                lengths[number] = len(folded.text.encode("utf-8"))
            data = f"{SEPARATOR}{SEPARATOR.join(pieces)}{SEPARATOR}".encode("utf-8")
            starts = list(accumulate((length + 1 for length in lengths), initial=1))
        # Folded texts are lower case already; the others are ASCII, which
        # lowers byte by byte, so offsets stay where they were.
        self.data = data.lower()
        self.starts = starts
        self.folds = folds
        self._non_ascii = {number for number, folded in folds.items() if not folded.text.isascii()}

    def folded(self, number: int) -> Folded:
        """Segment ``number`` folded for matching."""
        found = self.folds.get(number)
        return found if found is not None else Folded(self.texts[number].lower())

    def char_offset(self, number: int, offset: int) -> int:
        """The character offset in the folded segment of its byte ``offset``."""
        if number not in self._non_ascii:
            return offset
        start = self.starts[number]
        return len(self.data[start : start + offset].decode("utf-8"))
