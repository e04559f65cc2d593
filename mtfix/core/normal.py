"""What "the same text" means for the memory: normalising, hashing, indexed words, language tags.

Standard library only, so that a process that only reads files (the TMX reader of a bulk
import, :mod:`mtfix.store.tm_rows`) loads no more than it needs. :mod:`mtfix.core.matching`
re-exports every name here.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """The form in which two segments are compared: NFC, single spaces, stripped.

    Args:
        text: A segment.
    """
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):  # ASCII is always NFC
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=1024)
def canonical_language(tag: str) -> str:
    """A language tag in its usual case: "eN-uS" -> "en-US", "zh-hant-tw" -> "zh-Hant-TW".

    Args:
        tag: A BCP 47 (or TMX 1.1 style, with ``_``) language tag.
    """
    parts = tag.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            out.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


_SPACES = bytes(32 if c in b" \x01" else 0 if c in b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f" else 33 for c in range(256))
"""A ``bytes.translate`` table (for ASCII): the space and ``"\x01"`` to a space, other white
space (where ``str.split`` cuts too) to ``"\x00"``, anything else to ``"!"``."""


def normalise_many(texts: list[str]) -> list[str]:
    """:func:`normalise` of each text (a bulk import's batch).

    Most texts are already normal: plain ASCII with single spaces between words. One look
    at all the ASCII texts of the batch together finds out; the others, or all of them if
    that look finds an exception, are normalised one by one.

    Args:
        texts: Segments.
    """
    out = list(texts)
    plain = [n for n, text in enumerate(texts) if text.isascii()]
    others = [n for n, text in enumerate(texts) if not text.isascii()] if len(plain) < len(texts) else []
    joined = "\x01".join([texts[n] for n in plain] if others else texts)
    # normal texts joined by "\x01": no white space but single spaces, and no space beside
    # another, at either end, or beside a "\x01" (an empty text gives a false alarm: harmless)
    spaces = joined.encode("ascii").translate(_SPACES)
    if (b"  " in spaces or b"\x00" in spaces or spaces.startswith(b" ") or spaces.endswith(b" ")
            or joined.count("\x01") != len(plain) - 1):
        others += plain
    for n in others:
        out[n] = normalise(texts[n])
    return out


def text_hash(text: str) -> int:
    """A signed 64-bit hash of the normalised text (stable across runs and machines).

    Args:
        text: A segment; it is normalised first.
    """
    return normalised_hash(normalise(text))


def normalised_hash(normalised: str) -> int:
    """:func:`text_hash` of a text already :func:`normalise`-d (saves normalising twice).

    Args:
        normalised: Output of :func:`normalise`.
    """
    from hashlib import blake2b  # here, not at the top: see normalised_hashes

    return int.from_bytes(blake2b(normalised.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def normalised_hashes(normalised: list[str]) -> list[int]:
    """:func:`normalised_hash` of each text (a bulk import's batch), with less overhead."""
    # hashlib loads OpenSSL (4 MB), which the reading process of a bulk import never hashes with
    from hashlib import blake2b

    from_bytes = int.from_bytes
    return [from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)
            for text in normalised]


def index_words(normalised: str) -> set[str]:
    """The distinct case-folded words of an already normalised text.

    Args:
        normalised: Output of :func:`normalise`.
    """
    return set(_WORD.findall(normalised.casefold()))
