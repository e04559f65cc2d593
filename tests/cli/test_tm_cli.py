"""``mtfix tm``: import, export, search and stats from the shell."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mtfix.commands.tm import tm_group
from mtfix.formats.tmx import read_tmx

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" creationtool="t" creationtoolversion="1" segtype="sentence"
o-tmf="t" adminlang="en" datatype="plaintext"/><body>
<tu creationdate="20200101T120000Z"><tuv xml:lang="en"><seg>The council approved the budget.</seg></tuv>
<tuv xml:lang="de"><seg>Der Rat hat den Haushalt genehmigt.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>The museum opens on Monday.</seg></tuv>
<tuv xml:lang="de"><seg>Das Museum öffnet am Montag.</seg></tuv></tu>
</body></tmx>
"""


def run(*args: str):
    return CliRunner().invoke(tm_group, list(args))


def test_import_search_stats_export(tmp_path: Path):
    """A memory imported from TMX is searchable, counted, and exported back."""
    db = str(tmp_path / "w.mtfix")
    source = tmp_path / "in.tmx"
    source.write_text(TMX, encoding="utf-8")

    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert "imported 2 units" in result.output

    result = run("search", "museum", "--db", db)
    assert "Das Museum öffnet am Montag." in result.output
    assert "Haushalt" not in result.output

    result = run("search", "--fuzzy", "The council approved the new budget.", "--db", db)
    assert "Der Rat hat den Haushalt genehmigt." in result.output
    assert "memory has" not in result.output and "query has new" in result.output

    result = run("stats", "--db", db)
    assert "units: 2" in result.output and "en -> de: 2" in result.output

    out = tmp_path / "out.tmx"
    result = run("export", "-o", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    units = list(read_tmx(out))
    assert [u.target for u in units] == ["Der Rat hat den Haushalt genehmigt.", "Das Museum öffnet am Montag."]
    assert units[0].created == "2020-01-01T12:00:00Z"


def test_broken_file_exits_2_names_the_line_and_imports_nothing(tmp_path: Path):
    """A malformed TMX gives one error line with file and line, status 2, and an empty memory."""
    db = str(tmp_path / "w.mtfix")
    broken = tmp_path / "broken.tmx"
    broken.write_text(TMX.replace("</tu>\n<tu>", "</tu>\n<tu><oops>"), encoding="utf-8")
    result = run("import", str(broken), "--db", db)
    assert result.exit_code == 2
    assert "broken.tmx:" in result.output and "mtfix: error:" in result.output
    assert "units: 0" in run("stats", "--db", db).output


def test_missing_file_exits_2(tmp_path: Path):
    """Importing a file that does not exist is bad input."""
    result = run("import", str(tmp_path / "nope.tmx"), "--db", str(tmp_path / "w.mtfix"))
    assert result.exit_code == 2
    assert "nope.tmx" in result.output


def test_every_command_has_help():
    """Each tm command documents itself."""
    for command in ("import", "export", "search", "stats"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "--db" in result.output
