"""The real ``mtfix review`` command in a pseudo-terminal: keys in, work kept across runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from mtfix.core.models import SegmentStatus
from mtfix.store.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "dut-international-2022.txt"


def start(document: Path, db: Path) -> pexpect.spawn:
    """``mtfix review`` in a 100x30 terminal, started from the checkout."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    child = pexpect.spawn(
        sys.executable, ["-m", "mtfix", "review", str(document), "--db", str(db)],
        cwd=str(ROOT), env=env, dimensions=(30, 100), encoding="utf-8", timeout=30,
    )
    child.expect("filter: all")  # the status line is drawn: the review is up
    return child


def quit_review(child: pexpect.spawn) -> None:
    child.send("\x11")  # ctrl+q
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_work_survives_quitting_and_reopening(tmp_path):
    """Confirm two segments, quit, reopen: they are confirmed and the review resumes after them."""
    document = tmp_path / "article.txt"
    document.write_bytes(SAMPLE.read_bytes())
    db = tmp_path / "work.sqlite"

    child = start(document, db)
    child.send("c")
    child.expect("1/80")
    child.send("c")
    child.expect("2/80")
    quit_review(child)

    child = start(document, db)
    child.expect("2/80")  # the progress is there again
    child.send("u")  # undo survives the restart
    child.expect("1/80")
    quit_review(child)

    with Workspace(db) as workspace:
        info = workspace.find_document(document)
        states = workspace.segments(info.id)
    assert states[0].status is SegmentStatus.CONFIRMED
    assert states[1].status is not SegmentStatus.CONFIRMED
