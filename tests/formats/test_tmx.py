"""TMX import and export: the LISA compliance kit, round trips, inline codes, safety."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from mtfix.errors import FormatError
from mtfix.formats.tmx import plain_text, read_tmx, write_tmx
from mtfix.store.memory import TranslationMemory

TESTDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata"
TMX_DIR = TESTDATA / "tmx"
KIT = TMX_DIR / "omegat" / "TMXComplianceKit"
needs_testdata = pytest.mark.skipif(not TESTDATA.exists(), reason="shared/testdata is absent")


def oracle_lines(path: Path) -> list[str]:
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16")
    else:
        text = raw.decode("utf-8-sig")
    return text.splitlines()


def kit_cases():
    if not KIT.exists():
        return []
    cases = []
    for oracle in sorted(KIT.glob("ImportTest*_*.txt")):
        stem, language = oracle.stem.rsplit("_", 1)
        cases.append(pytest.param(stem, language, id=oracle.stem))
    return cases


def all_tmx_files():
    return sorted(TMX_DIR.rglob("*.tmx")) if TMX_DIR.exists() else []


@needs_testdata
@pytest.mark.parametrize(("stem", "language"), kit_cases())
def test_compliance_kit_imports_to_the_expected_text(stem, language, tmp_path):
    """Each kit file imports (into a memory) to the text of its oracles, source and target."""
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        tm.import_units(read_tmx(KIT / f"{stem}.tmx"))
        units = list(tm.units(target_language=language))
    assert [u.source for u in units] == oracle_lines(KIT / f"{stem}.txt")
    assert [u.target for u in units] == oracle_lines(KIT / f"{stem}_{language}.txt")


@needs_testdata
def test_the_kit_has_oracles():
    """The oracle-driven test above really runs (the kit ships its .txt files)."""
    assert len(kit_cases()) >= 9


def comparable(unit):
    return (unit.source, unit.target, unit.source_language, unit.target_language, unit.created,
            unit.changed, unit.usage_count, unit.notes, unit.properties, unit.extra)


@needs_testdata
@pytest.mark.parametrize("path", all_tmx_files(), ids=lambda p: str(p.relative_to(TMX_DIR)))
def test_round_trip_through_the_memory_keeps_every_unit(path, tmp_path):
    """File -> memory -> TMX -> units: texts, languages, dates, notes, props and codes kept."""
    original = list(read_tmx(path))  # units without dates get the time of reading: read once
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        tm.import_units(original)
        exported = tmp_path / "out.tmx"
        assert write_tmx(exported, tm.units()) == len(original)
    again = list(read_tmx(exported))
    assert [comparable(u) for u in again] == [comparable(u) for u in original]


@needs_testdata
def test_inline_codes_become_placeholders_and_come_back():
    """bpt/ept/it/ph/hi are placeholders in the text and the original XML on export."""
    units = list(read_tmx(KIT / "ImportTest2A.tmx"))
    sources = [u.source for u in units]
    assert sources[0] == "The big <g1>black</g1> <g2>cat</g2> sleeps."
    assert sources[3] == "First <x1/>sentence."
    assert sources[6] == "Some text with <h1>a part highlighted</h1>."
    assert plain_text(sources[0]) == "The big black cat sleeps."
    [unit] = list(read_tmx(KIT / "ImportTest2C.tmx", target_language="fr"))
    from mtfix.formats.tmx import unit_xml

    xml = unit_xml(unit)
    assert '<ph x="3" type="image" assoc="b">&lt;IMG SRC="here.png" ALT="<sub>Start Here!</sub>"&gt;</ph>' in xml
    assert '<hi type="verb" x="4">commencer</hi>' in xml


@needs_testdata
def test_language_filters():
    """Only the requested language pair is imported (kit file 1J_many)."""
    units = list(read_tmx(KIT / "ImportTest1J_many.tmx", source_language="en-us", target_language="en-gb"))
    assert [u.target for u in units] == ["First entry in UK English", "Second entry in UK English"]


@needs_testdata
def test_a_variant_without_source_is_skipped():
    """A <tu> with no variant in the source language yields no unit (OmegaT fixture)."""
    units = list(read_tmx(TMX_DIR / "omegat" / "test-missingSource.tmx"))
    assert "tr1" not in [u.target for u in units]


TMX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
TU = '<tu><tuv xml:lang="en"><seg>{0}</seg></tuv><tuv xml:lang="de"><seg>{0} de</seg></tuv></tu>\n'


def write(path: Path, body: str, doctype: str = "") -> Path:
    path.write_text(TMX_HEAD.format(doctype=doctype) + body, encoding="utf-8")
    return path


def test_malformed_file_imports_nothing_and_names_the_line(tmp_path):
    """A file broken after many good units imports none of them; the error names the line."""
    body = "".join(TU.format(f"unit {n}") for n in range(3000)) + "<tu><tuv xml:lang='en'><seg>x</tu>\n"
    path = write(tmp_path / "broken.tmx", body)
    with TranslationMemory(tmp_path / "tm.mtfix") as tm:
        with pytest.raises(FormatError) as error:
            tm.import_units(read_tmx(path))
        assert len(tm) == 0
    assert error.value.line == 3005
    assert error.value.path.endswith("broken.tmx")


def test_structural_error_names_the_line(tmp_path):
    """A <tuv> without <seg> is an error at its line."""
    path = write(tmp_path / "noseg.tmx", TU.format("a") + '<tu>\n<tuv xml:lang="en">\n</tuv></tu></body></tmx>')
    with pytest.raises(FormatError) as error:
        list(read_tmx(path))
    assert error.value.line == 7


def test_not_tmx(tmp_path):
    """Some other XML is refused as not TMX."""
    path = tmp_path / "other.tmx"
    path.write_text("<xliff/>")
    with pytest.raises(FormatError, match="not a TMX file"):
        list(read_tmx(path))


def test_entity_declarations_are_refused(tmp_path):
    """A "billion laughs" file is refused before anything is expanded."""
    doctype = (
        '<!DOCTYPE tmx [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
    )
    path = write(tmp_path / "laughs.tmx", TU.format("&c;") + "</body></tmx>", doctype)
    with pytest.raises(FormatError, match="entity"):
        list(read_tmx(path))


def test_external_entities_and_dtds_are_never_loaded(tmp_path):
    """A DOCTYPE naming a DTD is accepted without reading it; external entities are refused."""
    (tmp_path / "tmx14.dtd").write_text("this is not a DTD <<<")
    ok = write(tmp_path / "ok.tmx", TU.format("fine") + "</body></tmx>", '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    assert [u.source for u in read_tmx(ok)] == ["fine"]
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    doctype = f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    evil = write(tmp_path / "xxe.tmx", TU.format("&xxe;") + "</body></tmx>", doctype)
    with pytest.raises(FormatError):
        units = list(read_tmx(evil))
        assert all("SECRET" not in u.source for u in units)


def test_reading_streams(tmp_path):
    """Units are yielded as the file is read: the first comes before the broken end is reached."""
    body = "".join(TU.format(f"unit {n}") for n in range(20000)) + "<broken"
    units = read_tmx(write(tmp_path / "big.tmx", body))
    assert next(units).source == "unit 0"
    with pytest.raises(FormatError):
        list(units)


def test_utf16_with_bom_and_special_characters_round_trip(tmp_path):
    """UTF-16 input with a BOM is read; markup characters and non-BMP text survive export."""
    text = 'a < b & "c" > d 𝐀'
    xml = (TMX_HEAD.format(doctype="") + TU.format("a &lt; b &amp; \"c\" &gt; d 𝐀") + "</body></tmx>")
    path = tmp_path / "u16.tmx"
    path.write_bytes(codecs.BOM_UTF16_LE + xml.replace("UTF-8", "UTF-16").encode("utf-16-le"))
    [unit] = list(read_tmx(path))
    assert unit.source == text
    out = tmp_path / "out.tmx"
    write_tmx(out, [unit])
    assert [u.source for u in read_tmx(out)] == [text]
