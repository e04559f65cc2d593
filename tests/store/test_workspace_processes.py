"""Confirmations survive a killed process, and two processes confirm at once without errors."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from mtfix.core.models import SegmentStatus
from mtfix.store.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from mtfix.core.models import Document, Segment
    from mtfix.store.workspace import Workspace

    db, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    doc = Document(
        segments=tuple(Segment(i, f"{name} sentence number {i} of the burst.", " ") for i in range(count)),
        path=name + ".txt",
    )
    with Workspace(db) as ws:
        doc_id = ws.import_document(doc).id
        for i in range(count):
            ws.set_target(doc_id, i, f"{name} approved sentence {i}.")
            ws.confirm(doc_id, i)
            print(i, flush=True)  # acknowledged: the transaction is committed
    """
)


def run_child(db: Path, name: str, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), name, str(count)],
        cwd=str(db.parent),
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_every_acknowledged_confirmation_survives_sigkill(tmp_path):
    """Killing the process mid-burst loses no acknowledged confirmation; the file opens clean."""
    db = tmp_path / "w.mtfix"
    child = run_child(db, "killed", 5000)
    acknowledged = []
    for line in child.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) == 40:
            os.kill(child.pid, signal.SIGKILL)
            break
    acknowledged.extend(int(line) for line in child.stdout)  # printed before the kill
    child.wait()
    assert child.returncode == -signal.SIGKILL
    assert len(acknowledged) < 5000

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Workspace(db) as ws:
        doc = ws.find_document(tmp_path / "killed.txt")
        segments = ws.segments(doc.id)
        for i in acknowledged:
            assert segments[i].status is SegmentStatus.CONFIRMED
            [match] = ws.memory.exact(segments[i].mt)
            assert match.unit.target == f"killed approved sentence {i}."
        assert ws.can_undo(doc.id)  # the history came through too


def test_two_processes_confirm_into_one_memory_at_once(tmp_path):
    """Two reviewers confirming concurrently lose nothing and never see "database is locked"."""
    db = tmp_path / "w.mtfix"
    Workspace(db).close()
    count = 150
    children = [run_child(db, name, count) for name in ("alpha", "beta")]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert "locked" not in err
        assert len(out.split()) == count
    with Workspace(db) as ws:
        assert len(ws.memory) == 2 * count
        for name in ("alpha", "beta"):
            doc = ws.find_document(tmp_path / f"{name}.txt")
            assert ws.progress(doc.id)[SegmentStatus.CONFIRMED] == count
