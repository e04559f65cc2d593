"""The fix engine of another revision against the working tree's, taking turns on the same text.

On a shared machine the speed moves by more than most changes gain, so a change to the
engine is judged by running the two engines one after the other, several times, in fresh
processes, each on the same generated glossary and text, and keeping each one's best pass.
The two must also find the same fixes; the last line says whether they did.

With ``--instructions`` each engine runs once under valgrind's callgrind instead, which
counts the instructions of one pass over the text: the same count on every run, whatever else
the machine is doing (a pass is the difference between runs of two passes and of one, so
building the engine and the first, warming pass are not in it).

Run it from the repository root::

    python -m benchmarks.ab_fix                      # HEAD against the working tree
    python -m benchmarks.ab_fix --base HEAD~3 --near-misses --entries 100000
    python -m benchmarks.ab_fix --instructions --entries 1000 --mb 0.5    # about 2 min
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_CHILD = r"""
import hashlib, json, sys, time
root, repo, entries, megabytes, near_misses, passes = sys.argv[1:7]
sys.path.insert(0, root)
import mtfix
assert mtfix.__file__.startswith(root), mtfix.__file__
sys.path.insert(1, repo)
from benchmarks._corpus import make_glossary, make_text, split_segments
from mtfix.core.glossary import FixEngine
glossary = make_glossary(int(entries), 1)
text, _ = make_text(glossary, float(megabytes), 1)
segments = split_segments(text)
engine = FixEngine(glossary, near_misses=near_misses == "1")
chunks = [segments[i : i + 256] for i in range(0, len(segments), 256)]
best = cpu = float("inf")
for _ in range(int(passes)):
    started, used = time.perf_counter(), time.process_time()
    found = [engine.find_fixes_in(chunk) for chunk in chunks]
    best, cpu = min(best, time.perf_counter() - started), min(cpu, time.process_time() - used)
digest = hashlib.sha256(repr([[repr(fix) for fix in fixes] for result in found for fixes in result]).encode())
print(json.dumps({"seconds": best, "cpu": cpu, "fixes": sum(len(f) for r in found for f in r), "digest": digest.hexdigest()}))
"""


def _export(revision: str, into: Path) -> Path:
    """The ``mtfix`` package of ``revision``, unpacked under ``into``."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "mtfix"], cwd=REPO, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as opened:
        # the "data" filter (refusing links and paths out of ``into``) where Python has it
        opened.extractall(into, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return into


def _command(root: Path, args: argparse.Namespace, passes: int) -> list[str]:
    return [sys.executable, "-c", _CHILD, str(root), str(REPO), str(args.entries), str(args.mb),
            "1" if args.near_misses else "0", str(passes)]


def _run(root: Path, args: argparse.Namespace) -> dict:
    out = subprocess.run(_command(root, args, args.passes), check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _instructions(root: Path, args: argparse.Namespace) -> tuple[int, str]:
    """Instructions of one pass of the engine at ``root`` (callgrind), and its fixes' digest."""
    counts = []
    for passes in (1, 2):
        # one hash seed for every run: the order of sets and dicts changes the work done
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                               *_command(root, args, passes)], check=True, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
        counts.append(int(re.search(r"refs:\s+([\d,]+)", done.stderr).group(1).replace(",", "")))
        digest = json.loads(done.stdout.strip().splitlines()[-1])["digest"]
    return counts[1] - counts[0], digest


def _compare_instructions(sides: dict[str, Path], args: argparse.Namespace) -> int:
    counted = {name: _instructions(root, args) for name, root in sides.items()}
    for name, (count, _) in counted.items():
        print(f"{name:<14} {count:,} instructions a pass")
    base, ours = (count for count, _ in counted.values())
    print(f"the working tree runs {base / ours:.3f}x fewer instructions than {args.base} ({args.entries:,} "
          f"entries, {args.mb:g} MB, near misses {'on' if args.near_misses else 'off'})")
    same = len({digest for _, digest in counted.values()}) == 1
    print("same fixes" if same else "THE FIXES DIFFER")
    return 0 if same else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="the revision to compare the working tree with (default HEAD)")
    parser.add_argument("--entries", type=int, default=10_000, help="glossary size (default 10,000)")
    parser.add_argument("--mb", type=float, default=3.0, help="MB of text (default 3)")
    parser.add_argument("--near-misses", action="store_true", help="with near-miss detection on")
    parser.add_argument("--rounds", type=int, default=4, help="turns each engine takes (default 4)")
    parser.add_argument("--passes", type=int, default=3, help="passes over the text in each turn (default 3)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under valgrind instead of timing (slow: use small sizes)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        sides = {args.base: _export(args.base, Path(folder)), "working tree": REPO}
        if args.instructions:
            return _compare_instructions(sides, args)
        results: dict[str, list[dict]] = {name: [] for name in sides}
        for round_number in range(args.rounds):
            for name, root in sides.items():
                result = _run(root, args)
                results[name].append(result)
                print(f"round {round_number + 1}  {name:<14} {result['seconds']:.3f} s "
                      f"({result['cpu']:.3f} s of CPU)", flush=True)
    best = {name: min(r["seconds"] for r in runs) for name, runs in results.items()}
    base, ours = best[args.base], best["working tree"]
    print(f"best: {args.base} {base:.3f} s, working tree {ours:.3f} s: the working tree is "
          f"{base / ours:.2f}x as fast ({args.entries:,} entries, {args.mb:g} MB, near misses "
          f"{'on' if args.near_misses else 'off'})")
    digests = {run["digest"] for runs in results.values() for run in runs}
    print("same fixes" if len(digests) == 1 else "THE FIXES DIFFER")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
