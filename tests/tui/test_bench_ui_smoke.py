"""The UI benchmark still runs end to end, so it cannot rot between measurements.

Timings are never asserted: only that each figure is measured and reported.
"""

import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _load_benchmark():
    # benchmarks/ is not an installed package: load the script the way a user runs it.
    spec = importlib.util.spec_from_file_location("bench_ui", REPO / "benchmarks" / "bench_ui.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_quick_run_reports_open_and_keypress_times(capsys, tmp_path):
    """A quick run opens both documents in the review app, times every kind of key and judges the goals."""
    bench = _load_benchmark()

    assert bench.main(["--quick", "--cache", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    number = r"[\d.]+"
    for segments in ("100", "2,000"):
        assert re.search(rf"^\s+{segments}(\s+{number}){{2}}\s+\d+$", out, re.M), f"no open row for {segments}"
        assert re.search(rf"^\s+{segments}(\s+{number}){{9}}$", out, re.M), f"no key row for {segments}"
    for goal in ("open <= 1.5 s median", "next segment <= 50 ms median", "toggle fix <= 50 ms median"):
        assert re.search(rf"^  {re.escape(goal)}: {number} m?s, (met|NOT met)$", out, re.M), goal
