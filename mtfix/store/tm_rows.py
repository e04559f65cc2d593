"""Memory units as rows, in batches: the part of a bulk import that needs no database.

A bulk import (:mod:`.tm_import`) spends its time reading the file, preparing each unit
(normalised source, hash, the words to index it under) and writing rows. This module
prepares; it imports neither SQLite nor numpy, so that it can run, with the TMX reader, in a
lean second process (``python -m mtfix.store.tm_rows``) that sends :class:`RawBatch` es to the
importing process through a pipe. A full pipe (and a short queue behind it) stops it, so
neither process holds more than a few batches, whatever the size of the file.
"""

from __future__ import annotations

import json
import pickle
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from typing import BinaryIO, NamedTuple

from mtfix.core.normal import canonical_language, normalise_many, normalised_hashes
from mtfix.errors import MtfixError

BATCH = 1_000
"""Units prepared (and written) together. Larger batches save a little time (fewer distinct
words per unit to number) and cost memory in both processes: at 1M units bench_tm measured
80 + 44 MB (importing and reading process) with 4,000, when the reading process still
loaded 7 MB of modules it did not need, and 74 + 24 MB with 1,000 without them."""

_WORD = re.compile(r"\w+")
"""A word, as :func:`~mtfix.core.normal.index_words` finds them."""

_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if c >= 128 or c == 1 or chr(c).isalnum() or c == 95 else 32 for c in range(256)
)
"""A ``bytes.translate`` table: ASCII letters to lower case, every other ASCII character that
is not part of a word to a space, but ``\x01`` (which stands between units) kept."""

CODE_TYPE = "I" if array("I").itemsize == 4 else "L"
"""The ``array`` type of :attr:`RawBatch.codes`: unsigned 32-bit."""


class WordNumbers(dict):
    """Word -> number, numbering a new word as it comes (here and in the index builder)."""

    def __missing__(self, word) -> int:
        number = self[word] = len(self)
        return number


class RawBatch(NamedTuple):
    """Units read, with their normalised sources and their words for the index.

    Attributes:
        fields: Per unit, its fields (:func:`unit_fields`).
        normalised: Per unit, its normalised source (mostly the source itself).
        words: The distinct words of the batch; ``words[k - 1]`` is word number ``k``.
        codes: The case-folded words of every unit's normalised source, in order, repeats
            included, as their numbers (unsigned 32-bit, this machine's byte order); a 0
            stands between one unit's words and the next's.
        read: Units read from the input so far, this batch included.
    """

    fields: list[tuple]
    normalised: list[str]
    words: list[str]
    codes: bytes
    read: int


def rows_of(batch: RawBatch, now: str) -> list[tuple]:
    """The ``tm_units`` values (after the id) of a batch's units, as :func:`row_values`.

    Done by the importing process: with the file read in a second one, this evens out the
    work of the two.
    """
    return [row_values(f, h, now) for f, h in zip(batch.fields, normalised_hashes(batch.normalised), strict=True)]


def unit_fields(unit) -> tuple:
    """The fields of a :class:`~mtfix.core.models.TmUnit`, in order (``TmUnit(*fields)``)."""
    return (unit.source, unit.target, unit.source_language, unit.target_language, unit.origin, unit.created,
            unit.changed, unit.usage_count, unit.notes, unit.properties, unit.id, unit.extra)


def row_values(fields: tuple, source_hash: int, now: str) -> tuple:
    """A unit's ``tm_units`` values after the id: source, target, source and target language,
    source hash, origin, created, changed, usage count, notes, properties and extra (the last
    three as JSON).

    Args:
        fields: The unit, as :func:`unit_fields`.
        source_hash: :func:`~mtfix.core.normal.normalised_hash` of its normalised source.
        now: Its creation time if it has none.
    """
    (source, target, source_language, target_language, origin, created, changed, usage, notes, properties,
     _, extra) = fields
    created = created or now
    return (
        source,
        target,
        canonical_language(source_language),
        canonical_language(target_language),
        source_hash,
        origin,
        created,
        changed or created,
        usage,
        json.dumps(list(notes), ensure_ascii=False) if notes else "[]",
        json.dumps([list(p) for p in properties], ensure_ascii=False) if properties else "[]",
        json.dumps(extra, ensure_ascii=False, separators=(",", ":")) if extra else "{}",
    )


def number_words(normalised: list[str]) -> tuple[list[str], bytes]:
    """The words of each text, numbered (as :attr:`RawBatch.words` and :attr:`RawBatch.codes`):
    ``index_words`` of each, repeats kept.

    Args:
        normalised: Texts already :func:`~mtfix.core.normal.normalise`-d.
    """
    # an ASCII text's words are its runs of [A-Za-z0-9_], lowered: one translate of the
    # whole batch's bytes finds them several times faster than the regular expression, which
    # the other texts take (their words, joined by spaces, pass the translate unchanged)
    parts = [text if text.isascii() else " ".join(_WORD.findall(text.casefold())) for text in normalised]
    joined = " \x01 ".join(parts)
    if joined.count("\x01") != len(parts) - 1:  # a text holds the separator: it is no word
        joined = " \x01 ".join(part.replace("\x01", " ") for part in parts)
    numbers = WordNumbers({b"\x01": 0})
    codes = array(CODE_TYPE, map(numbers.__getitem__, joined.encode("utf-8").translate(_WORD_BYTES).split()))
    words = [word.decode("utf-8") for word in numbers]
    return words[1:], codes.tobytes()


def prepare(fields: Iterable[tuple], now: str, size: int = BATCH) -> Iterator[RawBatch]:
    """Units (as :func:`unit_fields` tuples) in prepared batches of ``size``.

    Args:
        fields: The units.
        now: The time given to units without a creation date.
        size: Units per batch.
    """
    read = 0
    chunk: list[tuple] = []
    for item in fields:
        chunk.append(item)
        if len(chunk) >= size:
            read += len(chunk)
            yield _prepare(chunk, now, read)
            chunk = []
    if chunk:
        read += len(chunk)
        yield _prepare(chunk, now, read)


def _prepare(chunk: list[tuple], now: str, read: int) -> RawBatch:
    normalised = normalise_many([f[0] for f in chunk])
    words, codes = number_words(normalised)
    return RawBatch(chunk, normalised, words, codes, read)


# --- the reading process ------------------------------------------------------------------


class _Named:
    """A binary stream under the name errors should give."""

    def __init__(self, stream: BinaryIO, name: str):
        self.stream = stream
        self.name = name

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)


def peak_mb() -> float:
    """This process's peak resident memory (MB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def send(out: BinaryIO, message: tuple) -> None:
    """Write one message to the importing process: its length (8 bytes, little-endian), then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "little"))
    out.write(data)


def _worker(argv: list[str]) -> int:
    """Read a TMX file; :func:`send` ("batch", RawBatch fields)..., then ("done", peak MB) or ("error", ...).

    Arguments: the file (``-`` for standard input), its name for messages, the time for
    undated units, the source and target language to keep (empty for all).
    """
    from mtfix.formats.tmx import read_tmx_fields

    try:  # started by vfork, this process's peak would count the parent's memory: reset it
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        pass
    where, name, now, source_language, target_language = argv
    out = sys.stdout.buffer
    source = _Named(sys.stdin.buffer, name) if where == "-" else where
    try:
        fields = read_tmx_fields(source, source_language=source_language or None,
                                 target_language=target_language or None)
        for batch in prepare(fields, now):
            send(out, ("batch", tuple(batch)))
        send(out, ("done", peak_mb()))
    except MtfixError as error:
        send(out, ("error", (error.message, error.path, error.line)))
    except BrokenPipeError:
        return 1  # the importing process stopped reading
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
