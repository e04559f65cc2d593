"""How fast the review screen opens a long document and follows the keyboard.

The review screen (segment list, detail panel, status line, styled by
``mtfix/tui/mtfix.tcss``) runs headless under Textual's pilot on a document made
of the sample article's segments repeated to the wanted length, with the fixes
the checkout's glossaries propose. Rows are built on demand, each time fixing
its text with the engine, as a workspace-backed app would read them on demand.

It measures, for the full document and, in the same run, for a 100-segment
baseline:

* **open**: from creating the app to the first frame written with rows in it;
* **keypress → frame**: from sending a key to the driver to the first frame
  written that shows its effect (the cursor row *and* the detail panel of the
  new segment), for ``down`` (next segment) and ``space`` (toggle the first fix
  of the segment, held in memory: no workspace write). Before each key the app
  is left to go idle, so every key starts from a quiet screen.

Frames are timed where Textual hands them to the driver (``App._display``;
Textual is pinned). Waiting with ``pilot.press()`` + ``pilot.pause()`` instead
would add Textual's idle polling (20 ms steps) to every figure; that figure is
printed too, for comparison.

Run it from the repository root::

    python -m benchmarks.bench_ui                    # 100,000 segments, 50 keys each
    python -m benchmarks.bench_ui --segments 20000
    python -m benchmarks.bench_ui --quick            # a smoke run of a few seconds
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    # Run as a file (python benchmarks/bench_ui.py): make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import textual  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.binding import Binding  # noqa: E402

from mtfix.config import load_config  # noqa: E402
from mtfix.core.apply import apply_fixes  # noqa: E402
from mtfix.core.glossary import FixEngine  # noqa: E402
from mtfix.core.models import Fix  # noqa: E402
from mtfix.core.segment import segment_text  # noqa: E402
from mtfix.formats.glossary_files import load_glossaries  # noqa: E402
from mtfix.tui.widgets import (  # noqa: E402
    DetailPanel,
    FixState,
    FixView,
    SegmentList,
    SegmentRow,
    StatusLine,
    changes_from_fixes,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpora" / "dut-international-2022.txt"
STYLESHEET = REPO / "mtfix" / "tui" / "mtfix.tcss"
SIZE = (80, 24)
BASELINE_SEGMENTS = 100
GOAL_OPEN = 1.5
GOAL_KEY_MS = 50.0
STATUSES = ("new", "new", "draft", "confirmed", "new", "rejected", "draft")


class SampleDocument:
    """The sample article's segments repeated to ``count``; a row provider that fixes on demand.

    Args:
        count: The number of segments.
        engine: The fix engine run on each row's text when the row is built.
        texts: The distinct segment texts to repeat.
    """

    def __init__(self, count: int, engine: FixEngine, texts: Sequence[str]) -> None:
        self.count = count
        self.engine = engine
        self.texts = list(texts)
        self.flipped: set[tuple[int, int]] = set()  # (segment, fix) the reviewer toggled

    def __len__(self) -> int:
        return self.count

    def text(self, index: int) -> str:
        return self.texts[index % len(self.texts)]

    def fixes(self, index: int) -> list[Fix]:
        return self.engine.find_fixes(self.text(index))

    def row(self, index: int) -> SegmentRow:
        fixes = self.fixes(index)
        applied = [f for n, f in enumerate(fixes) if f.applied != ((index, n) in self.flipped)]
        changes = changes_from_fixes(applied)
        return SegmentRow(
            index + 1,
            STATUSES[index % len(STATUSES)],
            self.text(index),
            apply_fixes(self.text(index), applied),
            changes.source_marks,
            changes.target_marks,
            changes.deleted,
        )

    def fix_views(self, index: int) -> list[FixView]:
        views = []
        for n, fix in enumerate(self.fixes(index)):
            if (index, n) not in self.flipped:
                state = FixState.ACCEPTED if fix.applied else FixState.SUGGESTED
            else:
                state = FixState.REJECTED if fix.applied else FixState.ACCEPTED
            views.append(FixView(fix.rule, fix.before, fix.after, str(fix.kind), state, fix.score, fix.note))
        return views


class ReviewScreenApp(App):
    """The three review widgets wired as the review app wires them, with frames timed.

    ``space`` toggles the first fix of the segment, in memory.
    """

    CSS_PATH = str(STYLESHEET)
    BINDINGS = [Binding("space", "toggle_fix", "Toggle fix", id="review.toggle_fix")]

    def __init__(self, document: SampleDocument) -> None:
        super().__init__()
        self.document = document
        self.created = time.perf_counter()
        self.first_frame: float | None = None
        self.frame_time = 0.0
        self.frame_check: Callable[[], bool] | None = None
        self.frame_seen = asyncio.Event()
        self.toggles = 0

    def compose(self) -> ComposeResult:
        yield SegmentList(self.document)
        yield DetailPanel()
        yield StatusLine()

    def on_mount(self) -> None:
        self.query_one(SegmentList).focus()
        self.query_one(StatusLine).set_progress(0, len(self.document), 0, 0)

    def on_segment_list_highlighted(self, message: SegmentList.Highlighted) -> None:
        self.show_segment(message.index)

    def show_segment(self, index: int) -> None:
        document = self.document
        self.query_one(DetailPanel).show(index, document.fix_views(index), source=document.text(index))

    def action_toggle_fix(self) -> None:
        index = self.query_one(SegmentList).cursor
        self.document.flipped.symmetric_difference_update({(index, 0)})
        self.query_one(SegmentList).refresh_row(index)
        self.show_segment(index)
        self.toggles += 1

    def _display(self, screen, renderable) -> None:  # Textual's hand-over of a frame to the driver
        super()._display(screen, renderable)
        now = time.perf_counter()
        if self.first_frame is None and self.query(SegmentList) and self.query_one(SegmentList).virtual_size.height:
            self.first_frame = now
        if self.frame_check is not None and self.frame_check():
            self.frame_time = now
            self.frame_check = None
            self.frame_seen.set()

    async def time_key(self, key: str, done: Callable[[], bool]) -> float:
        """Seconds from sending ``key`` to the first frame written after ``done()`` holds."""
        self.frame_seen.clear()
        self.frame_check = done
        event = events.Key(key, " " if key == "space" else None)
        event.set_sender(self)
        start = time.perf_counter()
        self._driver.send_message(event)
        await asyncio.wait_for(self.frame_seen.wait(), timeout=5)
        return self.frame_time - start


@dataclass
class Result:
    """The figures of one document size."""

    segments: int
    open_seconds: float
    next_ms: list[float] = field(default_factory=list)
    toggle_ms: list[float] = field(default_factory=list)
    pilot_next_ms: list[float] = field(default_factory=list)
    rows_built: int = 0
    """Rows the list asked the document for before the first frame."""


async def measure(document: SampleDocument, keys: int) -> Result:
    """Open the review screen on ``document`` and time ``keys`` presses of each kind."""
    built = 0
    row = document.row

    def counting_row(index: int) -> SegmentRow:
        nonlocal built
        built += 1
        return row(index)

    document.row = counting_row  # type: ignore[method-assign]
    app = ReviewScreenApp(document)
    async with app.run_test(size=SIZE) as pilot:
        while app.first_frame is None:
            await asyncio.sleep(0.001)
        result = Result(len(document), app.first_frame - app.created, rows_built=built)
        if not keys:
            return result
        segments = app.query_one(SegmentList)
        detail = app.query_one(DetailPanel)
        await pilot.pause()
        for _ in range(keys):
            await pilot.pause()
            target = segments.cursor + 1
            seconds = await app.time_key(
                "down", lambda: segments.cursor == target and detail.segment_index == target
            )
            result.next_ms.append(seconds * 1000)
        for _ in range(keys):
            segments.action_cursor_down()
            while not document.fixes(segments.cursor) and segments.cursor < len(document) - 1:
                segments.action_cursor_down()
            await pilot.pause()
            toggles = app.toggles + 1
            seconds = await app.time_key("space", lambda: app.toggles == toggles)
            result.toggle_ms.append(seconds * 1000)
        for _ in range(min(keys, 20)):
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            result.pilot_next_ms.append((time.perf_counter() - start) * 1000)
        await pilot.press("end")
        await pilot.pause()
        assert segments.cursor == len(document) - 1, "end did not reach the last segment"
    return result


def load_texts() -> tuple[FixEngine, list[str]]:
    """The checkout's fix engine and the sample article's segment texts."""
    config = load_config(start=REPO)
    engine = FixEngine(load_glossaries(config.glossaries), language=config.language, near_misses=True)
    _, segments = segment_text(SAMPLE.read_text(encoding="utf-8"))
    return engine, [segment.text for segment in segments]


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):6.1f} {p90:6.1f} {ordered[-1]:6.1f}"


def render(results: list[Result], keys: int) -> str:
    """The report: open times, then keypress latencies, with the goals judged on the largest size."""
    largest = max(results, key=lambda r: r.segments)
    lines = [
        f"mtfix review screen, {SIZE[0]}x{SIZE[1]}: Textual {textual.__version__}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}",
        "",
        "open: app created -> first frame with rows",
        f"  {'segments':>9}  {'seconds':>8}  {'rows built to open':>18}",
    ]
    for r in results:
        lines.append(f"  {r.segments:>9,}  {r.open_seconds:>8.3f}  {r.rows_built:>18,}")
    lines += [
        "",
        f"keypress -> frame showing it, ms ({keys} keys each): median, p90, max",
        f"  {'segments':>9}  {'next segment':>20}  {'toggle fix*':>20}  {'pilot press+pause':>20}",
    ]
    for r in results:
        lines.append(
            f"  {r.segments:>9,}  {_spread(r.next_ms):>20}  {_spread(r.toggle_ms):>20}"
            f"  {_spread(r.pilot_next_ms):>20}"
        )
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    next_median = statistics.median(largest.next_ms)
    toggle_median = statistics.median(largest.toggle_ms)
    lines += [
        "  * the fix decision is held in memory: no workspace write is timed",
        "",
        f"goals at {largest.segments:,} segments:",
        f"  open <= {GOAL_OPEN} s: {largest.open_seconds:.3f} s, {met(largest.open_seconds <= GOAL_OPEN)}",
        f"  next segment <= {GOAL_KEY_MS:.0f} ms median: {next_median:.1f} ms, {met(next_median <= GOAL_KEY_MS)}",
        f"  toggle fix <= {GOAL_KEY_MS:.0f} ms median: {toggle_median:.1f} ms, {met(toggle_median <= GOAL_KEY_MS)}",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=100_000, help="segments in the document")
    parser.add_argument("--keys", type=int, default=50, help="presses timed per kind of key")
    parser.add_argument("--quick", action="store_true", help="2,000 segments, 3 keys: a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.segments, args.keys = 2_000, 3
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the report on stdout."""
    args = parse_args(argv)
    engine, texts = load_texts()
    # The first app of a process pays for imports and stylesheet parsing: not a document's cost.
    asyncio.run(measure(SampleDocument(BASELINE_SEGMENTS, engine, texts), keys=0))
    results = []
    for count in (BASELINE_SEGMENTS, args.segments):
        print(f"measuring {count:,} segments...", file=sys.stderr)
        results.append(asyncio.run(measure(SampleDocument(count, engine, texts), args.keys)))
    print(render(results, args.keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
