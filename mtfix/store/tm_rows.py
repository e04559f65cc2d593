"""Memory units as rows, in batches: the part of a bulk import that needs no database.

A bulk import (:mod:`.tm_import`) spends its time reading the file, preparing each unit
(normalised source, hash, the words to index it under) and writing rows. This module
prepares; it imports neither SQLite nor numpy, so that it can run, with the TMX reader, in a
lean second process (``python -m mtfix.store.tm_rows``) that sends :class:`RawBatch` es to the
importing process through a pipe. A full pipe stops it, so neither process holds more than
a batch or two, whatever the size of the file.
"""

from __future__ import annotations

import json
import pickle
import re
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO, NamedTuple

from mtfix.core.normal import canonical_language, normalise, normalised_hash
from mtfix.errors import MtfixError

BATCH = 1_000
"""Units prepared (and written) together."""

BREAK = "\x01"
"""Stands between two units' words in :attr:`RawBatch.words`: it is no word itself."""

_WORD = re.compile(r"\w+")
"""A word, as :func:`~mtfix.core.normal.index_words` finds them."""

_ASCII_NON_WORD = str.maketrans({c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")})
"""Every ASCII character that is not part of a word, to a space."""

_ASCII_NON_WORD_KEEP_BREAK = str.maketrans({c: " " for c in range(128)
                                            if not (chr(c).isalnum() or chr(c) in ("_", BREAK))})


class RawBatch(NamedTuple):
    """Units ready to be written, with their words for the index.

    Attributes:
        rows: Per unit, its ``tm_units`` values after the id: source, target, source and
            target language, source hash, origin, created, changed, usage count, notes,
            properties and extra (the last three as JSON).
        lengths: Per unit, the length of its normalised source.
        words: The case-folded words of every unit's normalised source, separated by
            spaces, one unit's from the next by :data:`BREAK` (repeats included).
        read: Units read from the input so far, this batch included.
    """

    rows: list[tuple]
    lengths: list[int]
    words: str
    read: int


def unit_fields(unit) -> tuple:
    """The fields of a :class:`~mtfix.core.models.TmUnit`, in order (``TmUnit(*fields)``)."""
    return (unit.source, unit.target, unit.source_language, unit.target_language, unit.origin, unit.created,
            unit.changed, unit.usage_count, unit.notes, unit.properties, unit.id, unit.extra)


def row_values(fields: tuple, source_hash: int, now: str) -> tuple:
    """A unit's ``tm_units`` values after the id (see :attr:`RawBatch.rows`).

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


def words_of(normalised: list[str]) -> str:
    """The words of each text (as :attr:`RawBatch.words`): ``index_words`` of each, repeats kept.

    Args:
        normalised: Texts already :func:`~mtfix.core.normal.normalise`-d.
    """
    # an ASCII text's words are its runs of [A-Za-z0-9_], lowered: translate and split find
    # them several times faster than the regular expression, which the other texts take
    joined = (" " + BREAK + " ").join(normalised)
    if joined.isascii() and joined.count(BREAK) == len(normalised) - 1:  # one pass for the whole batch
        return joined.lower().translate(_ASCII_NON_WORD_KEEP_BREAK)
    return (" " + BREAK + " ").join([
        text.lower().translate(_ASCII_NON_WORD) if text.isascii() else " ".join(_WORD.findall(text.casefold()))
        for text in normalised
    ])


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
    normalised = [normalise(f[0]) for f in chunk]
    rows = [row_values(f, normalised_hash(n), now) for f, n in zip(chunk, normalised, strict=True)]
    return RawBatch(rows, [len(n) for n in normalised], words_of(normalised), read)


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


def _worker(argv: list[str]) -> int:
    """Read a TMX file; send ("batch", RawBatch fields)..., then ("done", peak MB) or ("error", ...).

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
            pickle.dump(("batch", tuple(batch)), out, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(("done", peak_mb()), out)
    except MtfixError as error:
        pickle.dump(("error", (error.message, error.path, error.line)), out)
    except BrokenPipeError:
        return 1  # the importing process stopped reading
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
