"""Bulk TMX import through a second reading process: same result, same guarantees."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtfix.core.matching import index_words, normalise
from mtfix.errors import FormatError
from mtfix.formats.tmx import read_tmx
from mtfix.store import tm_import, tm_rows
from mtfix.store.memory import TranslationMemory

TESTDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata"
TMX_DIR = TESTDATA / "tmx"
needs_testdata = pytest.mark.skipif(not TESTDATA.exists(), reason="shared/testdata is absent")

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
TU = '<tu><tuv xml:lang="en"><seg>{0}</seg></tuv><tuv xml:lang="de"><seg>{0} de</seg></tuv></tu>\n'


def tmx_files():
    return sorted(p for p in TMX_DIR.rglob("*.tmx")) if TMX_DIR.exists() else []


def stored(tm: TranslationMemory) -> tuple[list, list]:
    """Every unit's stored values and every index row, in a comparable form."""
    conn = tm.db.connection()
    units = conn.execute("SELECT * FROM tm_units ORDER BY id").fetchall()
    postings = conn.execute("SELECT word, bucket, n, postings FROM tm_postings ORDER BY word, bucket, chunk").fetchall()
    return units, postings


@needs_testdata
@pytest.mark.parametrize("path", tmx_files(), ids=lambda p: p.name)
def test_reading_in_a_second_process_stores_what_reading_here_stores(path, tmp_path):
    """Units (texts, languages, dates, notes, properties, inline codes) and the index are the same."""
    with TranslationMemory(tmp_path / "here.mtfix") as here, TranslationMemory(tmp_path / "child.mtfix") as child:
        try:
            expected = here.import_units(read_tmx(path))
        except FormatError as error:
            with pytest.raises(FormatError) as raised:
                child.import_tmx(path, in_child=True)
            assert (raised.value.message, raised.value.line) == (error.message, error.line)
            assert len(child) == 0
            return
        result = child.import_tmx(path, in_child=True)
        assert (result.added, result.merged) == (expected.added, expected.merged)
        here_units, here_postings = stored(here)
        child_units, child_postings = stored(child)
    # units without dates get the time of reading: compare everything else
    strip = [(r[:7], *r[9:]) for r in here_units]
    assert [(r[:7], *r[9:]) for r in child_units] == strip
    assert child_postings == here_postings


@pytest.mark.parametrize("as_stream", [False, True], ids=["path", "stream"])
def test_a_broken_file_read_in_a_second_process_imports_nothing_and_names_the_line(tmp_path, as_stream):
    """The error of the reading process, with its line, reaches the caller; nothing is stored."""
    body = "".join(TU.format(f"unit {n}") for n in range(12000)) + "<tu><tuv xml:lang='en'><seg>x</tu>\n"
    path = tmp_path / "broken.tmx"
    path.write_text(HEAD + body, encoding="utf-8")
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        with pytest.raises(FormatError) as error:
            if as_stream:
                with open(path, "rb") as stream:
                    tm.import_tmx(stream, in_child=True)
            else:
                tm.import_tmx(path, in_child=True)
        assert len(tm) == 0
    assert error.value.line == 12005
    assert error.value.path.endswith("broken.tmx")


def test_entities_are_refused_by_the_reading_process(tmp_path):
    """A file declaring entities is refused there too, before anything is stored."""
    doctype = '<!DOCTYPE tmx [\n<!ENTITY a "aaaaaaaaaa">\n]>\n'
    path = tmp_path / "laughs.tmx"
    path.write_text(HEAD.replace("<tmx", doctype + "<tmx") + TU.format("&a;") + "</body></tmx>", encoding="utf-8")
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        with pytest.raises(FormatError, match="entity"):
            tm.import_tmx(path, in_child=True)
        assert len(tm) == 0


def test_a_stream_is_imported_through_the_reading_process(tmp_path):
    """An open stream (the CLI's, which counts bytes for its progress bar) is read to the end."""
    body = "".join(TU.format(f"unit {n}") for n in range(300)) + "</body></tmx>\n"
    stream = io.BytesIO((HEAD + body).encode("utf-8"))
    stream.name = "memory.tmx"
    seen = []
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        result = tm.import_tmx(stream, in_child=True, progress=seen.append)
        assert result.added == 300 and len(tm) == 300
        assert [m.unit.target for m in tm.fuzzy("unit 17", threshold=90)][:1] == ["unit 17 de"]
    assert seen[-1] == 300 and stream.tell() == len(stream.getvalue())
    assert result.reader_peak_mb > 0


def test_importing_into_a_memory_that_has_units_merges_identical_ones(tmp_path):
    """The second import of one file adds nothing: every unit merges into its twin."""
    path = tmp_path / "tm.tmx"
    path.write_text(HEAD + "".join(TU.format(f"unit {n}") for n in range(50)) + "</body></tmx>", encoding="utf-8")
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        assert tm.import_tmx(path, in_child=True).added == 50
        again = tm.import_tmx(path, in_child=True)
        assert (again.added, again.merged, len(tm)) == (0, 50, 50)


words = st.text(st.sampled_from("aZ_9 ,.-'\x01\téßΣσς€\u00a0\u0301日本"), max_size=30)


ascii_words = st.text(st.sampled_from("aZ_9 ,.-'\x01\t"), max_size=30)


@given(st.lists(words | ascii_words, max_size=8) | st.lists(ascii_words, max_size=8))
def test_words_of_a_batch_are_each_units_index_words(texts):
    """The bulk word split finds exactly :func:`index_words` of every text, ASCII or not."""
    normalised = [normalise(t) for t in texts]
    fields = [(t, "", "en", "de", "", "", "", 0, (), (), None, {}) for t in texts]
    batch = tm_import.numbered(tm_rows.RawBatch(fields, normalised, *tm_rows.number_words(normalised), len(texts)),
                               "2024-01-01T00:00:00Z")
    found = [set() for _ in texts]
    for word, unit in zip(batch.word_numbers.tolist(), batch.unit_numbers.tolist(), strict=True):
        found[unit].add(batch.words[word - 1])
    assert found == [index_words(t) for t in normalised]
    assert list(batch.unit_numbers) == sorted(batch.unit_numbers)


def test_notes_properties_and_codes_are_stored_as_json(tmp_path):
    """What a unit keeps for its round trip is stored the same way by both paths."""
    path = tmp_path / "rich.tmx"
    path.write_text(
        HEAD + '<tu creationdate="20020523T091200Z" x-custom="1"><note>n</note><prop type="p">v</prop>'
        '<tuv xml:lang="en"><seg>a <ph x="1">&lt;b&gt;</ph> c</seg></tuv>'
        '<tuv xml:lang="de"><seg>d</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        tm.import_tmx(path, in_child=True)
        [unit] = list(tm.units())
    assert (unit.notes, unit.properties, unit.created) == (("n",), (("p", "v"),), "2002-05-23T09:12:00Z")
    assert unit.source == "a <x1/> c" and unit.extra["tu"] == {"x-custom": "1"}
    assert json.loads(json.dumps(unit.extra["source_codes"]))[0]["tag"] == "ph"


def index_names(tm: TranslationMemory) -> set[str]:
    return {r[0] for r in tm.db.connection().execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_an_import_into_an_empty_memory_keeps_its_indexes_whether_it_fails_or_not(tmp_path):
    """The indexes built at the end of the import exist afterwards, and after a failed import too."""
    good = tmp_path / "good.tmx"
    good.write_text(HEAD + TU.format("fine") + "</body></tmx>", encoding="utf-8")
    broken = tmp_path / "broken.tmx"
    broken.write_text(HEAD + TU.format("fine") + "<tu>", encoding="utf-8")
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        before = index_names(tm)
        assert {"tm_units_by_hash", "tm_postings_by_word"} <= before
        with pytest.raises(FormatError):
            tm.import_tmx(broken, in_child=False)
        assert index_names(tm) == before
        tm.import_tmx(good, in_child=False)
        assert index_names(tm) == before
        assert [m.unit.target for m in tm.exact("fine")] == ["fine de"]


def test_a_second_process_is_used_only_when_a_core_is_free(monkeypatch):
    """One core, or every core busy: read in this process; a core idle: use it."""
    monkeypatch.setattr(tm_import.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not tm_import.spare_core()
    monkeypatch.setattr(tm_import.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(tm_import.os, "getloadavg", lambda: (1.9, 1.0, 1.0))
    assert not tm_import.spare_core()
    monkeypatch.setattr(tm_import.os, "getloadavg", lambda: (0.4, 1.0, 1.0))
    assert tm_import.spare_core()


class _Stop(Exception):
    """The user stopped the import."""


@pytest.mark.parametrize("as_stream", [False, True], ids=["path", "stream"])
def test_an_import_stopped_part_way_stores_nothing_and_stops_the_reading_process(tmp_path, monkeypatch, as_stream):
    """Stopping in the middle (Ctrl-C, an error in the caller) leaves no reader running and no unit stored."""
    children = []
    popen = tm_import.subprocess.Popen

    def remember(*args, **kwargs):
        child = popen(*args, **kwargs)
        children.append(child)
        return child

    monkeypatch.setattr(tm_import.subprocess, "Popen", remember)
    path = tmp_path / "big.tmx"
    path.write_text(HEAD + "".join(TU.format(f"unit {n}") for n in range(40000)) + "</body></tmx>\n",
                    encoding="utf-8")

    def stop(read: int) -> None:
        raise _Stop

    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        with pytest.raises(_Stop):
            if as_stream:
                with open(path, "rb") as stream:
                    tm.import_tmx(stream, in_child=True, progress=stop)
            else:
                tm.import_tmx(path, in_child=True, progress=stop)
        assert len(tm) == 0
        assert tm.import_tmx(path, in_child=True).added == 40000  # the memory is still usable
    [child, _] = children
    assert child.poll() is not None  # stopped and reaped, not left reading


def test_the_reading_process_loads_nothing_it_does_not_read_with(tmp_path):
    """The reader's modules hold most of its memory, which counts against an import's 100 MB:
    no numpy, SQLite, lxml, OpenSSL (hashlib) or urllib (which xml.sax.saxutils pulls in)."""
    tmx = tmp_path / "small.tmx"
    tmx.write_text(HEAD + TU.format("Hello") + "</body>\n</tmx>\n", encoding="utf-8")
    heavy = ("numpy", "sqlite3", "lxml", "hashlib", "urllib.request", "xml.sax.saxutils")
    script = (
        "import sys\n"
        "from mtfix.store import tm_rows\n"
        "from mtfix.formats.tmx import read_tmx_fields\n"
        "batches = list(tm_rows.prepare(read_tmx_fields(sys.argv[1]), 'now'))\n"
        f"print(len(batches), sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(tmx)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.split(maxsplit=1)
    assert out == ["1", "[]\n"]
