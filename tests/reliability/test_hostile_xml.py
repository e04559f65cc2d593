"""Every XML reader refuses hostile files cleanly: no expansion, no file read, no connection.

All readers run in one child process (a hang fails on its timeout, not the
suite's); the parent listens on a 127.0.0.1 socket and offers a named pipe, which
the hostile files point at: a connection, or a reader opening the pipe, would
show. The child reports each outcome and its peak memory; it also imports every
hostile TMX into a memory, which must stay as it was.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

from reliability_harness import start_child

SECRET = "SECRET-CONTENT-7f3a"

WRAPPERS = {
    "tmx-import": ("tmx", ('<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>{x}</seg></tuv>'
                          '<tuv xml:lang="de"><seg>ja</seg></tuv></tu></body></tmx>')),
    "tmx-document": ("tmx", ('<tmx version="1.4"><header srclang="en"/><body><tu tuid="1"><tuv xml:lang="en">'
                            '<seg>{x}</seg></tuv><tuv xml:lang="de"><seg>ja</seg></tuv></tu></body></tmx>')),
    "tbx": ("tbx", ('<martif type="TBX" xml:lang="en"><text><body><termEntry id="c1"><langSet xml:lang="en">'
                   '<tig><term>{x}</term></tig></langSet></termEntry></body></text></martif>')),
    "xliff-1.2": ("xlf", ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
                         'source-language="en" target-language="de" datatype="plaintext"><body><trans-unit id="1">'
                         '<source>{x}</source><target>ja</target></trans-unit></body></file></xliff>')),
    "xliff-2.0": ("xlf", ('<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" '
                         'trgLang="de"><file id="f"><unit id="u"><segment><source>{x}</source><target>ja</target>'
                         '</segment></unit></file></xliff>')),
}


def hostile_cases(secret: Path, pipe: Path, port: int) -> dict[str, tuple[str, str, bool]]:
    """name -> (DOCTYPE, text put in the segment/term, whether a clean read is acceptable)."""
    url = f"http://127.0.0.1:{port}"
    laughs = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    return {
        "billion-laughs": (f"<!DOCTYPE r [{laughs}]>", "&j;", False),
        "quadratic-blowup": (f'<!DOCTYPE r [<!ENTITY q "{"Q" * 60_000}">]>', "&q;" * 30_000, False),
        "external-entity-file": (f'<!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>', "&s;", False),
        "external-entity-pipe": (f'<!DOCTYPE r [<!ENTITY s SYSTEM "{pipe}">]>', "&s;", False),
        "external-entity-network": (f'<!DOCTYPE r [<!ENTITY s SYSTEM "{url}/entity">]>', "&s;", False),
        "parameter-entity-file": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>', "hi", False),
        "parameter-entity-network": (f'<!DOCTYPE r [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>', "hi", False),
        "unused-external-entity": (f'<!DOCTYPE r [<!ENTITY s SYSTEM "{url}/unused">]>', "hi", False),
        # A DOCTYPE naming an external DTD is common in real TMX files: they may be read,
        # but the DTD is never fetched.
        "dtd-retrieval-network": (f'<!DOCTYPE r SYSTEM "{url}/tmx14.dtd">', "hi", True),
        "dtd-retrieval-pipe": (f'<!DOCTYPE r SYSTEM "{pipe}">', "hi", True),
        "undeclared-entity": ("", "&nope;", False),
        "deep-nesting": ("", "<g>" * 50_000 + "x" + "</g>" * 50_000, False),
        "invalid-character": ("", "a\x01b", False),
        "invalid-character-reference": ("", "a&#0;b", False),
    }


CHILD = r"""
import json, resource, sys
from pathlib import Path
from mtfix.errors import MtfixError
from mtfix.core.models import TmUnit
from mtfix.formats.tmx import read_tmx
from mtfix.formats.tbx import read_tbx
from mtfix.formats.registry import read_document
from mtfix.formats.glossary_files import load_glossaries
from mtfix.store.memory import TranslationMemory
import mtfix.formats.xliff, mtfix.formats.tmx_document, mtfix.formats._xliff2_rules  # loaded before measuring

cases = json.loads(Path(sys.argv[1]).read_text())
memory = TranslationMemory(sys.argv[2])
memory.add(TmUnit("already there", "schon da", "en", "de"))

def read(reader, path):
    if reader == "tmx-import":
        return memory.import_units(read_tmx(path))
    if reader == "tbx":
        read_tbx(path)
        return load_glossaries([path])
    return read_document(path)

baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for case in cases:
    before = len(memory)
    try:
        result, error = repr(read(case["reader"], case["path"]))[:2000], None
    except MtfixError as e:
        result, error = None, {"type": type(e).__name__, "message": str(e), "ours": True}
    except BaseException as e:
        result, error = None, {"type": type(e).__name__, "message": str(e)[:500], "ours": False}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({**case, "result": result, "error": error, "units_added": len(memory) - before,
                      "peak_growth_kb": peak - baseline}), flush=True)
"""


class Listener:
    """A TCP socket on 127.0.0.1 that counts the connections made to it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.server.close()


class PipeWatch:
    """Notices if anyone opens the named pipe for reading."""

    def __init__(self, pipe: Path):
        self.pipe = pipe
        self.opened = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while not self.stop.is_set():
            try:  # succeeds only while a reader has the pipe open
                fd = os.open(self.pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.001)
                continue
            self.opened += 1
            os.close(fd)

    def close(self):
        self.stop.set()
        self.thread.join()


def test_every_xml_reader_refuses_hostile_files_without_reaching_out(tmp_path):
    """Billion laughs, blow-ups, external entities, DTDs, nesting, bad characters: a clean error each."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    listener = Listener()
    watch = PipeWatch(pipe)
    try:
        cases = []
        for reader, (extension, wrapper) in WRAPPERS.items():
            for name, (doctype, text, may_read) in hostile_cases(secret, pipe, listener.port).items():
                path = tmp_path / f"{reader}-{name}.{extension}"
                root = wrapper.split(" ", 1)[0][1:]
                body = wrapper.replace("{x}", text)
                path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype.replace("DOCTYPE r", "DOCTYPE " + root)}\n{body}\n',
                                encoding="utf-8")
                cases.append({"reader": reader, "case": name, "path": str(path), "may_read": may_read})
            clean = (wrapper.replace("{x}", "hello")).encode()
            for cut in (25, len(clean) // 2, len(clean) - 4):
                path = tmp_path / f"{reader}-truncated-{cut}.{extension}"
                path.write_bytes(b'<?xml version="1.0"?>\n' + clean[:cut])
                cases.append({"reader": reader, "case": f"truncated-{cut}", "path": str(path), "may_read": False})
            path = tmp_path / f"{reader}-huge-attribute.{extension}"
            head, tail = wrapper.split(">", 1)
            path.write_text(head + ' x-huge="' + "A" * 12_000_000 + '">' + tail.replace("{x}", "hi"), encoding="utf-8")
            cases.append({"reader": reader, "case": "huge-attribute", "path": str(path), "may_read": False})
            path = tmp_path / f"{reader}-lone-surrogate.{extension}"
            path.write_bytes(wrapper.replace("{x}", "a").encode().replace(b">a<", b">\xed\xa0\x80<"))
            cases.append({"reader": reader, "case": "lone-surrogate-bytes", "path": str(path), "may_read": False})
        listing = tmp_path / "cases.json"
        listing.write_text(json.dumps(cases))
        child = start_child(CHILD, listing, tmp_path / "memory.mtfix")
        out, err = child.communicate(timeout=300)
    finally:
        listener.close()
        watch.close()
    assert child.returncode == 0, err[-3000:]
    outcomes = [json.loads(line) for line in out.splitlines()]
    assert len(outcomes) == len(cases)
    rejected = 0
    for outcome in outcomes:
        label = f"{outcome['reader']} / {outcome['case']}"
        error = outcome["error"]
        assert SECRET not in json.dumps(outcome), f"{label}: the secret file was read"
        if error is None:
            assert outcome["may_read"], f"{label}: read without complaint: {outcome['result'][:300]}"
        else:
            assert error["ours"], f"{label}: {error['type']}: {error['message']}"
            assert outcome["path"] in error["message"], f"{label}: the error does not name the file"
            assert f"{outcome['path']}:0:" not in error["message"], f"{label}: lines count from 1"
            rejected += 1
        if outcome["reader"] == "tmx-import" and error is not None:
            assert outcome["units_added"] == 0, f"{label}: the memory took units from a refused file"
        assert outcome["peak_growth_kb"] < 400_000, f"{label}: {outcome['peak_growth_kb']} KB"
    assert listener.connections == 0, "a reader connected to the network"
    assert watch.opened == 0, "a reader opened a file named in the XML"
    print(f"\nhostile XML: {len(outcomes)} inputs, {rejected} rejected with an MtfixError, "
          f"{len(outcomes) - rejected} DOCTYPE-only files read without fetching; 0 connections, 0 file reads")
