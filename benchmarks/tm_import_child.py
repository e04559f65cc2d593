"""The importing process of ``bench_tm.py``: import a TMX file into a new workspace.

Run as its own process, loading only what an import loads, so that its peak memory is an
import's. Prints one JSON line: units, seconds, this process's peak memory and that of the
process that read the file (0 when it was read here).

Usage: ``python benchmarks/tm_import_child.py FILE.tmx WORKSPACE [--here | --child]``
(default: as :meth:`~mtfix.store.memory.TranslationMemory.import_tmx` chooses).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtfix.store.memory import TranslationMemory  # noqa: E402
from mtfix.store.tm_rows import peak_mb  # noqa: E402


def main(argv: list[str]) -> int:
    tmx, db = argv[:2]
    baseline = peak_mb()
    started = time.perf_counter()
    with TranslationMemory(db) as tm:
        in_child = False if "--here" in argv else True if "--child" in argv else None
        result = tm.import_tmx(tmx, in_child=in_child)
    seconds = time.perf_counter() - started
    print(json.dumps({"units": result.added, "seconds": seconds, "peak_mb": peak_mb(), "baseline_mb": baseline,
                      "reader_peak_mb": result.reader_peak_mb}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
