"""QA checks: for each, a true positive and a near miss that must not fire."""

from __future__ import annotations

import pytest

from mtfix.core.models import Check, Concept, Glossary, Severity, Term, TermStatus
from mtfix.core.qa import QaChecker, QaSegment, at_or_above, numbers_in

P, D = TermStatus.PREFERRED, TermStatus.DEPRECATED
GLOSSARY = Glossary(
    concepts=(
        Concept("dut", (Term("Dalian University of Technology", P),
                        Term("Dalian University of Science and Technology", D),
                        Term("大连理工大学", P, language="zh"))),
        Concept("covid", (Term("COVID-19", P), Term("new crown pneumonia", D), Term("新冠肺炎", P, language="zh"))),
    ),
    checks=(Check("no-chinese", r"[\u4e00-\u9fff]", "Chinese left in the target.", Severity.MAJOR),),
)
QA = QaChecker(GLOSSARY)


def ids(target: str, *, source: str | None = None, mt: str | None = None) -> list[str]:
    return [f.check for f in QA.check_segment(QaSegment(0, target, source, mt))]


@pytest.mark.parametrize(
    "check, hit, miss",
    [
        ("untranslated", dict(target="  "), dict(target="Done.")),
        ("target_equals_source", dict(target="大连", source="大连"), dict(target="123", source="123")),
        ("number_mismatch", dict(target="It cost 16 million yuan.", source="花费1700万元。"),
         dict(target="It cost 16 million yuan.", source="花费1600万元。")),
        ("deprecated_term_left", dict(target="At Dalian University of Science and Technology."),
         dict(target="At Dalian University of Technology.")),
        ("term_missing", dict(target="The epidemic spread.", source="新冠肺炎传播。"),
         dict(target="COVID-19 spread.", source="新冠肺炎传播。")),
        ("double_space", dict(target="Two  spaces."), dict(target="One space.\n  Indented.")),
        ("space_before_punct", dict(target="Wait , what ?"), dict(target="Results ... and .NET apps.")),
        ("repeated_word", dict(target="It is the the best."), dict(target="In 2020 2021 they met.")),
        ("unpaired_brackets", dict(target="See (the note."), dict(target="a) first (see [1]) b) second")),
        ("unpaired_quotes", dict(target='He said "yes.'), dict(target='He said "yes" and “no”.')),
        ("end_punct", dict(target="It works", mt="It works."), dict(target="It works.", source="它有效。")),
        ("url_email_mismatch", dict(target="See the site.", mt="See https://dlut.edu.cn/en."),
         dict(target="See https://dlut.edu.cn/en.", mt="See https://dlut.edu.cn/en.")),
        ("length_ratio", dict(target="Yes.", mt="This sentence is rather long indeed."),
         dict(target="This sentence is long indeed.", mt="This sentence is rather long indeed.")),
        ("regex:no-chinese", dict(target="The 大工 team."), dict(target="The DUT team.")),
    ],
)
def test_check_fires_on_its_case_and_not_on_the_near_miss(check, hit, miss):
    """Each check finds its defect, and leaves the look-alike alone."""
    assert check in ids(**hit)
    assert check not in ids(**miss)


def test_number_scales_are_understood():
    """1600万 is 16 million, 3.3亿 is 330 million, 二十三 is 23, 1,200 is 1200."""
    values = [v for v, _, _ in numbers_in("1600万 3.3亿 二十三 1,200 ２０２２")]
    assert values == [16_000_000, 330_000_000, 1200, 2022, 23]
    assert [v for v, _, _ in numbers_in("16 million and 1.2 billion")] == [16e6, 1.2e9]


def test_findings_carry_span_and_severity():
    """A finding points at the offending text."""
    target = "At Dalian University of Science and Technology."
    [finding] = QA.check_segment(QaSegment(0, target))
    assert target[finding.start : finding.end] == "Dalian University of Science and Technology"
    assert finding.severity is Severity.MAJOR
    assert "Dalian University of Technology" in finding.message


def test_inconsistent_target_across_document_and_memory():
    """The same MT fixed two ways is flagged on both segments; the memory counts too."""
    segments = [
        QaSegment(0, "Classmate friendship.", mt="Classmates friendly plan."),
        QaSegment(1, "Friendship of classmates.", mt="Classmates friendly plan."),
        QaSegment(2, "Good.", mt="Good."),
    ]
    found = QA.check_document(segments)
    assert [f.check for f in found[0]] == ["inconsistent_target"]
    assert "inconsistent_target" in [f.check for f in found[1]]
    assert 2 not in found
    with_memory = QA.check_document([segments[2]], memory_targets=lambda text: ["Fine."])
    assert [f.check for f in with_memory[2]] == ["inconsistent_target"]
    assert QA.check_document([segments[2]], memory_targets=lambda text: ["Good."]) == {}


def test_inconsistent_source_is_bilingual_only():
    """One target for two sources is flagged in bilingual work, not when post-editing MT."""
    bilingual = [QaSegment(0, "Hello.", source="你好。"), QaSegment(1, "Hello.", source="您好。")]
    assert all("inconsistent_source" in [f.check for f in found] for found in QA.check_document(bilingual).values())
    monolingual = [QaSegment(0, "Hello.", mt="Hallo."), QaSegment(1, "Hello.", mt="Hello.")]
    assert QA.check_document(monolingual) == {}


def test_at_or_above_filters_by_severity():
    """--fail-on major keeps major and critical findings."""
    findings = QA.check_segment(QaSegment(0, "Dalian University of Science and Technology  x"))
    assert {f.check for f in at_or_above(findings, Severity.MAJOR)} == {"deprecated_term_left"}
    assert at_or_above(findings, Severity.CRITICAL) == []
