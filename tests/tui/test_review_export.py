"""The review's export (ctrl+e) in any registered format: the file name's ending picks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from mtfix.core.glossary import FixEngine
from mtfix.core.models import Glossary
from mtfix.formats.registry import read_document
from mtfix.store.workspace import Workspace
from mtfix.tui.app import ReviewApp
from mtfix.workflow import open_for_review

from tui_testing import pilot_test, screen_text

TSV = "zh\ten\n你好。\tHello.\n谢谢。\tThanks.\n"


@pytest.fixture
def review(tmp_path):
    document = tmp_path / "doc.tsv"
    document.write_text(TSV, encoding="utf-8")
    db = tmp_path / "work.sqlite"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, document, FixEngine(Glossary()))
        workspace.set_target(info.id, 0, "Hello there.")
        workspace.confirm(info.id, 0)

    def app() -> ReviewApp:
        return ReviewApp(Workspace(db), info.id, export_path=tmp_path / "doc.cleaned.tsv")

    return app


async def export_to(pilot, app: ReviewApp, answer: str, path: Path | None) -> None:
    """ctrl+e, the answer about unconfirmed segments, then the file (None: escape)."""
    await pilot.press("ctrl+e")
    await pilot.pause()
    await pilot.press(answer)
    await pilot.pause()
    if path is None:
        await pilot.press("escape")
    else:
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_export_offers_the_cleaned_file_and_names_every_format(review, tmp_path):
    app = review()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one(Input).value == str(tmp_path / "doc.cleaned.tsv")
        text = screen_text(app)
        for ending in (".txt", ".tsv", ".csv", ".xlf", ".po", ".tmx"):
            assert ending in text
        await pilot.press("enter")
        await pilot.pause()
    assert (tmp_path / "doc.cleaned.tsv").read_text(encoding="utf-8") == "zh\ten\n你好。\tHello there.\n谢谢。\tThanks.\n"


@pilot_test
async def test_a_tmx_ending_exports_a_tmx_of_source_and_target(review, tmp_path):
    app = review()
    out = tmp_path / "doc.cleaned.tmx"
    async with app.run_test(size=(100, 30)) as pilot:
        await export_to(pilot, app, "t", out)
    back = read_document(out)
    assert [(s.source, s.text) for s in back.segments] == [("你好。", "Hello there."), ("谢谢。", "Thanks.")]


@pilot_test
async def test_an_xliff_export_of_mt_for_unconfirmed_segments_keeps_their_state(review, tmp_path):
    app = review()
    out = tmp_path / "doc.cleaned.xlf"
    async with app.run_test(size=(100, 30)) as pilot:
        await export_to(pilot, app, "m", out)
    back = read_document(out)
    assert [s.text for s in back.segments] == ["Hello there.", "Thanks."]
    assert back.metadata["statuses"] == ["confirmed", "new"]


@pilot_test
async def test_escape_on_the_file_question_writes_nothing(review, tmp_path):
    app = review()
    async with app.run_test(size=(100, 30)) as pilot:
        await export_to(pilot, app, "t", None)
    assert not list(tmp_path.glob("doc.cleaned*"))


@pilot_test
async def test_an_export_that_cannot_be_written_is_reported_not_fatal(review, tmp_path):
    app = review()
    async with app.run_test(size=(100, 30)) as pilot:
        await export_to(pilot, app, "t", tmp_path / "missing" / "doc.po")
        assert app.is_running
        assert any("cannot" in str(n.message).lower() or "no such" in str(n.message).lower()
                   for n in app._notifications)
    assert not (tmp_path / "missing").exists()
