"""Kill-and-check machinery shared by the crash tests and ``benchmarks/crash_kills.py``.

A child process opens a workspace and performs review actions in a loop, either
through the library (:class:`~mtfix.store.workspace.Workspace`) or through the
review UI driven by Textual's pilot. After every committed action it prints one
acknowledgement line: the newest action id and a snapshot of every segment's
(target, status). The parent kills the child with SIGKILL at a random moment,
then checks the file: it opens, passes ``PRAGMA integrity_check``, holds every
acknowledged action, and differs from the last acknowledged snapshot only in
segments touched by the one action that may have been in flight.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

GLOSSARY_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="dut"><langSet xml:lang="en">
<tig><term>Dalian University of Technology</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
<tig><term>Dalian University of Science and Technology</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
</langSet></termEntry>
<termEntry id="colour"><langSet xml:lang="en">
<tig><term>colour</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
<tig><term>color</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
</langSet></termEntry>
</body></text></martif>
"""


def make_document(folder: Path, segments: int = 24) -> Path:
    """A text document whose every sentence is unique and holds two glossary fixes."""
    sentences = [
        f"Sentence {i} names Dalian University of Science and Technology and its color {i * 7}."
        for i in range(segments)
    ]
    path = folder / "article.txt"
    path.write_text(" ".join(sentences[:12]) + "\n\n" + " ".join(sentences[12:]) + "\n", encoding="utf-8")
    (folder / "glossary.tbx").write_text(GLOSSARY_TBX, encoding="utf-8")
    return path


def prepare_workspace(folder: Path, segments: int = 24) -> tuple[Path, Path]:
    """A workspace holding the document with its fixes; returns (workspace, document)."""
    from mtfix.core.glossary import FixEngine
    from mtfix.formats.glossary_files import load_glossaries
    from mtfix.store.workspace import Workspace
    from mtfix.workflow import open_for_review

    document = make_document(folder, segments)
    db = folder / "work.mtfix"
    engine = FixEngine(load_glossaries([folder / "glossary.tbx"]))
    with Workspace(db) as workspace:
        open_for_review(workspace, document, engine)
    return db, document


# --- the children ------------------------------------------------------------------------------

_SNAPSHOT = """
def snapshot(ws, doc_id):
    top = ws.db.connection().execute("SELECT coalesce(max(id), 0) FROM actions").fetchone()[0]
    return {"action": top, "segments": [[s.target, s.status.value] for s in ws.segments(doc_id)]}
"""

LIBRARY_CHILD = _SNAPSHOT + textwrap.dedent(
    """
    import json, random, sys
    from mtfix.store.workspace import Workspace

    db, document, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    with Workspace(db) as ws:
        doc_id = ws.find_document(document).id
        count = len(ws.segments(doc_id))
        n = 0
        while True:
            n += 1
            i = rng.randrange(count)
            kind = rng.choice(["edit", "edit", "confirm", "confirm", "accept", "reject", "rejectseg", "undo", "redo"])
            if kind == "edit":
                ws.set_target(doc_id, i, f"Edit {seed}-{n} of sentence {i}.")
            elif kind == "confirm":
                ws.confirm(doc_id, i)
            elif kind in ("accept", "reject"):
                ws.decide_fixes(doc_id, i, None, accept=kind == "accept")
            elif kind == "rejectseg":
                ws.reject_segment(doc_id, i)
            elif kind == "undo":
                ws.undo(doc_id)
            else:
                ws.redo(doc_id)
            print(json.dumps(snapshot(ws, doc_id)), flush=True)  # acknowledged: committed
    """
)

UI_CHILD = _SNAPSHOT + textwrap.dedent(
    """
    import asyncio, json, random, sys
    from mtfix.store.workspace import Workspace
    from mtfix.tui.app import ReviewApp

    db, document, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    KEYS = ["c", "c", "a", "x", "space", "u", "ctrl+y", "j", "k", "down", "right_square_bracket"]

    async def main():
        ws = Workspace(db)
        doc_id = ws.find_document(document).id
        app = ReviewApp(ws, doc_id)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            while True:
                await pilot.press(rng.choice(KEYS))
                await pilot.pause()
                # What the reviewer saw done is in the file: acknowledge it.
                print(json.dumps(snapshot(ws, doc_id)), flush=True)

    asyncio.run(main())
    """
)


def start_child(script: str, *args: str | Path) -> subprocess.Popen:
    """Run ``script`` in a fresh interpreter with the checkout on its path."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=str(REPO),
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# --- killing and checking ----------------------------------------------------------------------


@dataclass
class KillStats:
    """What a run of kills proved."""

    kills: int = 0
    acknowledged: int = 0
    lost: int = 0
    in_flight_committed: int = 0
    mid_open_kills: int = 0
    failures: list[str] = field(default_factory=list)


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of the file, opened the plain sqlite3 way."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def kill_after(
    child: subprocess.Popen, acks_wanted: int, extra_delay: float, timeout: float = 60, parse=json.loads,
    may_finish: bool = False,
) -> list:
    """Read acknowledgements until ``acks_wanted`` came, wait a little more, SIGKILL; return every ack."""
    acks: list[dict] = []
    deadline = time.monotonic() + timeout
    if acks_wanted == 0:
        time.sleep(extra_delay)  # somewhere in start-up: imports, opening, schema check
    else:
        for line in child.stdout:
            acks.append(parse(line))
            if len(acks) >= acks_wanted or time.monotonic() > deadline:
                break
        time.sleep(extra_delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    rest, err = child.communicate(timeout=30)
    for line in rest.splitlines():  # printed before the kill landed
        if line.strip():
            acks.append(parse(line))
    if child.returncode != -signal.SIGKILL and not (may_finish and child.returncode == 0):
        raise AssertionError(f"the child ended by itself ({child.returncode}) before the kill: {err[-2000:]}")
    return acks


def check_after_kill(db: Path, document: Path, acks: list[dict], before: dict) -> tuple[int, int, dict]:
    """Check the workspace against the acknowledgements.

    Returns:
        (acknowledged actions lost, in-flight actions that committed, the state now).

    Args:
        db: The workspace.
        document: The document under review.
        acks: Every snapshot the killed child acknowledged, in order.
        before: The state the child started from (the last check's snapshot).
    """
    from mtfix.store.workspace import Workspace

    status = integrity(db)
    assert status == "ok", f"integrity_check: {status}"
    with Workspace(db) as ws:
        doc_id = ws.find_document(document).id
        states = ws.segments(doc_id)
        conn = ws.db.connection()
        ids = {row[0] for row in conn.execute("SELECT id FROM actions")}
        last = acks[-1] if acks else before
        lost = sum(1 for ack in acks if ack["action"] not in ids)
        newer = conn.execute("SELECT id FROM actions WHERE id > ?", (last["action"],)).fetchall()
        # One action may have committed between its transaction and its ack line: only it may differ.
        assert len(newer) <= 1, f"{len(newer)} actions newer than the last acknowledgement"
        touched = {
            row[0] for row in conn.execute(
                "SELECT idx FROM revisions WHERE action_id > ?", (last["action"],))
        }
        for index, (target, status_value) in enumerate(last["segments"]):
            state = states[index]
            if index in touched:
                continue
            if (state.target, state.status.value) != (target, status_value):
                lost += 1
        # Every confirmed segment is in the memory with its target.
        for state in states:
            if state.status.value == "confirmed":
                targets = [m.unit.target for m in ws.memory.exact(state.mt)]
                assert state.target in targets, f"segment {state.index} confirmed but not in the memory"
        snapshot = {"action": max(ids, default=0),
                    "segments": [[s.target, s.status.value] for s in states]}
    return lost, len(newer), snapshot


def run_kills(folder: Path, kills: int, *, ui: bool = False, seed: int = 0) -> KillStats:
    """Kill a reviewing child ``kills`` times at random points; check the workspace after each.

    The same workspace carries on from kill to kill, as a translator's would.
    """
    rng = random.Random(seed)
    db, document = prepare_workspace(folder)
    from mtfix.store.workspace import Workspace

    with Workspace(db) as ws:
        doc_id = ws.find_document(document).id
        state = {"action": 0, "segments": [[s.target, s.status.value] for s in ws.segments(doc_id)]}
    stats = KillStats()
    script = UI_CHILD if ui else LIBRARY_CHILD
    for round_number in range(kills):
        child = start_child(script, db, document, rng.randrange(1 << 30))
        if rng.random() < 0.1:
            wanted, delay = 0, rng.uniform(0.0, 0.6 if not ui else 1.5)
            stats.mid_open_kills += 1
        else:
            wanted, delay = rng.randint(1, 25), rng.uniform(0.0, 0.02)
        acks = kill_after(child, wanted, delay)
        lost, in_flight, state = check_after_kill(db, document, acks, state)
        stats.kills += 1
        stats.acknowledged += len(acks)
        stats.lost += lost
        stats.in_flight_committed += in_flight
        if lost:
            stats.failures.append(f"round {round_number}: {lost} acknowledged action(s) lost")
    return stats


def kill_count(default: int, variable: str = "MTFIX_RELIABILITY_KILLS") -> int:
    """``default``, or the number in the environment variable for a long run."""
    value = os.environ.get(variable)
    return int(value) if value else default
