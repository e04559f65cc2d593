"""Two and four processes on one workspace and memory: confirming, importing, looking up at once.

Each worker reviews its own document in the shared workspace, imports small TMX
files into the shared memory and looks segments up, for a bounded time, printing
an acknowledgement after each committed write. Afterwards every acknowledged
write is in the file, no worker met "database is locked", and every worker's
lookups kept answering (with the right unit). Throughput is printed, never asserted.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from reliability_harness import integrity, start_child

SECONDS = float(os.environ.get("MTFIX_RELIABILITY_SECONDS", "4"))
SEGMENTS = 120

WORKER = textwrap.dedent(
    """
    import json, random, sys, time
    from mtfix.formats.tmx import read_tmx
    from mtfix.store.workspace import Workspace

    db, name, document, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    rng = random.Random(name)
    ack = lambda **fields: print(json.dumps(fields), flush=True)
    with Workspace(db) as ws:
        doc_id = ws.find_document(document).id
        count = len(ws.segments(doc_id))
        deadline = time.monotonic() + seconds
        round_number = lookups = 0
        while time.monotonic() < deadline:
            round_number += 1
            i = round_number % count
            target = f"{name} approved {i} in round {round_number}."
            ws.set_target(doc_id, i, target)
            ws.confirm(doc_id, i)
            ack(op="confirm", index=i, target=target)
            mt = ws.segment(doc_id, i).mt
            found = [m.unit.target for m in ws.memory.lookup(mt)]
            if target not in found:
                ack(op="wrong-lookup", index=i, found=found)
            fuzzy = ws.memory.fuzzy(mt.replace("sentence", "sentences"), threshold=60)
            lookups += 2
            if round_number % 7 == 0:
                tmx = f"{document}.{round_number}.tmx"
                units = "".join(
                    f'<tu><tuv xml:lang="zh"><seg>{name} 源 {round_number} {k}</seg></tuv>'
                    f'<tuv xml:lang="en"><seg>{name} imported {round_number} {k}</seg></tuv></tu>'
                    for k in range(50)
                )
                with open(tmx, "w", encoding="utf-8") as f:
                    f.write('<tmx version="1.4"><header srclang="zh"/><body>' + units + "</body></tmx>")
                result = ws.memory.import_units(read_tmx(tmx))
                ack(op="import", round=round_number, added=result.added)
        ack(op="end", rounds=round_number, lookups=lookups)
    """
)


def make_documents(folder: Path, names: list[str]) -> list[Path]:
    from mtfix.core.glossary import FixEngine
    from mtfix.core.models import Glossary
    from mtfix.store.workspace import Workspace
    from mtfix.workflow import open_for_review

    engine = FixEngine(Glossary(()))
    paths = []
    with Workspace(folder / "work.mtfix") as workspace:
        for name in names:
            path = folder / f"{name}.txt"
            path.write_text(
                " ".join(f"The {name} sentence number {i} goes here." for i in range(SEGMENTS)) + "\n",
                encoding="utf-8",
            )
            open_for_review(workspace, path, engine)
            paths.append(path)
    return paths


@pytest.mark.parametrize("workers", [2, 4])
def test_processes_share_a_workspace_without_losing_writes(tmp_path, workers):
    """N processes confirm, import and look up at once: nothing lost, never "database is locked"."""
    from mtfix.store.workspace import Workspace

    names = [f"worker{n}" for n in range(workers)]
    documents = make_documents(tmp_path, names)
    db = tmp_path / "work.mtfix"
    children = [start_child(WORKER, db, name, doc, SECONDS) for name, doc in zip(names, documents)]
    results = [child.communicate(timeout=SECONDS + 120) for child in children]

    confirmed = imports = lookups = 0
    with Workspace(db) as ws:
        for name, document, child, (out, err) in zip(names, documents, children, results):
            assert child.returncode == 0, err[-3000:]
            assert "locked" not in err and "Traceback" not in err, err[-3000:]
            acks = [json.loads(line) for line in out.splitlines()]
            assert acks and acks[-1]["op"] == "end", "the worker did not finish its run"
            assert not [a for a in acks if a["op"] == "wrong-lookup"], "a lookup missed a confirmed unit"
            doc_id = ws.find_document(document).id
            states = ws.segments(doc_id)
            last_target = {}
            for ack in acks:
                if ack["op"] == "confirm":
                    last_target[ack["index"]] = ack["target"]
                    confirmed += 1
                elif ack["op"] == "import":
                    imports += 1
                    assert ack["added"] == 50
                    assert ws.memory.exact(f"{name} 源 {ack['round']} 49")
            for index, target in last_target.items():  # no write lost
                assert states[index].target == target
                assert states[index].status.value == "confirmed"
                assert target in [m.unit.target for m in ws.memory.exact(states[index].mt)]
            assert acks[-1]["lookups"] > 0
            lookups += acks[-1]["lookups"]
    assert integrity(db) == "ok"
    print(
        f"\n{workers} writers held for {SECONDS:.0f} s: {confirmed} confirmations "
        f"({confirmed / SECONDS:.0f}/s), {imports} TMX imports, {lookups} lookups ({lookups / SECONDS:.0f}/s), "
        "0 lost, 0 'database is locked'"
    )
