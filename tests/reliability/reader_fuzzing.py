"""Every reader of mtfix, callable on raw bytes, and the bytes to throw at them.

Shared by ``test_fuzz.py`` (a CI-sized run) and ``benchmarks/fuzz_readers.py``
(a long one). A reader may accept the bytes or raise an :class:`MtfixError`;
anything else is a bug.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

SEEDS = {
    "text": b"First sentence. Second one!\r\n\r\nNew paragraph.\n",
    "tsv": b"source\ttarget\nEin Satz.\tA sentence.\n\"quoted\ttab\"\tx\n",
    "csv": b'source,target\n"Ein, Satz",A sentence.\nb,c\n',
    "po": b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\nmsgid "a"\n'
          b'msgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "bs"\n',
    "xliff": b'<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
             b'<file original="a" source-language="en" target-language="de" datatype="plaintext"><body>'
             b'<trans-unit id="1"><source>a <g id="1">b</g></source><target state="translated">c</target>'
             b'</trans-unit></body></file></xliff>',
    "tmx": b'<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body><tu tuid="1">'
           b'<tuv xml:lang="en"><seg>a <bpt i="1">&lt;b&gt;</bpt>b</seg></tuv><tuv xml:lang="de"><seg>c</seg>'
           b'</tuv></tu></body></tmx>',
    "tbx": b'<?xml version="1.0"?><martif type="TBX" xml:lang="en"><text><body><termEntry id="c1">'
           b'<langSet xml:lang="en"><tig><term>colour</term><termNote type="administrativeStatus">'
           b'preferredTerm-admn-sts</termNote></tig></langSet></termEntry></body></text></martif>',
    "csv-glossary": b"term,status,concept\ncolour,preferred,c1\ncolor,deprecated,c1\n",
    "toml-rules": b'[[rule]]\nid = "space"\npattern = "a +b"\nreplacement = "a b"\nmust_match = ["a  b"]\n'
                  b'must_not_match = ["ab"]\n\n[[concept]]\npreferred = "colour"\ndeprecated = ["color"]\n',
}
SEEDS["tmx-import"] = SEEDS["tmx"]


def _document_reader(name: str) -> Callable[[bytes], object]:
    from mtfix.formats.registry import format_for

    fmt = format_for(None, name)
    return lambda data: fmt.read(data, f"fuzz.{name}")


def _file_reader(suffix: str, read) -> Callable[[bytes], object]:
    folder = Path(tempfile.mkdtemp(prefix="mtfix-fuzz-"))

    def run(data: bytes):
        path = folder / f"fuzz{suffix}"
        path.write_bytes(data)
        return read(path)

    return run


def readers() -> dict[str, Callable[[bytes], object]]:
    """Reader name -> a function of the file's bytes."""
    from mtfix.formats.csv_glossary import read_csv_glossary
    from mtfix.formats.rules_toml import read_rules_toml
    from mtfix.formats.tbx import read_tbx
    from mtfix.formats.tmx import read_tmx

    found = {name: _document_reader(name) for name in ("text", "tsv", "csv", "po", "xliff", "tmx")}
    found["tmx-import"] = _file_reader(".tmx", lambda p: list(read_tmx(p)))
    found["tbx"] = _file_reader(".tbx", read_tbx)
    found["csv-glossary"] = _file_reader(".csv", read_csv_glossary)
    found["toml-rules"] = _file_reader(".toml", read_rules_toml)
    return found


def _mutated(seed: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    data = bytearray(seed)
    for position, value, kind in edits:
        at = position % (len(data) + 1)
        if kind == 0 and data:
            data[min(at, len(data) - 1)] = value
        elif kind == 1:
            del data[at : at + 1 + value % 8]
        else:
            data[at:at] = bytes([value]) * (1 + value % 3)
    return bytes(data)


INTERESTING = [b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\r", b"\x1b[2J", b"&", b"<", b"]]>", b'"', b"\t"]


def inputs(reader: str) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, text, and mutations of a valid file of the reader's format."""
    edits = st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255), st.integers(0, 2)), max_size=10)
    return st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(_mutated, st.just(SEEDS[reader]), edits),
        st.builds(lambda parts: b"".join(parts), st.lists(st.sampled_from([SEEDS[reader], *INTERESTING]), max_size=8)),
    )
