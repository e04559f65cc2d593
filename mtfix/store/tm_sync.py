"""Moving units between two memories (``mtfix tm push`` and ``mtfix tm pull``).

Units are matched by their normalised source and languages (the source hash of
:func:`mtfix.core.matching.text_hash`, checked against the text):

- no unit there: the unit is added;
- a unit with the same target: merged (earliest creation, latest change, highest usage);
- only units with other targets: a **conflict**. The most recently changed of them is
  compared with the incoming unit: the later ``changed`` date wins (the incoming unit
  overwrites that unit's target, or is dropped); every conflict is reported either way.

Work goes in batches of :data:`BATCH` units, each one transaction on the receiving side, so
an interrupted push can simply be run again.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from mtfix.core.matching import normalise, text_hash
from mtfix.core.models import TmUnit
from mtfix.store.memory_base import MemoryBackend

BATCH = 2000


@dataclass(frozen=True, slots=True)
class Conflict:
    """One source translated differently on both sides.

    Attributes:
        source: The source text.
        incoming: The target sent.
        incoming_changed: When it was last changed.
        stored: The target the receiving memory had.
        stored_changed: When that one was last changed.
        winner: ``"incoming"`` (it overwrote the stored one) or ``"stored"`` (it was kept).
    """

    source: str
    incoming: str
    incoming_changed: str
    stored: str
    stored_changed: str
    winner: str


@dataclass(slots=True)
class MergeResult:
    """What a push or pull did.

    Attributes:
        added: Units added.
        merged: Units already there with the same target (dates and usage merged).
        unchanged: Of those, the ones where nothing needed to change.
        conflicts: Sources translated differently on both sides, in the order met.
    """

    added: int = 0
    merged: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def overwritten(self) -> int:
        """Conflicts the incoming unit won."""
        return sum(1 for c in self.conflicts if c.winner == "incoming")


def _key(unit: TmUnit) -> tuple[str, str, str]:
    return normalise(unit.source), unit.source_language, unit.target_language


def _batches(units: Iterable[TmUnit]) -> Iterator[list[TmUnit]]:
    iterator = iter(units)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def merge_into(
    source: MemoryBackend,
    target: MemoryBackend,
    *,
    source_language: str | None = None,
    target_language: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> MergeResult:
    """Copy every unit of ``source`` into ``target``, merging by source; latest change wins.

    Args:
        source: The memory read (unchanged).
        target: The memory written.
        source_language: Only units with this source language.
        target_language: Only units with this target language.
        progress: Called with the number of units read after every batch.
    """
    result = MergeResult()
    read = 0
    units = source.units(source_language=source_language, target_language=target_language)
    for batch in _batches(units):
        stored: dict[tuple, list[TmUnit]] = defaultdict(list)
        for unit in target.units_with_sources(text_hash(u.source) for u in batch):
            stored[_key(unit)].append(unit)
        new: list[TmUnit] = []
        updates: dict[int, TmUnit] = {}
        for unit in batch:
            there = [updates.get(u.id, u) for u in stored.get(_key(unit), [])]
            same = next((u for u in there if u.target == unit.target), None)
            if same is not None:
                result.merged += 1
                merged = dataclasses.replace(
                    same, created=min(same.created, unit.created), changed=max(same.changed, unit.changed),
                    usage_count=max(same.usage_count, unit.usage_count))
                if merged == same:
                    result.unchanged += 1
                else:
                    updates[same.id] = merged
            elif not there:
                new.append(dataclasses.replace(unit, id=None))
            else:
                latest = max(there, key=lambda u: (u.changed, u.id))
                wins = unit.changed > latest.changed
                result.conflicts.append(Conflict(unit.source, unit.target, unit.changed, latest.target,
                                                 latest.changed, "incoming" if wins else "stored"))
                if wins:
                    updates[latest.id] = dataclasses.replace(
                        latest, target=unit.target, changed=unit.changed, origin=unit.origin,
                        usage_count=max(latest.usage_count, unit.usage_count))
        if new:
            result.added += target.import_units(new).added
        if updates:
            target.update_units(updates.values())
        read += len(batch)
        if progress:
            progress(read)
    return result


__all__ = ["BATCH", "Conflict", "MergeResult", "merge_into"]
