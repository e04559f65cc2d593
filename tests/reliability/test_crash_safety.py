"""SIGKILL at random points loses no acknowledged action, half an import, or an old export.

The default counts keep this file around half a minute on two cores; set
``MTFIX_RELIABILITY_KILLS`` (library kills; the UI, import and export runs scale
with it) or run ``benchmarks/crash_kills.py`` for hundreds of kills.
"""

from __future__ import annotations

import random
from pathlib import Path

from reliability_harness import (
    integrity,
    kill_after,
    kill_count,
    run_kills,
    start_child,
)

LIBRARY_KILLS = kill_count(30)
SCALE = LIBRARY_KILLS / 30


def test_review_actions_through_the_library_survive_sigkill(tmp_path):
    """Killed mid-review again and again, the workspace keeps every acknowledged action."""
    stats = run_kills(tmp_path, LIBRARY_KILLS, seed=7)
    print(f"library: {stats}")
    assert stats.kills == LIBRARY_KILLS
    assert stats.acknowledged > LIBRARY_KILLS  # the children did real work between kills
    assert stats.lost == 0, stats.failures


def test_review_actions_through_the_ui_survive_sigkill(tmp_path):
    """Keys pressed in the review UI and shown done are in the file after a SIGKILL."""
    kills = max(6, int(6 * SCALE))
    stats = run_kills(tmp_path, kills, ui=True, seed=11)
    print(f"ui: {stats}")
    assert stats.kills == kills
    assert stats.acknowledged > kills
    assert stats.lost == 0, stats.failures


IMPORT_CHILD = """
import sys
from mtfix.formats.tmx import read_tmx
from mtfix.store.memory import TranslationMemory
with TranslationMemory(sys.argv[1]) as memory:
    print("start", flush=True)
    result = memory.import_units(read_tmx(sys.argv[2]))
    print(f"done {result.added}", flush=True)
"""


def tmx_file(path: Path, round_number: int, units: int) -> Path:
    body = "".join(
        f'<tu><tuv xml:lang="zh"><seg>源 {round_number} 句 {i}</seg></tuv>'
        f'<tuv xml:lang="en"><seg>Round {round_number} sentence {i} of the import.</seg></tuv></tu>\n'
        for i in range(units)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh" '
        f'creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
        f'datatype="plaintext"/><body>\n{body}</body></tmx>\n',
        encoding="utf-8",
    )
    return path


def test_an_interrupted_tmx_import_imports_all_or_nothing(tmp_path):
    """A TMX import killed at any moment leaves the memory as before, or with every unit."""
    from mtfix.core.models import TmUnit
    from mtfix.store.memory import TranslationMemory

    db = tmp_path / "work.mtfix"
    with TranslationMemory(db) as memory:
        memory.add(TmUnit("原来的", "The unit that was there before.", "zh", "en"))
    rng = random.Random(3)
    units = 30_000
    outcomes = {"nothing": 0, "all": 0}
    for round_number in range(max(6, int(6 * SCALE))):
        with TranslationMemory(db) as memory:
            before = len(memory)
        tmx = tmx_file(tmp_path / f"round{round_number}.tmx", round_number, units)
        child = start_child(IMPORT_CHILD, db, tmx)
        assert child.stdout.readline().strip() == "start"
        lines = kill_after(child, 0, rng.uniform(0.0, 2.5), parse=str.strip, may_finish=True)
        done = any(line.startswith("done") for line in lines)
        assert integrity(db) == "ok"
        with TranslationMemory(db) as memory:
            after = len(memory)
            assert after in (before, before + units), f"{after - before} of {units} units imported"
            if after == before + units:
                outcomes["all"] += 1
                assert memory.exact(f"源 {round_number} 句 {units - 1}")
            else:
                assert not done, "the import said it was done but its units are missing"
                outcomes["nothing"] += 1
    print(f"import kills: {outcomes}")


EXPORT_CHILD = """
import itertools, sys
from mtfix.formats.atomic import write_atomically
for version in itertools.count(1):
    write_atomically(sys.argv[1], (f"version {version}\\n" * 300_000).encode())
    print(version, flush=True)
"""


def version_of(data: bytes) -> int:
    """The version a complete export holds; fails on a partial or mixed file."""
    first = data.split(b"\n", 1)[0]
    version = int(first.split()[1])
    assert data == (f"version {version}\n" * 300_000).encode(), "a partial export"
    return version


def test_an_interrupted_export_keeps_the_old_file_whole(tmp_path):
    """Killed mid-export, the output is the last complete export; its leftover goes next time."""
    from mtfix.formats.atomic import write_atomically

    output = tmp_path / "article.cleaned.txt"
    output.write_bytes(("version 0\n" * 300_000).encode())
    rng = random.Random(5)
    leftovers_seen = 0
    for _ in range(max(6, int(6 * SCALE))):
        child = start_child(EXPORT_CHILD, output)
        acks = kill_after(child, rng.randint(0, 3), rng.uniform(0.0, 0.05))
        version = version_of(output.read_bytes())
        last = max(acks, default=0)
        assert version in (last, last + 1) or (not acks and version >= 0)
        leftovers = list(tmp_path.glob(".article.cleaned.txt.*.tmp"))
        leftovers_seen += len(leftovers)
        write_atomically(output, b"next export")  # the next export clears the killed one's temporary
        assert sorted(p.name for p in tmp_path.iterdir()) == ["article.cleaned.txt"]
        output.write_bytes(("version 0\n" * 300_000).encode())
    print(f"export kills: leftover temporary files removed by the next export: {leftovers_seen}")
