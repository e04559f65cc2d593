"""What every translation-memory backend offers (SQLite in a workspace, PostgreSQL for a team).

Callers (the review, ``mtfix tm``, push and pull) use only these methods, so a memory on a
server and one in a file are interchangeable. Contract shared by every backend:

- Scores are ``rapidfuzz.fuzz.ratio`` of the normalised texts (:mod:`mtfix.core.matching`),
  rounded to two decimals, and explanations come from :func:`mtfix.core.matching.explain`:
  the same units give the same scores and explanations on every backend.
- Fuzzy results are best first, equal scores in unit-id order (ids grow with insertion).
- Adding a unit identical to a stored one (same source, target and languages) merges them:
  earliest creation, latest change, highest usage count.
- A backend that cannot reach its storage raises :class:`mtfix.errors.MtfixError` (for a
  server: :class:`mtfix.store.pg_memory.ServerUnreachable`), never a driver exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, runtime_checkable

from mtfix.core.models import TmMatch, TmUnit


@runtime_checkable
class MemoryBackend(Protocol):
    """A translation memory: confirmed (source, target) pairs found again exactly or fuzzily."""

    def close(self) -> None:
        """Release the file or the connections this object opened."""

    def __enter__(self) -> MemoryBackend: ...

    def __exit__(self, *exc) -> None: ...

    def __len__(self) -> int:
        """The number of units."""

    def add(self, unit: TmUnit) -> TmUnit:
        """Store one unit (merged into an identical one if any); returns it with its id."""

    def import_units(self, units: Iterable[TmUnit], *, progress: Callable[[int], None] | None = None):
        """Store many units in one transaction, all or none; returns an ``ImportResult``."""

    def delete(self, unit_id: int) -> bool:
        """Remove one unit; returns whether it existed."""

    def get(self, unit_id: int) -> TmUnit | None:
        """The unit with this id, or None."""

    def units(self, *, source_language: str | None = None, target_language: str | None = None) -> Iterator[TmUnit]:
        """Every unit (optionally of one language pair) in id order, streamed."""

    def units_with_sources(self, hashes: Iterable[int]) -> list[TmUnit]:
        """Every unit whose :func:`~mtfix.core.matching.text_hash` of the source is in ``hashes``."""

    def update_units(self, units: Iterable[TmUnit]) -> int:
        """Overwrite target, origin, dates and usage count of stored units (by id); returns how many."""

    def exact(self, text: str, *, source_language: str | None = None,
              target_language: str | None = None) -> list[TmMatch]:
        """Units whose normalised source is identical to ``text``'s; most recently changed first."""

    def fuzzy(self, text: str, *, source_language: str | None = None, target_language: str | None = None,
              threshold: float = 70.0, limit: int = 5) -> list[TmMatch]:
        """The ``limit`` best units scoring ``threshold`` or more (exact ones included)."""

    def lookup(self, text: str, *, source_language: str | None = None, target_language: str | None = None,
               threshold: float = 70.0, limit: int = 5) -> list[TmMatch]:
        """Exact matches first, then the best fuzzy ones, ``limit`` in all."""

    def search(self, phrase: str, *, source_language: str | None = None, target_language: str | None = None,
               limit: int | None = 100) -> list[TmUnit]:
        """Concordance: units whose source or target contains ``phrase`` (ASCII case ignored)."""

    def stats(self):
        """Counts of units, language pairs, origins and indexed words (a ``MemoryStats``)."""


__all__ = ["MemoryBackend"]
