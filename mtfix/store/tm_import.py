"""Bulk memory imports: prepared batches numbered for the index; TMX read in a second process.

:mod:`.tm_rows` prepares units (rows, and their words numbered); :func:`numbered` turns a
batch's word numbers into the sorted (unit, word) pairs that
:meth:`~.tm_index.IndexBuilder.add_batch` takes, dropping repeats. :class:`TmxBatches` runs
the TMX reader and :mod:`.tm_rows` in a child process, so on a machine with two cores the
two share the work: the child reads and prepares, the importing process writes and indexes.

Nothing about an import's guarantees changes: the importing process still writes
everything in its one transaction, and a reading error in the child (with its line) is
raised here as the same :class:`~mtfix.errors.FormatError`, so nothing is imported.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

try:
    import fcntl
except ImportError:  # not on Windows: the pipe keeps its default size
    fcntl = None

from mtfix.errors import FormatError, MtfixError
from mtfix.store import tm_rows

PIPE_BYTES = 1 << 20
"""The pipe from the reading process holds this much (Linux lets any process ask for 1 MB)."""

QUEUED = 2
"""Messages of the reading process held here beyond the pipe, not yet taken (a few MB)."""


def spare_core() -> bool:
    """Whether a second process would have a core to itself (more than one core, and the
    load of the last minute leaves one free): reading in a child only pays when it does."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2:
        return False
    try:
        return os.getloadavg()[0] <= cores - 1
    except (AttributeError, OSError):  # no load average here
        return True


class UnitBatch(NamedTuple):
    """A :class:`~.tm_rows.RawBatch` as rows, with its words numbered.

    Attributes:
        rows: Per unit, its ``tm_units`` values after the id (:func:`.tm_rows.rows_of`).
        lengths: Per unit, the length of its normalised source.
        words: The distinct words of the batch; ``words[k - 1]`` is word number ``k``.
        word_numbers: Per (unit, distinct word of it): the word's number, from 1.
        unit_numbers: Per (unit, distinct word of it): the unit's place in ``rows``;
            ascending.
        read: Units read from the input so far, this batch included.
    """

    rows: list[tuple]
    lengths: np.ndarray
    words: list[str]
    word_numbers: np.ndarray
    unit_numbers: np.ndarray
    read: int


def numbered(batch: tm_rows.RawBatch, now: str) -> UnitBatch:
    """A batch's rows, and each unit's distinct words (as :func:`~mtfix.core.normal.index_words`)
    from its word codes.

    Args:
        batch: Units read and prepared.
        now: The time given to units without a date.
    """
    codes = np.frombuffer(batch.codes, dtype=np.uint32).astype(np.int64)
    breaks = codes == 0
    keys = (np.cumsum(breaks) << 32) | codes
    keys = np.sort(keys[~breaks])
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    lengths = np.fromiter(map(len, batch.normalised), dtype=np.int64, count=len(batch.normalised))
    return UnitBatch(tm_rows.rows_of(batch, now), lengths, batch.words, (keys & 0xFFFFFFFF).astype(np.uint32),
                     (keys >> 32).astype(np.uint32), batch.read)


def prepare(fields: Iterable[tuple], now: str) -> Iterator[UnitBatch]:
    """Units (as :func:`.tm_rows.unit_fields` tuples) prepared and numbered, a batch at a time."""
    return (numbered(batch, now) for batch in tm_rows.prepare(fields, now))


class TmxBatches:
    """The units of a TMX file, read and prepared in a child process, in batches.

    Iterating starts the process; afterwards :attr:`reader_peak_mb` is its peak memory.

    Args:
        source: The file's path, or an open binary stream (copied to the child by a thread,
            so a stream that counts what is read from it still does).
        now: The time given to units without a date.
        source_language: As :func:`mtfix.formats.tmx.read_tmx`.
        target_language: As :func:`mtfix.formats.tmx.read_tmx`.

    Raises:
        FormatError: What :func:`~mtfix.formats.tmx.read_tmx` raises, with its line.
        MtfixError: The reading process failed in another way.
    """

    def __init__(self, source: str | Path | BinaryIO, *, now: str, source_language: str | None = None,
                 target_language: str | None = None):
        self.source = source
        self.now = now
        self.source_language = source_language
        self.target_language = target_language
        self.reader_peak_mb = 0.0

    def __iter__(self) -> Iterator[UnitBatch]:
        source, now = self.source, self.now
        source_language, target_language = self.source_language, self.target_language
        is_stream = hasattr(source, "read")
        name = str(getattr(source, "name", "<stream>")) if is_stream else str(source)
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "mtfix.store.tm_rows", "-" if is_stream else name, name, now,
                   source_language or "", target_language or ""]
        with tempfile.TemporaryFile() as errors:
            child = subprocess.Popen(command, stdin=subprocess.PIPE if is_stream else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=errors, env=env)
            if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
                try:  # room for a batch in the pipe, so the reader reads on while this process writes
                    fcntl.fcntl(child.stdout.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
                except OSError:
                    pass
            pump = None
            if is_stream:
                pump = threading.Thread(target=_pump, args=(source, child.stdin), daemon=True)
                pump.start()
            # a thread empties the pipe into a short queue, so the reader reads on while this
            # process writes, whichever is ahead for a moment
            messages: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
            stop = threading.Event()
            drain = threading.Thread(target=_drain, args=(child.stdout, messages, stop), daemon=True)
            drain.start()
            finished = False
            try:
                while True:
                    message = messages.get()
                    if message is None:
                        child.wait()
                        errors.seek(0)
                        detail = errors.read().decode("utf-8", "replace").strip().splitlines()
                        raise MtfixError(f"the reading process stopped ({detail[-1] if detail else child.returncode})",
                                         name) from None
                    kind, payload = pickle.loads(message)
                    if kind == "batch":
                        yield numbered(tm_rows.RawBatch(*payload), now)
                    elif kind == "error":
                        message, path, line = payload
                        raise FormatError(message, path, line)
                    else:
                        self.reader_peak_mb = payload
                        finished = True
                        return
            finally:
                stop.set()
                if not finished and child.poll() is None:
                    child.kill()  # an error, or the caller stopped: no need to read further
                child.wait()
                drain.join()
                child.stdout.close()
                if pump is not None:
                    pump.join()


def _drain(pipe: BinaryIO, messages: queue.Queue, stop: threading.Event) -> None:
    """Move the reading process's messages (:func:`.tm_rows.send`) to ``messages``; None at the end."""
    try:
        while not stop.is_set():
            head = pipe.read(8)
            message = pipe.read(int.from_bytes(head, "little")) if len(head) == 8 else b""
            if not message or not _put(messages, message, stop):
                break
    except (OSError, ValueError):
        pass  # the pipe was closed: this process stopped the reading
    _put(messages, None, stop)


def _put(messages: queue.Queue, item: bytes | None, stop: threading.Event) -> bool:
    """Put ``item`` in the queue as soon as there is room, unless ``stop`` is set first."""
    while not stop.is_set():
        try:
            messages.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _pump(stream: BinaryIO, pipe) -> None:
    try:
        while chunk := stream.read(1 << 20):
            pipe.write(chunk)
    except (BrokenPipeError, OSError, ValueError):
        pass  # the child stopped early (an error it reports itself) or was stopped
    finally:
        try:
            pipe.close()
        except (BrokenPipeError, OSError):
            pass
