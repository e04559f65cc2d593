"""Long fuzzing run of every reader: arbitrary and mutated bytes, MtfixError or success only.

The CI run (``tests/reliability/test_fuzz.py``) tries 150 inputs per reader; this
one tries as many as asked (hypothesis, no example database) and prints, per
reader, the inputs tried, how many were read and how many refused with an
MtfixError, and any other exception (a bug) with the input that raised it.

Usage::

    python benchmarks/fuzz_readers.py                    # 20,000 inputs per reader
    python benchmarks/fuzz_readers.py --examples 200000  # longer
    python benchmarks/fuzz_readers.py --readers tmx,po   # some readers only
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "reliability")]

from hypothesis import HealthCheck, given, settings
from reader_fuzzing import inputs, readers

from mtfix.errors import MtfixError


def fuzz(name: str, read, examples: int) -> tuple[Counter, list[tuple[str, bytes]]]:
    """Run ``examples`` inputs through ``read``; count outcomes, keep every crash."""
    counts: Counter = Counter()
    crashes: list[tuple[str, bytes]] = []

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs(name))
    def run(data: bytes) -> None:
        counts["tried"] += 1
        try:
            read(data)
        except MtfixError:
            counts["refused"] += 1
        except Exception as error:  # noqa: BLE001 - a crash is what we are looking for
            counts["crashed"] += 1
            crashes.append((f"{type(error).__name__}: {error}"[:200], data[:200]))
        else:
            counts["read"] += 1

    run()
    return counts, crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="inputs per reader")
    parser.add_argument("--readers", default="", help="comma-separated reader names (default: all)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # readers warn about odd files: the counts say enough
    available = readers()
    chosen = args.readers.split(",") if args.readers else sorted(available)
    print(f"{'reader':<14} {'tried':>9} {'read':>9} {'refused':>9} {'crashed':>8} {'seconds':>8}")
    total, failed = 0, False
    for name in chosen:
        started = time.perf_counter()
        counts, crashes = fuzz(name, available[name], args.examples)
        total += counts["tried"]
        print(f"{name:<14} {counts['tried']:>9,} {counts['read']:>9,} {counts['refused']:>9,} "
              f"{counts['crashed']:>8,} {time.perf_counter() - started:>8.1f}", flush=True)
        for message, data in crashes[:5]:
            failed = True
            print(f"    {message}\n    input: {data!r}")
    print(f"total inputs tried: {total:,}; {'CRASHES FOUND' if failed else 'no exception outside MtfixError'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
