"""The fix benchmark still runs end to end, so it cannot rot between measurements.

Timings are never asserted: only that every method is measured on a corpus in
which the engine has something to fix.
"""

import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _load_benchmark():
    # benchmarks/ is not an installed package: load the script the way a user runs it.
    spec = importlib.util.spec_from_file_location("bench_fix", REPO / "benchmarks" / "bench_fix.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _row(out: str, entries: str, method: str) -> re.Match | None:
    """The table row of ``method`` at ``entries``; group 1 is MB/s, group 2 the matches.

    A method timed on part of the text is marked with an asterisk.
    """
    number = r"[\d.,]+"
    return re.search(
        rf"^\s*{entries}\s+{number}\s+{re.escape(method)}(?: \*)?\s+({number})\s+{number}\s+({number})",
        out,
        re.MULTILINE,
    )


def test_quick_run_prints_a_row_per_method_and_the_ratios(capsys):
    """A quick run measures every method at each size and prints the ratio table."""
    bench = _load_benchmark()

    assert bench.main(["--quick", "--mb", "0.2"]) == 0

    out = capsys.readouterr().out
    methods = (
        bench.OURS,
        bench.OURS_NEAR,
        bench.OURS_RULES,
        bench.FLASHTEXT,
        bench.BARE,
        bench.FLOOR,
        bench.PREPARED,
        bench.REFERENCE,
        bench.NAIVE,
    )
    for entries in ("100", "1,000"):
        for method in methods:
            row = _row(out, entries, method)
            assert row, f"no {method!r} row for {entries} entries in:\n{out}"
            if method in (bench.OURS, bench.OURS_NEAR, bench.FLASHTEXT, bench.BARE, bench.REFERENCE):
                assert int(row.group(2).replace(",", "")) > 0, (
                    f"{method} found nothing at {entries}"
                )
    assert re.search(r"^\s*1,000\s+[\d.,]+x\s+[\d.,]+x\s+[\d.,]+x\s+[\d.,]+x$", out, re.MULTILINE)
    assert "judged at 10,000 entries" in out


def test_generated_glossaries_and_texts_are_reproducible():
    """The same size and seed give the same data, and smaller glossaries are prefixes."""
    bench = _load_benchmark()

    small, large = bench.make_glossary(50, seed=7), bench.make_glossary(120, seed=7)
    assert small.concepts == large.concepts[:50]
    assert bench.make_text(small, 0.01, seed=7) == bench.make_text(small, 0.01, seed=7)
    keys = [" ".join(t.text.casefold().split()) for c in large.concepts for t in c.terms]
    assert len(keys) == len(set(keys)), "a term belongs to two concepts"


def test_the_engine_a_b_compares_a_revision_with_the_working_tree():
    """ab_fix runs the engine of HEAD and of the working tree in turn and compares their fixes."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.ab_fix", "--entries", "100", "--mb", "0.05", "--rounds", "1",
         "--passes", "1", "--near-misses"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    ).stdout
    assert re.search(r"^round 1  HEAD +[\d.]+ s \([\d.]+ s of CPU\)$", out, re.MULTILINE), out
    assert re.search(r"^round 1  working tree +[\d.]+ s \([\d.]+ s of CPU\)$", out, re.MULTILINE), out
    assert re.search(r"^best: HEAD [\d.]+ s, working tree [\d.]+ s: the working tree is [\d.]+x as fast", out,
                     re.MULTILINE), out
    assert out.rstrip().splitlines()[-1] in ("same fixes", "THE FIXES DIFFER")


def test_the_engine_a_b_counts_instructions_under_valgrind():
    """With --instructions the two engines' passes are counted by callgrind, the same code alike."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.ab_fix", "--instructions", "--entries", "20", "--mb", "0.005"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    ).stdout
    counts = [int(n.replace(",", "")) for n in re.findall(r"^(?:HEAD|working tree) +([\d,]+) instructions a pass$",
                                                           out, re.MULTILINE)]
    assert len(counts) == 2 and all(count > 0 for count in counts), out
    unchanged = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "mtfix"], cwd=REPO).returncode == 0
    if unchanged:  # the same engine on both sides: the same count, but for a few per cent of noise
        assert abs(counts[0] - counts[1]) < 0.05 * counts[0], out
        assert out.rstrip().endswith("same fixes"), out
