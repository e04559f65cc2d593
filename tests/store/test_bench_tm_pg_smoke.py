"""The memory benchmark's PostgreSQL part still runs end to end (timings are never asserted)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_pg_run_prints_the_word_index_beside_pg_trgm(capsys, pg_server):
    """A tiny run prints the server's lookups, clients, concordance, and every pg_trgm prefilter."""
    spec = importlib.util.spec_from_file_location("bench_tm_pg", REPO / "benchmarks" / "bench_tm.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)

    assert bench.main(["--sizes", "800", "--queries", "8", "--pg", pg_server.url, "--clients", "2",
                       "--client-seconds", "0.2", "--trgm-queries", "4"]) == 0

    out = capsys.readouterr().out
    pg = re.search(r"^\s*800\s+pg\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", out, re.MULTILINE)
    assert pg and float(pg.group(1)) >= 0.9
    assert re.search(r"^\s*800\s+[\d.]+\s+[\d.]+$", out, re.MULTILINE)  # import s, segments/s
    assert re.search(r"^\s*800\s+\d+\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+$", out, re.MULTILINE)  # concordance
    for name in ["word index", *bench.TRGM_VARIANTS]:
        assert re.search(rf"^\s*800\s+{name}\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+", out, re.MULTILINE), name
