"""``mtfix fix`` and ``mtfix glossary check``, as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtfix.cli import cli
from mtfix.core.segment import segment_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "dut-international-2022.txt"
DUT_TBX = ROOT / "glossaries" / "dut.tbx"
ARTIFACTS = ROOT / "glossaries" / "mt-artifacts.toml"


@pytest.fixture
def run(monkeypatch):
    """Run ``mtfix`` from the repository root, so its mtfix.toml applies."""
    monkeypatch.chdir(ROOT)

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """The README's first command, run once: the sample fixed, with its report."""
    out = tmp_path_factory.mktemp("fix")
    result = CliRunner().invoke(
        cli, ["fix", str(SAMPLE), "-o", str(out / "cleaned.txt"), "--report", str(out / "fixes.json"),
              "-g", str(DUT_TBX), "-g", str(ARTIFACTS)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    cleaned = (out / "cleaned.txt").read_text(encoding="utf-8")
    report = json.loads((out / "fixes.json").read_text(encoding="utf-8"))
    return result, cleaned, report


def test_sample_every_dut_variant_is_fixed(sample_run):
    """No MT rendering of the university's name survives."""
    _, cleaned, _ = sample_run
    assert "University of Science and Technology" not in cleaned
    assert not re.search(r"Technolog\b", cleaned)
    assert "Author: Dalian University of Technology Time: 2022.07.28" in cleaned
    assert "DUT-BSU Joint Institute 2021 graduates" in cleaned
    assert "DUT-RU International School of Information Science & Engineering, has graduated" in cleaned
    assert cleaned.count("Dalian University of Technology") == 20


def test_sample_every_spaced_hyphen_is_fixed(sample_run):
    """Every ``first -class``-type artefact is repaired; ``- END -`` is not one."""
    _, cleaned, _ = sample_run
    assert re.findall(r"\w -\w", cleaned) == []
    assert "first-class universities" in cleaned
    assert "27-year-old" in cleaned
    assert "\n- END -\n" in cleaned


def test_sample_changes_nothing_but_the_fixes(sample_run):
    """Paragraphs and numbers are identical; each segment differs only by its fixes."""
    _, cleaned, report = sample_run
    original = SAMPLE.read_text(encoding="utf-8")
    _, before = segment_text(original)
    _, after = segment_text(cleaned)
    assert [s.separator for s in before] == [s.separator for s in after]
    # The only digits a fix may bring are those of the official names.
    introduced = cleaned.replace("COVID-19", "COVID").replace("the C9 League", "the League")
    assert re.findall(r"\d+", original) == re.findall(r"\d+", introduced)
    by_segment: dict[int, list[dict]] = {}
    for fix in report["fixes"]:
        by_segment.setdefault(fix["segment"], []).append(fix)
    for segment, result in zip(before, after):
        text = segment.text
        for fix in sorted(by_segment.get(segment.index + 1, []), key=lambda f: -f["start"]):
            assert text[fix["start"] : fix["end"]] == fix["before"]
            if fix["applied"]:
                text = text[: fix["start"]] + fix["after"] + text[fix["end"] :]
        assert result.text == text


def test_sample_context_dependent_fixes_are_only_suggested(sample_run):
    """'the big work' and the medium-confidence names await the reviewer."""
    _, cleaned, report = sample_run
    suggested = {f["before"] for f in report["fixes"] if not f["applied"]}
    assert suggested == {"the big work", "Surabaya University of Technology", "Sakura Science and Technology Plan"}
    assert "the voice of the big work" in cleaned


def test_report_lists_every_fix_with_its_fields(sample_run):
    """The report's fixes carry segment, offsets, before, after, rule, kind, applied."""
    _, _, report = sample_run
    assert report["fixes"]
    for fix in report["fixes"]:
        assert {"segment", "start", "end", "before", "after", "rule", "kind", "applied"} <= set(fix)
    assert report["summary"]["by_rule"]["dut"] == 8
    assert report["summary"]["by_kind"]["pattern"] >= 30


def test_summary_line_on_stderr(sample_run):
    """One line on stderr counts the fixes by kind and rule."""
    result, _, _ = sample_run
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "fixes applied" in lines[0] and "dut 8" in lines[0] and "term" in lines[0]


def test_stdin_to_stdout_with_a_named_glossary(tmp_path, monkeypatch):
    """``cat mt.txt | mtfix fix - -g glossary > cleaned.txt`` works without mtfix.toml."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["fix", "-", "-g", str(DUT_TBX)],
        input="We visited Dalian University of Science and Technology.\n",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "We visited Dalian University of Technology.\n"


def test_untouched_document_is_byte_identical(run, tmp_path):
    """A document with nothing to fix comes out byte for byte (BOM and CRLF too)."""
    data = "\ufeffNothing to fix here.\r\n\r\nAll good.\r\n".encode("utf-8")
    path = tmp_path / "clean.txt"
    path.write_bytes(data)
    result = run("fix", str(path), "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 0
    assert (tmp_path / "out.txt").read_bytes() == data


def test_configured_glossaries_apply_without_g(run, tmp_path):
    """Inside the checkout, mtfix.toml names the glossaries."""
    result = run("fix", "-", input="the double first -class plan")
    assert result.stdout == "the Double First-Class plan"


def test_fuzzy_near_miss_is_suggested_then_applied_with_flag(run):
    """A misspelt name is reported as a fuzzy fix; --apply-fuzzy applies it."""
    text = "We met at Dalian Univeristy of Technology."
    result = run("fix", "-", input=text)
    assert result.stdout == text
    assert "fuzzy 1" in result.stderr
    # the segments counted are those the applied fixes changed: none, with one suggestion
    assert "0 fixes applied in 0 of 1 segments, 1 suggested" in result.stderr
    result = run("fix", "-", "--apply-fuzzy", input=text)
    assert result.stdout == "We met at Dalian University of Technology."


def test_missing_input_exits_2_and_writes_nothing(run, tmp_path):
    """A missing file gets one clear message naming it, exit 2, no output."""
    out = tmp_path / "out.txt"
    result = run("fix", str(tmp_path / "nope.txt"), "-o", str(out), "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert "nope.txt" in result.stderr and "no such file" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_undecodable_input_exits_2_and_keeps_old_output(run, tmp_path):
    """Bytes that are not UTF-8 are named with their line; an existing output survives."""
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"first line\nd\xe9j\xe0 vu\n")
    out = tmp_path / "out.txt"
    out.write_text("previous result")
    result = run("fix", str(path), "-o", str(out))
    assert result.exit_code == 2
    assert "latin1.txt:2" in result.stderr
    assert out.read_text() == "previous result"


def test_broken_glossary_exits_2(run, tmp_path):
    """A glossary that is not well-formed XML is named with its line."""
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif>\n<text><body>\n</martif>\n")
    result = run("fix", "-", "-g", str(bad), input="text")
    assert result.exit_code == 2
    assert "bad.tbx:" in result.stderr
    assert result.stdout == ""


def test_failing_rule_example_refuses_to_load(run, tmp_path):
    """A rule whose example fails stops the command before it touches text."""
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nid = "x"\npattern = "a"\nreplacement = "b"\nmust_match = ["a"]\nmust_not_match = ["banana"]\n'
    )
    result = run("fix", "-", "-g", str(rules), input="a")
    assert result.exit_code == 2
    assert "rules.toml" in result.stderr and "banana" in result.stderr


def test_glossary_check_passes_on_shipped_glossaries(run):
    """The shipped glossaries have no errors."""
    result = run("glossary", "check")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stderr


def test_glossary_check_reports_cycles_and_conflicts(run, tmp_path):
    """A → B with B → A, and a variant preferred elsewhere, are errors (exit 1)."""
    path = tmp_path / "cycle.csv"
    path.write_text("colour,color\ncolor,colour\nfoo,bar\nbaz,foo\n", encoding="utf-8")
    result = run("glossary", "check", str(path))
    assert result.exit_code == 1
    assert "[cycle]" in result.stdout
    assert "[variant-is-preferred]" in result.stdout


def test_glossary_check_reports_every_failing_example(run, tmp_path):
    """Failing rule examples are listed, not just the first."""
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nid = "x"\npattern = "a"\nreplacement = "b"\nmust_match = ["zzz"]\nmust_not_match = ["banana"]\n'
    )
    result = run("glossary", "check", str(rules))
    assert result.exit_code == 1
    assert result.stdout.count("[rule-example]") == 2
