"""The review app: one document, segment by segment, every action stored at once.

The app owns the workspace. Widgets show what they are given and post
messages; each handler here makes one workspace call (one committed
transaction), takes the new state of the segments it changed, and repaints
just those rows. Memory lookups run in a worker thread with their own SQLite
connection; a result that arrives after the reviewer moved on is dropped.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from pathlib import Path

from textual import work
from textual.worker import get_current_worker
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message

from mtfix.core.models import Finding, RevisionCause, SegmentState, SegmentStatus, TmMatch
from mtfix.core.qa import QaChecker, QaSegment
from mtfix.formats.registry import format_for, format_named_by, format_names
from mtfix.store.workspace import Workspace
from mtfix.tui.palette import ReviewCommands
from mtfix.tui.review import CROSS_SEGMENT_CHECKS, FILTERS, Review, fix_views
from mtfix.tui.screens.dialogs import ChoiceScreen, EditScreen, LineScreen
from mtfix.tui.screens.help import HelpScreen
from mtfix.tui.widgets import DetailPanel, FindingView, MatchView, SegmentList, StatusLine

log = logging.getLogger(__name__)

IDLE_CAP = 300.0
"""The most time one stretch on a segment counts for: beyond it, the reviewer was away."""


class ReviewApp(App):
    """Review one document of a workspace.

    Args:
        workspace: The open workspace; the app closes it on exit.
        document_id: The document to review.
        export_path: Where ``ctrl+e`` writes the cleaned text.
        keymap: Binding id to keys, from ``mtfix.toml [keymap]``.
        checker: The QA checks; without it no findings are shown.
    """

    TITLE = "mtfix review"
    CSS_PATH = "mtfix.tcss"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    BINDINGS = [
        Binding("a", "accept_all", "Accept fixes", id="review.accept_all"),
        Binding("x", "reject_all", "Reject fixes", id="review.reject_all"),
        Binding("space", "toggle_fix", "Toggle fix", id="review.toggle_fix"),
        Binding("right_square_bracket", "next_fix", "Next fix", show=False, id="review.next_fix"),
        Binding("left_square_bracket", "previous_fix", "Previous fix", show=False, id="review.previous_fix"),
        Binding("enter", "edit", "Edit", id="review.edit"),
        Binding("c", "confirm", "Confirm", id="review.confirm"),
        Binding("u", "undo", "Undo", id="review.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="review.redo"),
        Binding("slash", "search", "Search", show=False, id="review.search"),
        Binding("f", "cycle_filter", "Filter", show=False, id="review.filter"),
        Binding("n", "next_unconfirmed", "Next unconfirmed", show=False, id="review.next_unconfirmed"),
        Binding("i", "dismiss_findings", "Dismiss findings", show=False, id="review.dismiss_findings"),
        Binding("ctrl+e", "export", "Export", show=False, id="review.export"),
        Binding("question_mark", "help", "Help", id="review.help"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="review.quit"),
        *[
            Binding(f"alt+{n}", f"insert_match({n})", f"Insert match {n}", show=False, id=f"review.insert_match.{n}")
            for n in range(1, 10)
        ],
    ]

    class ChecksDone(Message):
        """The QA findings of the whole document, from the QA worker."""

        def __init__(self, findings: dict[int, list[Finding]]):
            super().__init__()
            self.findings = findings

    class MatchesFound(Message):
        """Memory matches for one segment, from the lookup worker."""

        def __init__(self, index: int, matches: list[TmMatch]):
            super().__init__()
            self.index = index
            self.matches = matches

    def __init__(
        self,
        workspace: Workspace,
        document_id: int,
        *,
        export_path: Path | None = None,
        keymap: dict[str, str] | None = None,
        checker: QaChecker | None = None,
    ):
        super().__init__()
        self.checker = checker
        self.workspace = workspace
        self.document_id = document_id
        self.info = workspace.document(document_id)
        self.export_path = export_path
        self.review = Review(
            workspace.overview(document_id),
            load=partial(workspace.segment, document_id),
            find=partial(workspace.find_segments, document_id),
        )
        self.matches: dict[int, list[TmMatch]] = {}
        self.dismissed = workspace.dismissals(document_id)
        self._timing: tuple[int | None, float] | None = None
        self.clock = time.monotonic
        """Where review time is read from (a test can replace it)."""
        self._keymap = keymap or {}

    # --- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SegmentList(number_width=len(str(len(self.review.summaries))))
        yield DetailPanel()
        yield StatusLine()

    def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        self.sub_title = Path(self.info.path).name
        start = self.review.next_unconfirmed(-1)
        segments = self.query_one(SegmentList)
        segments.set_rows(self.review, cursor=start or 0, number_width=len(str(len(self.review.summaries))))
        segments.focus()
        self.update_status()
        if self.checker is not None:
            self.run_checks()

    # --- what is shown -----------------------------------------------------------------------
    @property
    def current(self) -> int | None:
        """The index of the highlighted segment, if any."""
        segments = self.query_one(SegmentList)
        if not self.review.indices:
            return None
        return self.review.indices[min(segments.cursor, len(self.review.indices) - 1)]

    def current_state(self) -> SegmentState | None:
        """The highlighted segment in full, if any."""
        index = self.current
        return None if index is None else self.review.state(index)

    def on_segment_list_highlighted(self, message: SegmentList.Highlighted) -> None:
        self._record_time(self.current)
        self.show_detail()
        index = self.current
        if index is not None:
            self.look_up(index, self.review.state(index))

    def show_detail(self) -> None:
        state = self.current_state()
        panel = self.query_one(DetailPanel)
        if state is None:
            panel.clear()
            return
        findings = [FindingView(f.severity.value, f"{f.message} [{f.check}]")
                    for f in self.review.findings.get(state.index, [])]
        panel.show(state.index, fix_views(state), self._match_views(state.index), findings, source=_query(state))

    def _match_views(self, index: int) -> list[MatchView]:
        return [
            MatchView(m.score, m.unit.source, m.unit.target, Path(m.unit.origin).name if m.unit.origin else "")
            for m in self.matches.get(index, [])
        ]

    def update_status(self) -> None:
        status = self.query_one(StatusLine)
        status.set_progress(*self.review.progress())
        status.filter_name = self.review.view_name

    def refresh_segments(self, indices: list[int]) -> None:
        """Read the new state of changed segments and repaint them."""
        segments = self.query_one(SegmentList)
        for index in dict.fromkeys(indices):
            state = self.workspace.segment(self.document_id, index)
            self.review.update(state)
            self._recheck(state)
            position = self.review.position_of(index)
            if position is not None:
                segments.refresh_row(position)
        self.show_detail()
        self.update_status()

    # --- time spent ------------------------------------------------------------------------
    def _record_time(self, following: int | None) -> None:
        """Add the time the previous segment was highlighted to it; start timing ``following``."""
        now = self.clock()
        previous, self._timing = self._timing, (following, now)
        if previous is None or previous[0] is None:
            return
        seconds = min(now - previous[1], IDLE_CAP)
        if seconds >= 1.0:  # a glance while moving through the list is not review time
            self.workspace.add_time(self.document_id, previous[0], seconds)

    # --- QA --------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="qa")
    def run_checks(self) -> None:
        """Run every QA check over the document, off the UI thread."""
        worker = get_current_worker()
        try:
            segments = [_qa_segment(s) for s in self.workspace.segments(self.document_id)]
            memory = self.workspace.memory
            found = self.checker.check_document(
                segments, memory_targets=lambda text: [m.unit.target for m in memory.exact(text)],
                stop=lambda: worker.is_cancelled)
        except Exception:  # the review goes on without findings
            if not worker.is_cancelled:  # after quitting, a closed workspace is expected
                log.exception("QA checks failed")
            return
        if worker.is_cancelled:
            return
        self.post_message(self.ChecksDone(found))

    def on_review_app_checks_done(self, message: ChecksDone) -> None:
        if not self.is_running:  # arrived while the app shuts down: its widgets are gone
            return
        for index, findings in message.findings.items():
            if index not in self.review.findings:  # a recheck since the run started is newer
                self.review.set_findings(index, self._undismissed(index, findings))
        self.query_one(SegmentList).refresh_rows()
        self.show_detail()

    def _recheck(self, state: SegmentState) -> None:
        """The single-segment checks again, keeping the cross-segment findings."""
        if self.checker is None:
            return
        kept = [f for f in self.review.findings.get(state.index, []) if f.check in CROSS_SEGMENT_CHECKS]
        found = self.checker.check_segment(_qa_segment(state)) + kept
        self.review.set_findings(state.index, self._undismissed(state.index, found))

    def _undismissed(self, index: int, findings: list[Finding]) -> list[Finding]:
        dismissed = self.dismissed.get(index, {})
        if not dismissed:
            return findings
        state = self.review.state(index)
        return [f for f in findings if (f.check, finding_excerpt(state, f)) not in dismissed]

    def action_dismiss_findings(self) -> None:
        """Dismiss the segment's QA findings, with a reason; they are not shown again."""
        state = self.current_state()
        findings = self.review.findings.get(state.index, []) if state is not None else []
        if not findings:
            self.notify("No QA findings here.")
            return

        def dismiss(reason: str | None) -> None:
            if not reason:
                return
            for finding in findings:
                excerpt = finding_excerpt(state, finding)
                self.workspace.dismiss_finding(self.document_id, state.index, finding, excerpt, reason)
                self.dismissed.setdefault(state.index, {})[(finding.check, excerpt)] = reason
            self.review.set_findings(state.index, [])
            position = self.review.position_of(state.index)
            if position is not None:
                self.query_one(SegmentList).refresh_row(position)
            self.show_detail()

        self.push_screen(LineScreen(f"Dismiss {len(findings)} finding(s) of segment {state.index + 1}. "
                                    "Why are they not a problem?"), dismiss)

    # --- memory lookups ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="memory")
    def look_up(self, index: int, state: SegmentState) -> None:
        """Find memory matches for a segment, off the UI thread."""
        info = self.info
        bilingual = state.source is not None
        try:
            matches = self.workspace.memory.lookup(
                _query(state),
                source_language=info.source_language if bilingual else info.target_language,
                target_language=info.target_language,
            )
        except Exception:  # a lookup failure must not take the review down
            log.exception("memory lookup failed for segment %d", index + 1)
            return
        self.post_message(self.MatchesFound(index, matches))

    def on_review_app_matches_found(self, message: MatchesFound) -> None:
        if not self.is_running:  # arrived while the app shuts down: its widgets are gone
            return
        self.matches[message.index] = message.matches
        self.query_one(DetailPanel).show_matches(message.index, self._match_views(message.index))

    # --- actions on the current segment ---------------------------------------------------
    def on_detail_panel_fix_toggled(self, message: DetailPanel.FixToggled) -> None:
        state = self.review.state(message.segment_index)
        proposed = state.fixes[message.fix_index]
        self.workspace.decide_fix(self.document_id, state.index, proposed.fix, not proposed.accepted)
        self.refresh_segments([state.index])

    def on_detail_panel_match_inserted(self, message: DetailPanel.MatchInserted) -> None:
        matches = self.matches.get(message.segment_index, [])
        if message.match_index >= len(matches):
            return
        target = matches[message.match_index].unit.target
        self.workspace.set_target(self.document_id, message.segment_index, target, cause=RevisionCause.TM_MATCH)
        self.refresh_segments([message.segment_index])

    def action_toggle_fix(self) -> None:
        """Accept or reject the highlighted fix of the segment."""
        self.query_one(DetailPanel).action_toggle_fix()

    def action_next_fix(self) -> None:
        """Highlight the segment's next fix."""
        self.query_one(DetailPanel).action_next_fix()

    def action_previous_fix(self) -> None:
        """Highlight the segment's previous fix."""
        self.query_one(DetailPanel).action_previous_fix()

    def action_insert_match(self, number: int) -> None:
        """Insert memory match ``number`` (from 1) as the target."""
        self.query_one(DetailPanel).action_insert_match(number)

    def action_accept_all(self) -> None:
        """Accept every proposed fix of the segment."""
        self._decide_all(True)

    def action_reject_all(self) -> None:
        """Reject every proposed fix of the segment."""
        self._decide_all(False)

    def _decide_all(self, accept: bool) -> None:
        state = self.current_state()
        if state is None or not state.fixes:
            return
        self.workspace.decide_fixes(self.document_id, state.index, None, accept)
        self.refresh_segments([state.index])

    def action_edit(self) -> None:
        """Edit the target; escape leaves the editor and stores the edit."""
        state = self.current_state()
        if state is None:
            return

        def done(text: str | None) -> None:
            if text is not None and text != state.target:
                self.workspace.set_target(self.document_id, state.index, text)
                self.refresh_segments([state.index])

        source = state.source if state.source is not None else state.mt
        self.push_screen(EditScreen(state.index + 1, source, state.target), done)

    def action_confirm(self) -> None:
        """Confirm the segment (it goes into the memory) and go to the next unconfirmed one."""
        state = self.current_state()
        if state is None:
            return
        changed = self.workspace.confirm(self.document_id, state.index)
        self.matches.clear()  # the memory changed: look up again
        self.refresh_segments(changed)
        if len(changed) > 1:
            self.notify(f"Propagated to {len(changed) - 1} identical segment(s).")
        following = self.review.next_unconfirmed(state.index)
        if following is not None:
            self.go_to(following)
        else:
            self.notify("Every segment is confirmed.")

    def action_undo(self) -> None:
        """Undo the last action on this document (survives a restart)."""
        changed = self.workspace.undo(self.document_id)
        self._after_history(changed, "Nothing to undo.")

    def action_redo(self) -> None:
        """Redo the last undone action."""
        changed = self.workspace.redo(self.document_id)
        self._after_history(changed, "Nothing to redo.")

    def _after_history(self, changed: list[int], nothing: str) -> None:
        if not changed:
            self.notify(nothing)
            return
        self.matches.clear()
        self.refresh_segments(changed)
        self.go_to(changed[0])

    # --- moving, filters, search ------------------------------------------------------------
    def go_to(self, index: int) -> None:
        """Highlight segment ``index``, showing every segment if the view hides it."""
        if not 0 <= index < len(self.review.summaries):
            self.notify(f"There is no segment {index + 1}.", severity="warning")
            return
        position = self.review.position_of(index)
        segments = self.query_one(SegmentList)
        if position is None:
            self.review.apply_view(FILTERS[0], "")
            segments.set_rows(self.review, cursor=index, number_width=len(str(len(self.review.summaries))))
            self.update_status()
        else:
            segments.cursor = position

    def action_next_unconfirmed(self) -> None:
        """Go to the next segment that is not confirmed."""
        index = self.current
        following = self.review.next_unconfirmed(-1 if index is None else index)
        if following is not None:
            self.go_to(following)

    def set_view(self, filter=None, search: str | None = None) -> None:
        """Show only the segments passing ``filter`` and containing ``search``."""
        index = self.current
        self.review.apply_view(filter, search)
        position = self.review.position_of(index) if index is not None else None
        self.query_one(SegmentList).set_rows(
            self.review, cursor=position or 0, number_width=len(str(len(self.review.summaries)))
        )
        if not self.review.indices:
            self.query_one(DetailPanel).clear()
        self.update_status()

    def action_cycle_filter(self) -> None:
        """Show all, unconfirmed, with fixes, or with QA findings, in turn."""
        following = FILTERS[(FILTERS.index(self.review.filter) + 1) % len(FILTERS)]
        self.set_view(following)

    def action_search(self) -> None:
        """Show only the segments whose source or target contains a text."""
        self.push_screen(LineScreen("Search source and target (empty: show all):", self.review.search),
                         lambda text: text is not None and self.set_view(search=text))

    # --- export, help -------------------------------------------------------------------------
    def action_export(self) -> None:
        """Write the cleaned text, asking whether unconfirmed segments count."""
        confirmed, total, _, _ = self.review.progress()
        question = (
            f"Export the cleaned text to {self.export_path}?\n"
            f"{confirmed} of {total} segments are confirmed. Unconfirmed segments: "
        )
        self.push_screen(
            ChoiceScreen(question, [("t", "their current target"), ("m", "their MT text")]),
            self._export,
        )

    def _export(self, answer: str | None) -> None:
        if answer is None or self.export_path is None:
            return
        endings = " ".join(dict.fromkeys(e for n in format_names() for e in format_for(None, n).extensions[:1]))
        self.push_screen(LineScreen(f"Export to this file.\nIts ending picks the format: {endings}",
                                    str(self.export_path)),
                         lambda path: path and self._export_to(Path(path), confirmed_only=answer == "m"))

    def _export_to(self, path: Path, *, confirmed_only: bool) -> None:
        from mtfix.errors import MtfixError
        from mtfix.formats.atomic import write_atomically
        from mtfix.workflow import export_bytes

        try:
            data = export_bytes(self.workspace, self.info, confirmed_only=confirmed_only,
                                format=format_named_by(path) or self.info.format)
            # Never through a symbolic link out of the export's folder (NAME.cleaned.EXT planted as a link).
            write_atomically(path, data, inside=path.absolute().parent)
        except MtfixError as error:
            self.notify(str(error), severity="error", timeout=10)
            return
        self.notify(f"Exported to {path}.")

    def action_report(self) -> None:
        """Write the post-editing report (HTML) beside the export and show its totals."""
        from mtfix.core.report import build_report
        from mtfix.formats.atomic import write_atomically
        from mtfix.formats.report import html_report

        if self.export_path is None:
            return
        self._record_time(self.current)
        result = build_report(self.info.path, self.workspace.segments(self.document_id),
                              self.workspace.history(self.document_id), self.workspace.times(self.document_id),
                              idle_cap=IDLE_CAP)
        path = self.export_path.with_name(f"{Path(self.info.path).stem}.report.html")
        write_atomically(path, html_report(result).encode("utf-8"))
        totals = result.totals
        self.notify(f"{totals.changed_segments} of {totals.segments} segments changed, "
                    f"TER {totals.ter:.1f}. Report: {path}", timeout=8)

    def action_help(self) -> None:
        """List every key."""
        self.push_screen(HelpScreen(self.key_table()))

    def key_table(self) -> list[tuple[str, str, str]]:
        """(keys, description, id) of every binding of the review, as mapped now."""
        rows = []
        for owner in (SegmentList, DetailPanel, ReviewApp):
            for binding in owner.BINDINGS:
                if not isinstance(binding, Binding) or binding.id is None:
                    continue
                keys = self._keymap.get(binding.id, binding.key)
                rows.append((keys, binding.description, binding.id))
        rows.append(("ctrl+p", "Command palette: every action by name", "-"))
        return rows

    def accept_rule_everywhere(self, rule: str, accept: bool = True) -> None:
        """Accept (or reject) every open fix of ``rule`` in the document, after a preview."""
        states = {
            s.index: s for s in self.workspace.segments(self.document_id)
            if any(p.fix.rule == rule and p.accepted != accept for p in s.fixes)
            and s.status is not SegmentStatus.CONFIRMED
        }
        targets = list(states)
        verb = "Accept" if accept else "Reject"
        if not targets:
            self.notify(f"No unconfirmed segment has a fix of {rule} to {verb.lower()}.")
            return

        def apply(answer: str | None) -> None:
            if answer != "y":
                return
            changed = []
            for index in targets:
                state = states[index]
                fixes = [p.fix for p in state.fixes if p.fix.rule == rule and p.accepted != accept]
                self.workspace.decide_fixes(self.document_id, index, fixes, accept)
                changed.append(index)
            self.refresh_segments(changed)
            self.notify(f"{verb}ed {rule} in {len(changed)} segment(s).")

        self.push_screen(
            ChoiceScreen(f"{verb} every fix of “{rule}”: {len(targets)} segment(s) change. Go on?",
                         [("y", "yes"), ("n", "no")]),
            apply,
        )

    def go_to_number(self, number: int) -> None:
        """Go to the segment numbered ``number`` (from 1)."""
        self.go_to(number - 1)

    def rules_in_document(self) -> list[str]:
        """Every rule or concept with a fix in the document, most frequent first."""
        return list(self.workspace.fix_rules(self.document_id))

    def on_unmount(self) -> None:
        self._record_time(None)
        self.workers.cancel_all()  # a QA run notices and ends, so quitting is immediate
        self.workspace.close()


def finding_excerpt(state: SegmentState, finding: Finding) -> str:
    """The text a finding points at: what identifies it when it is found again."""
    text = (state.source if state.source is not None else state.mt) if finding.in_source else state.target
    return text[finding.start : finding.end]


def _qa_segment(state: SegmentState) -> QaSegment:
    """A segment as the QA checks see it: its target against its source, else its MT."""
    return QaSegment(state.index, state.target, state.source, None if state.source is not None else state.mt)


def _query(state: SegmentState) -> str:
    """What the memory is searched with: the real source, or the MT text."""
    return state.source if state.source is not None else state.mt

