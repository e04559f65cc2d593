"""The third-party corpora in ../shared/testdata, read, round-tripped and (when invalid) rejected.

Each test prints a summary (run pytest with -s to see it): per kind of file, how many were
read, round-tripped (untouched: the same bytes; edited: the edits read back) and rejected,
with the reason of each rejection.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from mtfix.errors import FormatError
from mtfix.formats.registry import format_for, write_document

TESTDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata"
SUITE = TESTDATA / "xliff" / "xliff-xliff-22" / "xliff-22" / "test-suite"
needs_testdata = pytest.mark.skipif(not TESTDATA.exists(), reason="shared/testdata is absent")

# Upstream defects (PROVENANCE.md): labelled valid, but not well-formed / wrong version.
KNOWN_BAD = {"Good-pgs_plural.xlf", "Good-itsm_text-analytics.xlf"}


def run(paths: list[Path]) -> tuple[Counter, dict[str, str]]:
    """Read each file, write it back untouched and edited; count what happened."""
    counts: Counter = Counter()
    rejected: dict[str, str] = {}
    for path in paths:
        data = path.read_bytes()
        fmt = format_for(path)
        try:
            document = fmt.read(data, str(path))
        except FormatError as error:
            counts["rejected"] += 1
            rejected[path.name] = error.message
            continue
        counts["read"] += 1
        assert write_document(document, [s.text for s in document.segments]) == data, path
        editable = ["ok " + s.text if s.text else "" for s in document.segments]  # ASCII: any charset
        again = fmt.read(write_document(document, editable), str(path))
        assert [s.text for s in again.segments] == editable, path
        assert [s.source for s in again.segments] == [s.source for s in document.segments], path
        counts["round-tripped"] += 1
    return counts, rejected


def report(kind: str, counts: Counter, rejected: dict[str, str]) -> None:
    print(f"\n{kind}: {len(rejected) + counts['read']} files, {counts['read']} read, "
          f"{counts['round-tripped']} round-tripped, {counts['rejected']} rejected")
    for name, why in sorted(rejected.items()):
        print(f"  rejected {name}: {why}")


@needs_testdata
def test_xliff22_suite_valid_files_read_and_round_trip():
    paths = sorted(p for p in SUITE.glob("*/valid/*.xlf") if p.name not in KNOWN_BAD)
    counts, rejected = run(paths)
    report("XLIFF 2.2 suite, valid", counts, rejected)
    assert rejected == {}
    assert counts["round-tripped"] == len(paths) == 59


@needs_testdata
def test_xliff22_suite_known_bad_files_are_rejected_for_what_is_wrong_with_them():
    _, rejected = run(sorted(SUITE.glob("modules/valid/Good-*")))
    assert "not well-formed" in rejected["Good-pgs_plural.xlf"]
    assert rejected["Good-itsm_text-analytics.xlf"].startswith("[version]")


@needs_testdata
def test_xliff22_suite_invalid_core_files_are_rejected_naming_the_rule():
    paths = sorted(SUITE.glob("core/invalid/*.xlf"))
    counts, rejected = run(paths)
    report("XLIFF 2.2 suite, core invalid", counts, rejected)
    accepted = sorted(p.name for p in paths if p.name not in rejected)
    print("  accepted (rules not checked):", ", ".join(accepted))
    for name, why in rejected.items():
        assert why.startswith("[") or "not well-formed" in why, name
    # Every core rule of sections 4.2-4.9 that needs no schema; fragment ids, canReorder
    # sequences and module attributes are not checked (the accepted list above).
    assert counts["rejected"] >= 92


@needs_testdata
def test_xliff22_suite_invalid_module_files():
    counts, rejected = run(sorted(SUITE.glob("modules/invalid/*.xlf")))
    report("XLIFF 2.2 suite, modules invalid (module rules are not checked)", counts, rejected)
    assert counts["rejected"] + counts["read"] == 43


@needs_testdata
def test_other_xliff_files():
    paths = sorted(p for p in (TESTDATA / "xliff").rglob("*") if p.suffix in (".xlf", ".xliff", ".sdlxliff")
                   and "xliff-22" not in p.parts)
    counts, rejected = run(paths)
    report("XLIFF 1.x/2.x from tools", counts, rejected)
    # Broken on purpose or by accident (PROVENANCE.md): not well-formed.
    for name in ("file-XLIFFFilter-invalid-content.xlf", "file-with-complex-structure.xliff", "context-group.xlf"):
        assert "not well-formed" in rejected[name]
    assert counts["round-tripped"] >= 45


@needs_testdata
def test_po_files_read_or_refuse_a_wrong_charset():
    counts, rejected = run(sorted((TESTDATA / "po").rglob("*.po")))
    report("PO", counts, rejected)
    assert "declares charset cp1251 but the file is UTF-8" in rejected["file-POFilter-be-utf8.po"]
    assert "mixes scripts" in rejected["f43.tgif.fr.po"]
    assert "declares no charset" in rejected["ExportTest1D.po"]
    assert counts["round-tripped"] == 9


@needs_testdata
def test_po_legacy_charset_is_decoded():
    document = format_for("x.po").read((TESTDATA / "po/omegat/file-POFilter-be.po").read_bytes(), "be.po")
    assert document.encoding == "cp1251"
    assert any("Файл" in s.text for s in document.segments)


@needs_testdata
def test_tmx_files_as_documents():
    counts, rejected = run(sorted((TESTDATA / "tmx").rglob("*.tmx")))
    report("TMX as documents", counts, rejected)
    assert rejected == {}
    assert counts["round-tripped"] == 38


@needs_testdata
def test_tbx_glossaries_round_trip_through_our_tbx_v3_export(tmp_path):
    from mtfix.formats.tbx import read_tbx, write_tbx

    paths = sorted((TESTDATA / "tbx").rglob("*.tbx"))
    for path in paths:
        glossary = read_tbx(path)
        write_tbx(glossary, tmp_path / "out.tbx")
        assert read_tbx(tmp_path / "out.tbx").concepts == glossary.concepts, path.name
    print(f"\nTBX: {len(paths)} files read, written as TBX v3 TBX-Basic and read back the same")
    assert len(paths) == 11
