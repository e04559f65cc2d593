"""Paths and files: outputs never replace their input by accident, links never lead writes astray."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from reliability_harness import REPO, prepare_workspace

from mtfix.cli import cli
from mtfix.errors import MtfixError
from mtfix.formats.atomic import write_atomically

TEXT = "The color of Dalian University of Science and Technology.\n"


@pytest.fixture
def article(tmp_path):
    (tmp_path / "g.tbx").write_text((REPO / "glossaries" / "dut.tbx").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.mark.parametrize("option", ["-o", "--report"])
def test_fix_refuses_to_overwrite_its_input_without_force(article, option):
    """`mtfix fix IN -o IN` (or --report IN) stops with a clear message and leaves IN alone."""
    result = CliRunner().invoke(cli, ["fix", str(article), option, str(article), "-g", str(article.parent / "g.tbx")])
    assert result.exit_code == 2
    assert "the output is the input file" in result.stderr and "--force" in result.stderr
    assert article.read_text(encoding="utf-8") == TEXT


def test_fix_refuses_a_link_to_its_input_too(article):
    """Another name for the same file (a symbolic link) is the same file."""
    link = article.parent / "other-name.txt"
    link.symlink_to(article)
    result = CliRunner().invoke(cli, ["fix", str(article), "-o", str(link), "-g", str(article.parent / "g.tbx")])
    assert result.exit_code == 2
    assert article.read_text(encoding="utf-8") == TEXT


def test_fix_overwrites_its_input_with_force(article):
    """--force says the translator means it."""
    result = CliRunner().invoke(
        cli, ["fix", str(article), "-o", str(article), "--force", "-g", str(article.parent / "g.tbx")])
    assert result.exit_code == 0, result.output
    assert "Dalian University of Technology" in article.read_text(encoding="utf-8")


def test_export_refuses_to_overwrite_the_reviewed_file_without_force(tmp_path):
    """`mtfix export FILE -o FILE` stops with a clear message; with --force it writes."""
    db, document = prepare_workspace(tmp_path, segments=4)
    before = document.read_bytes()
    runner = CliRunner()
    refused = runner.invoke(cli, ["export", str(document), "-o", str(document), "--db", str(db)])
    assert refused.exit_code == 2
    assert "the output is the input file" in refused.stderr
    assert document.read_bytes() == before
    forced = runner.invoke(cli, ["export", str(document), "-o", str(document), "--db", str(db), "--force"])
    assert forced.exit_code == 0, forced.output


def test_write_refuses_a_link_out_of_its_folder(tmp_path):
    """With `inside`, a link leading out of the folder is refused and its target untouched."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    victim = outside / "precious.txt"
    victim.write_text("keep me")
    folder = tmp_path / "work"
    folder.mkdir()
    link = folder / "article.cleaned.txt"
    link.symlink_to(victim)
    with pytest.raises(MtfixError, match="symbolic link"):
        write_atomically(link, b"overwritten", inside=folder)
    assert victim.read_text() == "keep me"
    write_atomically(folder / "fine.txt", b"ok", inside=folder)
    assert (folder / "fine.txt").read_bytes() == b"ok"


def test_review_export_does_not_follow_a_planted_link(tmp_path):
    """NAME.cleaned.EXT planted as a link to a file elsewhere: the review's export refuses, says so, survives."""
    from mtfix.store.workspace import Workspace
    from mtfix.tui.app import ReviewApp
    from mtfix.workflow import default_export_path

    folder = tmp_path / "work"
    folder.mkdir()
    db, document = prepare_workspace(folder, segments=4)
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    default_export_path(document).symlink_to(victim)
    with Workspace(db) as ws:
        doc_id = ws.find_document(document).id

    async def run() -> list[str]:
        app = ReviewApp(Workspace(db), doc_id, export_path=default_export_path(document))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+e")
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()
            await pilot.press("enter")  # the file name offered: NAME.cleaned.EXT
            await pilot.pause()
            return [n.message for n in app._notifications]

    messages = asyncio.run(run())
    assert victim.read_text() == "keep me"
    assert any("symbolic link" in m for m in messages), messages


@pytest.mark.parametrize("umask", [0o002, 0o022, 0o077])
def test_workspace_files_follow_the_umask(tmp_path, umask):
    """The workspace and its -wal/-shm files get 0666 minus the user's umask."""
    script = textwrap.dedent(
        f"""
        import os, sys
        os.umask({umask})
        from mtfix.store.workspace import Workspace
        ws = Workspace(sys.argv[1]); len(ws.memory)
        import stat
        for suffix in ("", "-wal", "-shm"):
            print(oct(stat.S_IMODE(os.stat(sys.argv[1] + suffix).st_mode)))
        ws.close()
        """
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "w.mtfix")], check=False, capture_output=True,
                          text=True, timeout=60, cwd=str(REPO), env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [oct(0o666 & ~umask)] * 3


def test_exports_keep_the_mode_of_the_file_they_replace(tmp_path):
    """Re-exporting over a file keeps its permission bits (a shared 0664 file stays 0664)."""
    out = tmp_path / "out.txt"
    out.write_text("old")
    out.chmod(0o664)
    write_atomically(out, b"new")
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
