"""Long crash-safety run: SIGKILL a reviewing process hundreds of times, check the workspace each time.

The CI tests (``tests/reliability/test_crash_safety.py``) kill 30 library and 6 UI
reviewers; this script runs as many as asked and prints the figures the README
records: kills survived, actions acknowledged, actions lost (must be 0), kills
that landed during start-up, and in-flight actions that had committed.

Usage::

    python benchmarks/crash_kills.py                      # 300 library kills, 50 UI kills
    python benchmarks/crash_kills.py --library 1000 --ui 100
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "reliability")]

from reliability_harness import run_kills


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=int, default=300, help="kills of a library reviewer")
    parser.add_argument("--ui", type=int, default=50, help="kills of a UI (pilot) reviewer")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lost = 0
    for label, count, ui in (("library", args.library, False), ("ui", args.ui, True)):
        if not count:
            continue
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="mtfix-kills-") as folder:
            stats = run_kills(Path(folder), count, ui=ui, seed=args.seed)
        lost += stats.lost
        print(f"{label:<8} kills survived {stats.kills:>5}  actions acknowledged {stats.acknowledged:>6}  "
              f"lost {stats.lost}  killed during start-up {stats.mid_open_kills}  "
              f"in-flight committed {stats.in_flight_committed}  ({time.perf_counter() - started:.0f} s)",
              flush=True)
        for failure in stats.failures:
            print(f"    {failure}")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
