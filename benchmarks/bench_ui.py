"""How fast the review app opens a long document and follows the keyboard.

The real review app (:class:`mtfix.tui.app.ReviewApp`, as ``mtfix review`` runs
it) runs headless under Textual's pilot on a workspace file holding one
document: the sample article's segments repeated to the wanted length, imported
with the fixes the checkout's glossaries propose. Importing runs the fix
engine on every segment, so each workspace is built once and kept in a cache
folder, by size, sample, glossaries and the code that imports it (``--cache``);
every measurement runs on a fresh copy of it, so the decisions it stores never
pile up.

It measures, for the full document and, in the same run, for a 100-segment
baseline:

* **open**: from opening the workspace file and creating the app (which reads
  the overview of every segment) to the first frame written with rows in it,
  the median of several openings (``--opens``), each on a fresh copy;
* **keypress -> frame**: from sending a key to the driver to the first frame
  written that shows its effect, for ``down`` (next segment, from the middle of
  the document: the cursor row *and* the detail panel of the new segment) and
  ``space`` (toggle the highlighted fix of a segment that has fixes: one
  committed workspace write, then the detail panel showing the new decision).
  Before each key the app is left to go idle and its memory lookups to finish,
  so every key starts from a quiet screen. The workspace's memory is empty:
  each move still runs a lookup (in a worker thread), which finds nothing.
* **QA run**: the app checks the whole document in a worker thread at open (as
  ``mtfix review`` does): how long until its findings show, and ``down`` timed
  as above while it runs (only a pause between keys), from the first segment.

Frames are timed where Textual hands them to the driver (``App._display``;
Textual is pinned), including turning the frame into terminal output, which a
headless driver would skip. Waiting with ``pilot.press()`` + ``pilot.pause()``
instead would add Textual's idle polling (20 ms steps) to every figure; that
figure is printed too, for comparison.

Run it from the repository root::

    python -m benchmarks.bench_ui                    # 100,000 segments, 50 keys each, 3 openings
    python -m benchmarks.bench_ui --segments 20000
    python -m benchmarks.bench_ui --quick            # a smoke run of a few seconds
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    # Run as a file (python benchmarks/bench_ui.py): make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import textual  # noqa: E402
from textual import events  # noqa: E402

from mtfix.config import load_config  # noqa: E402
from mtfix.core.glossary import FixEngine  # noqa: E402
from mtfix.core.qa import QaChecker  # noqa: E402
from mtfix.core.segment import segment_text  # noqa: E402
from mtfix.formats.glossary_files import load_glossaries  # noqa: E402
from mtfix.store.workspace import Workspace  # noqa: E402
from mtfix.tui.app import ReviewApp  # noqa: E402
from mtfix.tui.widgets import DetailPanel, SegmentList  # noqa: E402
from mtfix.workflow import open_for_review  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpora" / "dut-international-2022.txt"
SIZE = (80, 24)
BASELINE_SEGMENTS = 100
GOAL_OPEN = 1.5
GOAL_KEY_MS = 50.0
_CACHE_FORMAT = 1  # bump when the way the cached workspaces are built changes


class CountingWorkspace(Workspace):
    """A workspace that counts the segments read in full (the app reads them lazily)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reads = 0

    def segment(self, document_id, index):
        self.reads += 1
        return super().segment(document_id, index)


class TimedReviewApp(ReviewApp):
    """The review app, noting when each frame is handed to the driver.

    Args:
        workspace: The open workspace.
        document_id: The document to review.
        checker: The QA checks run over the document at open, in a worker thread.
        created: When the benchmark started opening it (``time.perf_counter()``).
    """

    # Textual reads CSS_PATH relative to the subclass's module: point it back at the app's stylesheet.
    CSS_PATH = str(Path(sys.modules[ReviewApp.__module__].__file__).with_name(ReviewApp.CSS_PATH))

    def __init__(self, workspace: Workspace, document_id: int, checker: QaChecker, created: float) -> None:
        super().__init__(workspace, document_id, checker=checker)
        self.created = created
        self.first_frame: float | None = None
        self.checks_done: float | None = None
        self.reads_to_open = 0
        self.frame_time = 0.0
        self.frame_check: Callable[[], bool] | None = None
        self.frame_seen = asyncio.Event()

    def _display(self, screen, renderable) -> None:  # Textual's hand-over of a frame to the driver
        super()._display(screen, renderable)
        if renderable is None or self._batch_count:
            return  # Textual wrote nothing
        if self.is_headless:
            # A terminal driver would turn the frame into escape sequences: pay for that too.
            renderable.render_segments(self.console)
        now = time.perf_counter()
        if self.first_frame is None and self.query(SegmentList) and self.query_one(SegmentList).virtual_size.height:
            self.first_frame = now
            self.reads_to_open = self.workspace.reads
        if self.frame_check is not None and self.frame_check():
            self.frame_time = now
            self.frame_check = None
            self.frame_seen.set()

    def on_review_app_checks_done(self, message: ReviewApp.ChecksDone) -> None:
        super().on_review_app_checks_done(message)
        self.checks_done = time.perf_counter()

    async def time_key(self, key: str, done: Callable[[], bool]) -> float:
        """Seconds from sending ``key`` to the first frame written after ``done()`` holds."""
        self.frame_seen.clear()
        self.frame_check = done
        event = events.Key(key, " " if key == "space" else None)
        event.set_sender(self)
        start = time.perf_counter()
        self._driver.send_message(event)
        await asyncio.wait_for(self.frame_seen.wait(), timeout=10)
        return self.frame_time - start


@dataclass
class Result:
    """The figures of one document size."""

    segments: int
    open_seconds: list[float]
    """One per opening, each on a fresh copy of the workspace."""
    reads_to_open: int
    """Segments read in full from the workspace before the first frame."""
    qa_seconds: float | None = None
    """From opening to the QA run's findings being shown."""
    during_qa_ms: list[float] = field(default_factory=list)
    """Next segment, pressed while the QA run is going on."""
    next_ms: list[float] = field(default_factory=list)
    toggle_ms: list[float] = field(default_factory=list)
    pilot_next_ms: list[float] = field(default_factory=list)


async def _quiet(app: TimedReviewApp, pilot) -> None:
    """Let the app go idle: messages handled, memory lookups done, their results shown."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def measure(workspace_file: Path, document_id: int, checker: QaChecker, keys: int) -> Result:
    """Open the review app on the document of ``workspace_file`` and time ``keys`` presses of each kind."""
    created = time.perf_counter()
    app = TimedReviewApp(CountingWorkspace(workspace_file), document_id, checker, created)
    async with app.run_test(size=SIZE) as pilot:
        while app.first_frame is None and app.return_code is None:  # set if the app crashed
            await asyncio.sleep(0.001)
        if app.first_frame is None:
            return Result(0, [], 0)  # leaving run_test raises the app's error
        count = len(app.review.summaries)
        result = Result(count, [app.first_frame - app.created], app.reads_to_open)
        if not keys:
            return result
        segments = app.query_one(SegmentList)
        detail = app.query_one(DetailPanel)

        # A reviewer starts moving at once, while the QA run still reads and checks every segment.
        while len(result.during_qa_ms) < keys and segments.cursor < count - 1:
            await pilot.pause()
            if app.checks_done is not None:
                break
            target = segments.cursor + 1
            seconds = await app.time_key(
                "down", lambda target=target: segments.cursor == target and detail.segment_index == target
            )
            result.during_qa_ms.append(seconds * 1000)
        await _quiet(app, pilot)
        result.qa_seconds = app.checks_done - app.created

        app.go_to(max(0, min(count // 2, count - keys - 1)))  # room for every press
        for _ in range(keys):
            await _quiet(app, pilot)
            target = segments.cursor + 1
            seconds = await app.time_key(
                "down", lambda target=target: segments.cursor == target and detail.segment_index == target
            )
            result.next_ms.append(seconds * 1000)

        with_fixes = [s.index for s in app.review.summaries if s.open_fixes]
        assert with_fixes, "no segment of the document has a fix"
        following = [i for i in with_fixes if i > app.current]
        for n in range(keys):
            index = (following or with_fixes)[n % len(following or with_fixes)]
            app.go_to(index)
            await _quiet(app, pilot)
            highlighted = detail.fix_cursor
            before = detail.fixes[highlighted].state
            seconds = await app.time_key(
                "space",
                lambda index=index, highlighted=highlighted, before=before: detail.segment_index == index
                and len(detail.fixes) > highlighted
                and detail.fixes[highlighted].state != before,
            )
            result.toggle_ms.append(seconds * 1000)

        for _ in range(min(keys, 20)):
            await _quiet(app, pilot)
            start = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            result.pilot_next_ms.append((time.perf_counter() - start) * 1000)
        await pilot.press("end")
        await pilot.pause()
        assert app.current == count - 1, "end did not reach the last segment"
    return result


def repeated_article(count: int) -> str:
    """The sample article's segments, with their separators, repeated to ``count`` segments."""
    prefix, segments = segment_text(SAMPLE.read_text(encoding="utf-8"))
    pieces = [segment.text + segment.separator for segment in segments]
    pieces[-1] = segments[-1].text + "\n\n"  # the article ends without a paragraph break
    return prefix + "".join(pieces[n % len(pieces)] for n in range(count)).rstrip("\n") + "\n"


def _cache_key(count: int) -> str:
    digest = hashlib.sha256(f"{_CACHE_FORMAT} {count}".encode())
    digest.update(SAMPLE.read_bytes())
    for glossary in load_config(start=REPO).glossaries:
        digest.update(Path(glossary).read_bytes())
    # The code that segments, fixes and stores the document: a change rebuilds the workspace.
    package = REPO / "mtfix"
    for source in sorted([*package.glob("core/*.py"), *package.glob("store/*.py"),
                          package / "formats" / "text.py", package / "workflow.py"]):
        digest.update(source.read_bytes())
    return f"{count}-{digest.hexdigest()[:12]}"


def prepare(count: int, cache: Path, engine: FixEngine) -> tuple[Path, int]:
    """A workspace file holding a document of ``count`` segments, built once and cached.

    Args:
        count: The number of segments.
        cache: The folder the workspaces are kept in.
        engine: The fix engine, run when the workspace is built.

    Returns:
        The workspace file and the document's id in it.
    """
    folder = cache / _cache_key(count)
    workspace_file = folder / "work.sqlite"
    if not workspace_file.exists():
        print(f"preparing a workspace of {count:,} segments in {folder} (once: the fix engine runs "
              "on every segment)...", file=sys.stderr)
        started = time.perf_counter()
        building = Path(tempfile.mkdtemp(prefix="building-", dir=cache))
        document = building / f"article-{count}.txt"
        document.write_text(repeated_article(count), encoding="utf-8")
        with Workspace(building / "work.sqlite") as workspace:
            info, _ = open_for_review(workspace, document, engine)
            assert info.segment_count == count, f"{info.segment_count} segments instead of {count}"
        try:
            building.rename(folder)  # all at once: an interrupted build leaves no half cache
        except OSError:  # another run built it meanwhile
            shutil.rmtree(building, ignore_errors=True)
        print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with Workspace(workspace_file) as workspace:
        (info,) = workspace.documents()
    return workspace_file, info.id


def fresh_copy(workspace_file: Path, scratch: Path) -> Path:
    """A copy of the workspace file in ``scratch``, for one measurement to change."""
    copy = Path(tempfile.mkdtemp(dir=scratch)) / workspace_file.name
    for suffix in ("", "-wal", "-shm"):
        companion = workspace_file.with_name(workspace_file.name + suffix)
        if companion.exists():
            shutil.copyfile(companion, copy.with_name(copy.name + suffix))
    return copy


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):6.1f} {p90:6.1f} {ordered[-1]:6.1f}"


def render(results: list[Result], keys: int, opens: int) -> str:
    """The report: open times, then keypress latencies, with the goals judged on the largest size."""
    largest = max(results, key=lambda r: r.segments)
    lines = [
        f"mtfix review app, {SIZE[0]}x{SIZE[1]}: Textual {textual.__version__}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}",
        "",
        f"open: workspace opened and app created -> first frame with rows, seconds ({opens} opening{'s' * (opens != 1)} each)",
        f"  {'segments':>9}  {'median':>8}  {'max':>8}  {'segments read to open':>21}",
    ]
    for r in results:
        lines.append(f"  {r.segments:>9,}  {statistics.median(r.open_seconds):>8.3f}  {max(r.open_seconds):>8.3f}"
                     f"  {r.reads_to_open:>21,}")
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
    lines += [
        "  * each toggle is one committed workspace write (synchronous=FULL)",
        "",
        "QA run at open (a worker thread): seconds until its findings show, and next segment while it runs, ms",
        f"  {'segments':>9}  {'QA done':>8}  {'keys':>5}  {'median, p90, max':>20}",
    ]
    for r in results:
        qa = f"{r.qa_seconds:8.3f}" if r.qa_seconds is not None else f"{'-':>8}"
        lines.append(f"  {r.segments:>9,}  {qa}  {len(r.during_qa_ms):>5}  {_spread(r.during_qa_ms):>20}")
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    open_median = statistics.median(largest.open_seconds)
    next_median = statistics.median(largest.next_ms)
    toggle_median = statistics.median(largest.toggle_ms)
    lines += [
        "",
        f"goals at {largest.segments:,} segments:",
        f"  open <= {GOAL_OPEN} s median: {open_median:.3f} s, {met(open_median <= GOAL_OPEN)}",
        f"  next segment <= {GOAL_KEY_MS:.0f} ms median: {next_median:.1f} ms, {met(next_median <= GOAL_KEY_MS)}",
        f"  toggle fix <= {GOAL_KEY_MS:.0f} ms median: {toggle_median:.1f} ms, {met(toggle_median <= GOAL_KEY_MS)}",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=100_000, help="segments in the document")
    parser.add_argument("--keys", type=int, default=50, help="presses timed per kind of key")
    parser.add_argument("--opens", type=int, default=3, help="openings timed per document")
    parser.add_argument("--quick", action="store_true", help="2,000 segments, 3 keys, 1 opening: a smoke run")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "mtfix-bench-ui",
                        help="where the prepared workspaces are kept (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.quick:
        args.segments, args.keys, args.opens = 2_000, 3, 1
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the report on stdout."""
    args = parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    # What mtfix review builds from the checkout's settings before it opens the workspace.
    config = load_config(start=REPO)
    engine = FixEngine(load_glossaries(config.glossaries), language=config.language, near_misses=True,
                       fuzzy_threshold=config.fuzzy_threshold)
    checker = QaChecker(engine.glossary, language=config.language)
    workspaces = {count: prepare(count, args.cache, engine) for count in (BASELINE_SEGMENTS, args.segments)}
    with tempfile.TemporaryDirectory(prefix="mtfix-bench-ui-") as scratch:
        baseline_file, baseline_id = workspaces[BASELINE_SEGMENTS]
        # The first app of a process pays for imports and stylesheet parsing: not a document's cost.
        asyncio.run(measure(fresh_copy(baseline_file, Path(scratch)), baseline_id, checker, keys=0))
        results = []
        for count, (workspace_file, document_id) in workspaces.items():
            print(f"measuring {count:,} segments...", file=sys.stderr)
            result = asyncio.run(measure(fresh_copy(workspace_file, Path(scratch)), document_id, checker, args.keys))
            for _ in range(args.opens - 1):
                again = asyncio.run(measure(fresh_copy(workspace_file, Path(scratch)), document_id, checker, keys=0))
                result.open_seconds += again.open_seconds
            results.append(result)
    print(render(results, args.keys, args.opens))
    return 0


if __name__ == "__main__":
    sys.exit(main())
