"""The multi-pattern matchers on PyPI, scanning what the fix engine scans, in one run.

Why the engine is built on ahocorasick-rs: on the benchmark's glossary (every term of
``make_glossary``, lowered) and text (256 segments joined, lowered, as UTF-8 bytes, as
:mod:`mtfix.core.joined` builds them), each matcher finds the leftmost-longest terms, or all of
them where it has no such mode, and nothing else is done. The other two are not dependencies
of mtfix; install them to compare::

    .venv/bin/pip install pyahocorasick hyperscan
    .venv/bin/python -m benchmarks.bench_scanners            # 10,000 entries, 5 MB
    .venv/bin/python -m benchmarks.bench_scanners --entries 100000

A matcher that is not installed is left out and said so. Each rate is the best of three passes,
the matchers taking turns; the ratio is to ahocorasick-rs in the same run.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ahocorasick_rs import BytesAhoCorasick, MatchKind  # noqa: E402

from benchmarks._corpus import make_glossary, make_text, split_segments  # noqa: E402


def _rust(patterns: list[bytes]) -> Callable[[bytes], int]:
    matcher = BytesAhoCorasick(patterns, matchkind=MatchKind.LeftmostLongest)
    return lambda chunk: len(matcher.find_matches_as_indexes(chunk))


def _pyahocorasick(patterns: list[bytes]) -> Callable[[bytes], int]:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for number, pattern in enumerate(patterns):
        automaton.add_word(pattern.decode("utf-8"), number)
    automaton.make_automaton()
    return lambda chunk: sum(1 for _ in automaton.iter_long(chunk.decode("utf-8")))


def _hyperscan(patterns: list[bytes]) -> Callable[[bytes], int]:
    import hyperscan

    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[re.escape(p.decode("utf-8")).encode("utf-8") for p in patterns],
                     ids=list(range(len(patterns))), elements=len(patterns),
                     flags=[hyperscan.HS_FLAG_SOM_LEFTMOST] * len(patterns))
    found: list[int] = []

    def scan(chunk: bytes) -> int:
        found.clear()
        database.scan(chunk, match_event_handler=lambda *match: found.append(1))
        return len(found)

    return scan


MATCHERS = {
    "ahocorasick-rs, leftmost-longest (ours)": _rust,
    "pyahocorasick, iter_long": _pyahocorasick,
    "hyperscan, every match with its start": _hyperscan,
}


def main(argv: list[str] | None = None) -> int:
    """Time every installed matcher and print MB/s and the ratio to ours."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scanners", description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000, help="glossary entries (default 10,000)")
    parser.add_argument("--mb", type=float, default=5.0, help="MB of text (default 5)")
    args = parser.parse_args(argv)
    glossary = make_glossary(args.entries, 1)
    text, _ = make_text(glossary, args.mb, 1)
    segments = split_segments(text)
    chunks = ["\0".join(segments[i : i + 256]).lower().encode("utf-8") for i in range(0, len(segments), 256)]
    patterns = sorted({t.text.lower().encode("utf-8") for c in glossary.concepts for t in c.terms})
    megabytes = sum(map(len, chunks)) / 1e6
    scans = {}
    for name, build in MATCHERS.items():
        try:
            started = time.perf_counter()
            scans[name] = build(patterns)
            print(f"{name}: built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        except ImportError as error:
            print(f"{name}: not installed ({error.name})", file=sys.stderr)
    best = dict.fromkeys(scans, float("inf"))
    hits = {}
    for _ in range(3):
        for name, scan in scans.items():
            started = time.perf_counter()
            hits[name] = sum(scan(chunk) for chunk in chunks)
            best[name] = min(best[name], time.perf_counter() - started)
    ours = megabytes / best[next(iter(MATCHERS))]
    print(f"{args.entries:,} entries, {len(patterns):,} patterns, {megabytes:.1f} MB in chunks of 256 segments")
    for name in scans:
        rate = megabytes / best[name]
        print(f"  {name:<42} {rate:7.1f} MB/s  {rate / ours:5.2f}x ours  {hits[name]:>9,} matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
