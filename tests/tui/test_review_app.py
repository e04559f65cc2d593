"""The review app driven by a pilot: every action lands in the workspace at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtfix.config import load_config
from mtfix.core.glossary import FixEngine
from mtfix.core.models import FixDecision, SegmentStatus, TmUnit
from mtfix.formats.glossary_files import load_glossaries
from mtfix.store.workspace import Workspace
from mtfix.tui.app import ReviewApp
from mtfix.tui.widgets import DetailPanel, SegmentList
from mtfix.workflow import open_for_review

from tui_testing import pilot_test, screen_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpora" / "dut-international-2022.txt"
ENGINE = FixEngine(load_glossaries(load_config(start=ROOT).glossaries), near_misses=True)


@pytest.fixture
def review(tmp_path):
    """A workspace holding the sample, and a factory for review apps on it."""
    document = tmp_path / "article.txt"
    document.write_bytes(SAMPLE.read_bytes())
    db = tmp_path / "work.sqlite"
    with Workspace(db) as workspace:
        info, _ = open_for_review(workspace, document, ENGINE)

    class Session:
        path = document
        doc_id = info.id
        export = tmp_path / "article.cleaned.txt"

        def app(self, **options) -> ReviewApp:
            return ReviewApp(Workspace(db), info.id, export_path=self.export, **options)

        def workspace(self) -> Workspace:
            return Workspace(db)

    return Session()


def index_of(review, text: str) -> int:
    with review.workspace() as ws:
        return next(s.index for s in ws.segments(review.doc_id) if text in s.mt)


async def go_to(pilot, app: ReviewApp, index: int) -> None:
    app.go_to(index)
    await pilot.pause()


@pilot_test
async def test_opens_on_first_unconfirmed_segment(review):
    """A resumed review starts where it stopped."""
    with review.workspace() as ws:
        ws.confirm(review.doc_id, 0)
        ws.confirm(review.doc_id, 1)
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.current == 2


@pilot_test
async def test_reject_one_fix_and_accept_another(review):
    """space toggles the highlighted fix; ] moves to the next; each is stored."""
    byline = index_of(review, "Author:Dalian")
    big_work = index_of(review, "the big work")
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, byline)
        await pilot.press("space")  # "Author:" -> "Author: " was automatic: now rejected
        await go_to(pilot, app, big_work)
        panel = app.query_one(DetailPanel)
        suggested = next(i for i, f in enumerate(panel.fixes) if f.before == "the big work")
        for _ in range(suggested):
            await pilot.press("right_square_bracket")
        await pilot.press("space")  # the suggestion is accepted
        await pilot.pause()
    with review.workspace() as ws:
        first = ws.segment(review.doc_id, byline)
        assert first.fixes[0].decision is FixDecision.REJECTED
        assert first.target.startswith("Author:Dalian University of Technology")
        second = ws.segment(review.doc_id, big_work)
        assert "the voice of DUT" in second.target
        assert second.status is SegmentStatus.DRAFT


@pilot_test
async def test_accept_all_and_reject_all(review):
    """a accepts and x rejects every fix of the segment."""
    index = index_of(review, "Surabaya University of Technology")
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, index)
        await pilot.press("a")
        await pilot.pause()
        with review.workspace() as ws:
            assert all(p.accepted for p in ws.segment(review.doc_id, index).fixes)
            assert "Institut Teknologi Sepuluh Nopember" in ws.segment(review.doc_id, index).target
        await pilot.press("x")
        await pilot.pause()
    with review.workspace() as ws:
        state = ws.segment(review.doc_id, index)
        assert not any(p.accepted for p in state.fixes)
        assert state.target == state.mt


@pilot_test
async def test_edit_is_stored_when_leaving_the_editor(review):
    """enter opens the editor; escape leaves it and stores the edit."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, 0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("backspace", *"ion!", "escape")  # the editor opens at the end
        await pilot.pause()
    with review.workspace() as ws:
        state = ws.segment(review.doc_id, 0)
        assert state.edited and state.target.endswith("universities constructioion!")


@pilot_test
async def test_confirm_stores_in_memory_and_moves_on(review):
    """c confirms, fills the memory, and highlights the next unconfirmed segment."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, 3)
        await pilot.press("c")
        await pilot.pause()
        assert app.current == 4
    with review.workspace() as ws:
        state = ws.segment(review.doc_id, 3)
        assert state.status is SegmentStatus.CONFIRMED
        [match] = ws.memory.exact(state.mt)
        assert match.unit.target == state.target


@pilot_test
async def test_undo_after_restart(review):
    """u undoes the last action even after the app was closed and opened again."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, 5)
        await pilot.press("c")
        await pilot.pause()
    again = review.app()
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert again.current == 5
        await pilot.press("ctrl+y")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
    with review.workspace() as ws:
        assert ws.segment(review.doc_id, 5).status is not SegmentStatus.CONFIRMED
        assert ws.memory.exact(ws.segment(review.doc_id, 5).mt) == []


@pilot_test
async def test_export_writes_current_targets(review):
    """ctrl+e asks about unconfirmed segments, then writes the cleaned text atomically."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("enter")  # the file offered: the document's own format
        await pilot.pause()
    cleaned = review.export.read_text(encoding="utf-8")
    assert "Dalian University of Science and Technology" not in cleaned
    assert "first-class universities" in cleaned
    assert cleaned.count("\n") == SAMPLE.read_text(encoding="utf-8").count("\n")


@pilot_test
async def test_export_of_mt_for_unconfirmed_is_byte_identical(review):
    """With nothing confirmed, exporting MT text for unconfirmed segments gives the file back."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert review.export.read_bytes() == SAMPLE.read_bytes()


@pilot_test
async def test_search_and_filters(review):
    """/ narrows the view to matching segments; f cycles all, unconfirmed, with fixes."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"Libertia", "enter")
        await pilot.pause()
        assert len(app.review) == 1
        assert "Libertia" in app.review.state(app.current).mt
        await pilot.press("slash", "ctrl+u", "enter")  # an empty search shows everything
        await pilot.pause()
        total = len(app.review)
        await pilot.press("f")  # unconfirmed
        await pilot.press("f")  # with fixes
        await pilot.pause()
        assert app.review.filter.name == "with fixes"
        assert 0 < len(app.review) < total
        assert all(app.review.state(i).fixes for i in app.review.indices)
        assert "with fixes" in screen_text(app)


@pilot_test
async def test_memory_match_is_inserted_with_alt_1(review):
    """A memory match for the segment appears and alt+1 makes it the target."""
    with review.workspace() as ws:
        mt = ws.segment(review.doc_id, 4).mt
        ws.memory.add(TmUnit(mt.replace("Dalian", "Dalian City"), "An approved translation.", "en", "en"))
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, 4)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one(DetailPanel).matches
        await pilot.press("alt+1")
        await pilot.pause()
    with review.workspace() as ws:
        assert ws.segment(review.doc_id, 4).target == "An approved translation."


@pilot_test
async def test_palette_goes_to_a_segment(review):
    """ctrl+p, "42", enter: segment 42 is highlighted."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("4", "2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current == 41


@pilot_test
async def test_apply_rule_to_whole_document_after_preview(review):
    """Rejecting a rule everywhere previews the count, then changes every segment."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.accept_rule_everywhere("space-before-hyphen", False)
        await pilot.pause()
        assert "segment(s) change" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
    with review.workspace() as ws:
        hyphens = [p for s in ws.segments(review.doc_id) for p in s.fixes if p.fix.rule == "space-before-hyphen"]
        assert hyphens and all(p.decision is FixDecision.REJECTED for p in hyphens)
        assert "first -class" in ws.export_text(review.doc_id)


@pilot_test
async def test_keymap_remaps_a_key(review):
    """[keymap] review.confirm = "ctrl+k" confirms with ctrl+k."""
    app = review.app(keymap={"review.confirm": "ctrl+k"})
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, 7)
        await pilot.press("ctrl+k")
        await pilot.pause()
    with review.workspace() as ws:
        assert ws.segment(review.doc_id, 7).status is SegmentStatus.CONFIRMED


@pilot_test
async def test_help_lists_every_key(review):
    """? shows every binding id of the review."""
    app = review.app()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for binding_id in ("review.confirm", "review.undo", "review.export", "segment.next", "fix.toggle"):
            assert binding_id in text


@pilot_test
async def test_resize_keeps_everything(review):
    """After a resize to 80x24 the current segment and its text are still shown."""
    app = review.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await go_to(pilot, app, 10)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.current == 10
        assert app.query_one(SegmentList).row_lines(app.query_one(SegmentList).cursor)
        assert "11" in screen_text(app)


@pilot_test
async def test_qa_findings_are_shown_and_filtered(review):
    """The QA worker's findings appear in the detail panel; f reaches "with findings"."""
    from mtfix.core.qa import QaChecker

    app = review.app(checker=QaChecker(ENGINE.glossary))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.review.findings
        for _ in range(3):
            await pilot.press("f")
        await pilot.pause()
        assert app.review.filter.name == "with findings"
        assert set(app.review.indices) == set(app.review.findings)
        assert app.query_one(DetailPanel).findings


@pilot_test
async def test_an_edit_is_checked_again_at_once(review):
    """A target edited to contain a double space gets its finding without a new QA run."""
    from mtfix.core.qa import QaChecker

    app = review.app(checker=QaChecker(ENGINE.glossary))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await go_to(pilot, app, 0)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space", "space", "x", "escape")
        await pilot.pause()
        assert "double_space" in [f.check for f in app.review.findings[0]]


@pilot_test
async def test_post_editing_report_from_the_palette(review):
    """The palette's report action writes the HTML report beside the export."""
    app = review.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await go_to(pilot, app, 3)
        await pilot.press("c")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"post-editing report")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
    page = review.export.with_name("article.report.html").read_text(encoding="utf-8")
    assert "Post-editing report" in page and "confirmed" in page


@pilot_test
async def test_dismissed_findings_stay_dismissed(review):
    """i dismisses the segment's findings with a reason; after a restart they stay hidden."""
    from mtfix.core.qa import QaChecker

    index = index_of(review, "Dalian University of Science and Technology has established")
    with review.workspace() as ws:
        ws.set_target(review.doc_id, index, ws.segment(review.doc_id, index).target + "  Extra.")
    app = review.app(checker=QaChecker(ENGINE.glossary))
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await go_to(pilot, app, index)
        assert "double_space" in [f.check for f in app.review.findings[index]]
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"house style", "enter")
        await pilot.pause()
        assert index not in app.review.findings
    with review.workspace() as ws:
        reasons = ws.dismissals(review.doc_id)[index]
        assert set(reasons.values()) == {"house style"}
    again = review.app(checker=QaChecker(ENGINE.glossary))
    async with again.run_test(size=(100, 30)) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        assert index not in again.review.findings


@pilot_test
async def test_time_on_a_segment_is_recorded(review):
    """The time a segment stays highlighted is added to it when the reviewer moves on."""
    now = [1000.0]
    app = review.app()
    app.clock = lambda: now[0]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        start = app.current
        now[0] = 1030.0
        await pilot.press("down")
        await pilot.pause()
        now[0] = 1030.5  # a glance is not review time
        await pilot.press("down")
        await pilot.pause()
    with review.workspace() as ws:
        assert ws.times(review.doc_id) == {start: 30.0}
