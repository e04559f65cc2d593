"""Hostile text and glossaries: bad bytes, huge lines, terminal tricks, runaway patterns, cycles."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from reliability_harness import GLOSSARY_TBX, REPO

from mtfix.cli import cli
from mtfix.core.apply import apply_fixes
from mtfix.core.glossary import FixEngine
from mtfix.core.lint import check_glossary
from mtfix.core.models import Concept, Glossary, Rule, Term, TermStatus, TmUnit
from mtfix.core.rules import compile_rule
from mtfix.core.visible import visible
from mtfix.errors import FormatError, GlossaryError
from mtfix.formats.text import read_text, write_text

ESCAPES = "\x1b[2J\x1b]0;PWNED\x07\x1b[31m"
BIDI = "\u202e"
HOSTILE = f"Evil {ESCAPES}colour{BIDI} of Dalian University of Science and Technology."


def test_invalid_utf8_is_refused_with_its_line_and_offset():
    """Bytes that are not UTF-8 give a FormatError naming line and offset, nothing half-read."""
    with pytest.raises(FormatError) as caught:
        read_text(data=b"line one\nline two \xff\xfe bad\n", name="bad.txt")
    assert caught.value.line == 2 and "offset 18" in caught.value.message


def test_nul_bytes_are_refused_as_binary():
    """A NUL byte marks a binary file: refused with its line."""
    with pytest.raises(FormatError, match="NUL") as caught:
        read_text(data=b"fine\nnot\x00fine\n", name="bin.txt")
    assert caught.value.line == 2


def test_mixed_line_endings_come_back_byte_for_byte():
    """CRLF, LF and lone CR in one file: export with no changes returns the same bytes."""
    data = b"First line.\r\nSecond one.\nThird\rfourth.\r\n\r\nNew paragraph.\n\rLast."
    document = read_text(data=data, name="mixed.txt")
    assert write_text(document) == data


def test_a_10_mb_line_is_segmented_and_fixed_in_bounded_time():
    """One 10 MB line: segmentation is lossless and the fix engine finds every fix (in a child with a timeout)."""
    script = textwrap.dedent(
        """
        import resource, sys
        from mtfix.core.glossary import FixEngine
        from mtfix.core.segment import join_segments, segment_text
        from mtfix.formats.glossary_files import load_glossaries
        from mtfix.core.apply import apply_fixes
        glossary = load_glossaries([sys.argv[1], sys.argv[2]])
        engine = FixEngine(glossary, near_misses=True)
        line = ("the color of Dalian University of Science and Technology, " * 180_000)[:10_000_000]
        prefix, segments = segment_text(line + "\\n")
        assert join_segments(prefix, segments) == line + "\\n"
        fixes = engine.find_fixes_in([s.text for s in segments])
        total = sum(len(f) for f in fixes)
        fixed = [apply_fixes(s.text, [f for f in fs if f.applied]) for s, fs in zip(segments, fixes)]
        assert "".join(fixed).count("Dalian University of Technology") >= 169_000
        print(len(segments), total, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        """
    )
    tbx = REPO / "tests" / "reliability" / "_hostile_glossary.tbx"
    tbx.write_text(GLOSSARY_TBX, encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(tbx), str(REPO / "glossaries" / "mt-artifacts.toml")],
            check=False, capture_output=True, text=True, timeout=240, cwd=str(REPO),
        )
    finally:
        tbx.unlink()
    assert done.returncode == 0, done.stderr[-3000:]
    segments, fixes, peak_kb = map(int, done.stdout.split())
    assert segments >= 1 and fixes >= 2 * 170_000
    assert peak_kb < 3_000_000  # a few hundred bytes per character would be a leak


@pytest.mark.parametrize("pattern", [
    r"(a+)+b", r"(a|a)+b", r"(a|aa)+b", r"(x+x+)+y", r"(\w+\s?)+$", r"(a{1,9}){1,9}b",
    r"\s*\s*\s*x", r"a*a*a*a*b", r"(?:\d+|\w+)+!", r"(a|b|ab)*c",
])
def test_catastrophic_patterns_are_refused_at_load(pattern):
    """Patterns that backtrack exponentially (or polynomially on one long line) never load."""
    with pytest.raises(GlossaryError, match="rule 'r'"):
        compile_rule(Rule("r", pattern, "z"))


@pytest.mark.parametrize("pattern", [r"(?<=[^\W_]) -(?=[^\W\d_]{2})", r"\s+-\s+", r"(\w+\s)+end", r"(?:-|–)+"])
def test_ordinary_patterns_still_load(pattern):
    """Ordinary MT-artefact patterns are not caught by the backtracking checks."""
    compile_rule(Rule("r", pattern, "z"))


def test_the_shipped_rules_still_load():
    """The rules shipped in glossaries/ pass the stricter checks."""
    from mtfix.formats.glossary_files import load_glossaries

    assert load_glossaries([REPO / "glossaries"]).rules


def test_a_glossary_whose_fixes_cycle_is_reported_and_the_engine_stays_idempotent():
    """colour -> color -> colour: lint reports the cycle; fixing the fixed text changes nothing more."""
    D, P = TermStatus.DEPRECATED, TermStatus.PREFERRED
    glossary = Glossary((
        Concept("a", (Term("color", P), Term("colour", D))),
        Concept("b", (Term("colour", P), Term("color", D))),
        Concept("c", (Term("grey", P), Term("gray", D))),
        Concept("d", (Term("gray", P), Term("greyish", D))),
    ))
    problems = check_glossary(glossary)
    assert any(p.code in ("cycle", "variant-is-preferred") for p in problems)
    engine = FixEngine(glossary)
    text = "The colour and the color are greyish and gray."
    once = apply_fixes(text, [f for f in engine.find_fixes(text) if f.applied])
    twice = apply_fixes(once, [f for f in engine.find_fixes(once) if f.applied])
    assert twice == once


def test_visible_marks_every_control_character_one_for_one():
    """ESC, BEL, C1 CSI and bidi controls become visible marks; offsets stay; layout stays."""
    text = f"a{ESCAPES}b\x9b2J{BIDI}\u2066c\td\ne"
    shown = visible(text)
    assert len(shown) == len(text)
    assert not any(ord(c) < 0x20 and c != "\n" or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert BIDI not in shown and "\u2066" not in shown
    assert "␛[2J" in shown and "␛]0;PWNED␇" in shown and "⇄" in shown and "\n" in shown


def test_review_ui_shows_escapes_and_bidi_controls_as_marks(tmp_path):
    """Segments, fixes, memory matches and notes with ESC/U+202E reach the screen as ␛ and ⇄, never raw."""
    sys.path.insert(0, str(REPO / "tests" / "tui"))
    from tui_testing import screen_text

    from mtfix.formats.glossary_files import load_glossaries
    from mtfix.store.workspace import Workspace
    from mtfix.tui.app import ReviewApp
    from mtfix.workflow import open_for_review

    # XML cannot hold ESC: the glossary note carries the bidi control, the text and memory the escapes.
    (tmp_path / "g.tbx").write_text(GLOSSARY_TBX.replace("colour</term>", f"colour</term><note>note {BIDI}x</note>"),
                                    encoding="utf-8")
    document = tmp_path / "evil.txt"
    document.write_text(HOSTILE + " Second sentence.\n", encoding="utf-8")
    db = tmp_path / "w.mtfix"
    engine = FixEngine(load_glossaries([tmp_path / "g.tbx"]))
    with Workspace(db) as ws:
        info, _ = open_for_review(ws, document, engine)
        mt = ws.segment(info.id, 0).mt
        ws.memory.add(TmUnit(mt, f"Memory {ESCAPES} says {BIDI}hi.", "en", "en"))

    async def run() -> str:
        app = ReviewApp(Workspace(db), info.id)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            await pilot.press("right_square_bracket")
            await pilot.pause(0.3)
            return screen_text(app)

    screen = asyncio.run(run())
    assert "\x1b" not in screen and BIDI not in screen and "\x07" not in screen
    assert "␛" in screen and "⇄" in screen
    assert "Evil" in screen


def test_qa_and_suggest_tables_show_escapes_as_marks(tmp_path):
    """`mtfix qa` and `mtfix glossary suggest` print document text with ␛ and ⇄, not raw escapes."""
    (tmp_path / "g.tbx").write_text(GLOSSARY_TBX, encoding="utf-8")
    document = tmp_path / "evil.txt"
    document.write_text((HOSTILE + " ") * 3 + "The colour of Dalian University of Technology.\n", encoding="utf-8")
    runner = CliRunner()
    qa = runner.invoke(cli, ["qa", str(document), "-g", str(tmp_path / "g.tbx")])
    assert qa.exit_code in (0, 1), qa.output
    suggest = runner.invoke(cli, ["glossary", "suggest", str(document), "-g", str(tmp_path / "g.tbx")])
    assert suggest.exit_code == 0, suggest.output
    for result in (qa, suggest):
        assert "\x1b" not in result.stdout and BIDI not in result.stdout
    assert "␛" in qa.stdout or "⇄" in qa.stdout


def test_memory_search_and_errors_never_print_raw_escapes(tmp_path):
    """`mtfix tm search` output and error messages show ESC and bidi controls visibly."""
    from click.testing import CliRunner

    from mtfix.cli import cli
    from mtfix.core.models import TmUnit
    from mtfix.store.memory import TranslationMemory

    db = tmp_path / "work.sqlite"
    memory = TranslationMemory(db)
    memory.add(TmUnit("evil \x1b[2J source \u202e", "target \x1b]0;owned\x07", "en", "en"))
    memory.close()
    result = CliRunner().invoke(cli, ["tm", "search", "evil", "--db", str(db)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\u202e" not in result.output and "␛" in result.output
    bad = tmp_path / "bad\x1b[2J.tbx"
    bad.write_text("<martif>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["glossary", "check", str(bad)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "␛" in result.stderr


def test_editor_shows_control_characters_visibly_and_keeps_an_untouched_target():
    """The target editor never passes ESC or bidi controls to the terminal; leaving it unedited changes nothing."""
    import asyncio

    from textual.app import App

    from mtfix.tui.screens.dialogs import EditScreen

    target = "tgt \x1b]0;owned\x07 \u202e y"
    results = []

    class Editor(App):
        def on_mount(self):
            self.push_screen(EditScreen(1, "src \x1b[2J \u202e x", target), results.append)

    async def run():
        app = Editor()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            shown = "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)
            assert "\x1b" not in shown and "\u202e" not in shown and "␛" in shown
            await pilot.press("escape")
            await pilot.pause()

    asyncio.run(run())
    assert results == [target]
