"""Bilingual review on real data: WMT21 Chinese sources beside one system's English output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mtfix.core.glossary import FixEngine
from mtfix.core.models import Concept, Glossary, SegmentStatus, Term, TermStatus
from mtfix.core.qa import QaChecker, QaSegment
from mtfix.store.workspace import Workspace
from mtfix.workflow import export_bytes, open_for_review

TESTDATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata"
WMT = TESTDATA / "wmt-zh-en" / "wmt21-news-systems"
pytestmark = pytest.mark.skipif(not WMT.exists(), reason="shared/testdata is absent")

# 乡村振兴 is rendered "rural revitalization" by the system; the client wants "rural revitalisation".
GLOSSARY = Glossary((Concept("rural-revitalisation", (
    Term("rural revitalisation", TermStatus.PREFERRED, "en-GB"),
    Term("rural revitalization", TermStatus.DEPRECATED, "en"),
    Term("乡村振兴", TermStatus.PREFERRED, "zh"),
)),))


@pytest.fixture
def wmt_tsv(tmp_path) -> Path:
    """The first 60 WMT21 sentences and NiuTrans' translations, as a TSV with a header."""
    sources = (WMT / "newstest2021.zh-en.src.zh").read_text(encoding="utf-8").splitlines()[:60]
    targets = (WMT / "newstest2021.zh-en.hyp.NiuTrans.en").read_text(encoding="utf-8").splitlines()[:60]
    path = tmp_path / "wmt21.tsv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
        writer.writerow(["zh", "en"])
        writer.writerows(zip(sources, targets, strict=True))
    return path


def test_review_shows_the_chinese_source_and_keys_the_memory_on_it(wmt_tsv, tmp_path):
    """Segments carry the real source; a confirmation stores the Chinese source in the memory."""
    with Workspace(tmp_path / "work.sqlite") as workspace:
        info, _ = open_for_review(workspace, wmt_tsv, FixEngine(GLOSSARY))
        first = workspace.segment(info.id, 1)
        assert first.source == "乡村振兴，人才是关键。"
        assert first.mt == "Talent is the key to rural revitalization."
        assert first.target == "Talent is the key to rural revitalisation."
        workspace.confirm(info.id, 1)
        [match] = workspace.memory.exact("乡村振兴，人才是关键。")
        assert match.unit.target == first.target
        assert match.unit.source_language.startswith("zh")
        exported = export_bytes(workspace, info).decode("utf-8")
    assert "乡村振兴，人才是关键。\tTalent is the key to rural revitalisation.\n" in exported


def test_qa_on_wmt_finds_number_and_term_problems(wmt_tsv, tmp_path):
    """The bilingual checks run on real output: sources with numbers are compared."""
    from mtfix.formats.registry import read_document

    document = read_document(wmt_tsv)
    checker = QaChecker(GLOSSARY)
    segments = [QaSegment(s.index, s.text, s.source) for s in document.segments]
    found = checker.check_document(segments)
    checks = {f.check for findings in found.values() for f in findings}
    assert "deprecated_term_left" in checks  # the system's "rural revitalization"
    assert len(segments) == 60
    assert all(s.source for s in document.segments)
    assert document.segments[0].source.startswith("新华时评")


def test_statuses_from_the_file_start_the_review(tmp_path):
    """An XLIFF segment in state "final" starts the review confirmed."""
    xliff = tmp_path / "doc.xlf"
    xliff.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="en">\n'
        ' <file id="f1">\n'
        '  <unit id="u1"><segment state="final"><source>你好。</source><target>Hello.</target></segment></unit>\n'
        '  <unit id="u2"><segment state="initial"><source>再见。</source><target>Bye.</target></segment></unit>\n'
        ' </file>\n</xliff>\n', encoding="utf-8")
    with Workspace(tmp_path / "work.sqlite") as workspace:
        info, _ = open_for_review(workspace, xliff, FixEngine(Glossary()))
        assert [s.status for s in workspace.segments(info.id)] == [SegmentStatus.CONFIRMED, SegmentStatus.NEW]
