"""The memory benchmark still runs end to end (timings are never asserted)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_run_prints_latency_recall_and_ratios(capsys):
    """A tiny run prints a row for our lookup and brute force, and the ratio table."""
    spec = importlib.util.spec_from_file_location("bench_tm", REPO / "benchmarks" / "bench_tm.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)

    assert bench.main(["--sizes", "1500", "--queries", "20"]) == 0

    out = capsys.readouterr().out
    ours = re.search(r"^\s*1,500\s+ours\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", out, re.MULTILINE)
    assert ours and float(ours.group(1)) >= 0.9
    assert re.search(r"^\s*1,500\s+brute\s", out, re.MULTILINE)
    assert re.search(r"^\s*1,500\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d,]+", out, re.MULTILINE)
    # import throughput beside the standard library's parse-only rate, with their ratio
    assert re.search(r"^\s*1,500\s+[\d,]+\s+[\d,]+\s+[\d.]+\s+[\d,]+\s+[\d.]+\s+\d+\s+\d+\s+\d+$",
                     out.split("iterparse")[-1], re.MULTILINE)
