"""The detail panel: the fixes, memory matches and QA findings of the current segment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from mtfix.core.apply import word_diff
from mtfix.core.visible import visible
from mtfix.tui.widgets._styles import overlay_style

MATCH_KEYS = 9
"""How many memory matches have an insert key (alt+1 to alt+9)."""


class FixState(StrEnum):
    """Where a proposed fix stands."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUGGESTED = "suggested"


@dataclass(frozen=True, slots=True)
class FixView:
    """One proposed fix as the detail panel shows it.

    Attributes:
        rule: The concept id or rule id that proposed the fix.
        before: The text the fix replaces.
        after: What the fix puts in its place.
        kind: "term", "pattern", "fuzzy" or "tm".
        state: Accepted, rejected, or suggested (waiting for the reviewer).
        score: Similarity (0-100) of a fuzzy fix, else None.
        note: Why the glossary proposes it, shown under the highlighted fix.
    """

    rule: str
    before: str
    after: str
    kind: str
    state: str = FixState.SUGGESTED
    score: float | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class MatchView:
    """A translation memory match for the current segment.

    Attributes:
        score: Similarity of the segment and the match's source, 0-100.
        source: The source of the memory unit.
        target: The target of the memory unit: what inserting the match puts in.
        origin: Where the unit came from (a document or memory file).
    """

    score: float
    source: str
    target: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class FindingView:
    """A QA finding in the current segment.

    Attributes:
        severity: How bad it is: "critical", "error", "major", "warning", "minor", "info"...
        message: What is wrong, in a reviewer's words.
    """

    severity: str
    message: str


_STATE_GLYPHS = {FixState.ACCEPTED: "✓", FixState.REJECTED: "✗", FixState.SUGGESTED: "?"}
_SEVERITY_STYLES = {
    "critical": "error",
    "error": "error",
    "major": "error",
    "warning": "warning",
    "minor": "warning",
}


class FixLine(Static):
    """One fix in the list; the panel fills it in."""

    DEFAULT_CSS = """
    FixLine {
        height: auto;
        padding: 0 1;
    }
    """


class DetailPanel(VerticalScroll, can_focus=True):
    """The fixes, translation memory matches and QA findings of one segment.

    The panel shows what :meth:`show` gives it and changes nothing itself: toggling
    a fix posts :class:`DetailPanel.FixToggled`, inserting a match posts
    :class:`DetailPanel.MatchInserted`, and the app answers by calling
    :meth:`show` again with the new state.

    The bindings act when the panel has focus. To act from the segment list, bind
    keys on the screen to :meth:`action_toggle_fix`, :meth:`action_next_fix`,
    :meth:`action_previous_fix` and :meth:`action_insert_match`.

    Args:
        name: The name of the widget.
        id: The DOM id of the widget.
        classes: The CSS classes of the widget.
        disabled: Whether the widget is disabled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "previous_fix", "Previous fix", show=False, id="fix.previous"),
        Binding("down,j", "next_fix", "Next fix", show=False, id="fix.next"),
        Binding("space", "toggle_fix", "Toggle fix", id="fix.toggle"),
        *(
            Binding(
                f"alt+{n}",
                f"insert_match({n})",
                f"Insert match {n}",
                show=False,
                id=f"match.insert.{n}",
            )
            for n in range(1, MATCH_KEYS + 1)
        ),
    ]
    """
    | Key(s) | id | Description |
    | :- | :- | :- |
    | up, k | fix.previous | Highlight the previous fix. |
    | down, j | fix.next | Highlight the next fix. |
    | space | fix.toggle | Accept or reject the highlighted fix. |
    | alt+1 ... alt+9 | match.insert.1 ... match.insert.9 | Insert memory match 1 to 9. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail-panel--title",
        "detail-panel--empty",
        "detail-panel--accepted",
        "detail-panel--rejected",
        "detail-panel--suggested",
        "detail-panel--insert",
        "detail-panel--delete",
        "detail-panel--rule",
        "detail-panel--key",
        "detail-panel--score",
        "detail-panel--note",
        "detail-panel--error",
        "detail-panel--warning",
        "detail-panel--info",
    }
    """
    | Class | Description |
    | :- | :- |
    | `detail-panel--title` | Section titles. |
    | `detail-panel--empty` | "No fixes" and similar. |
    | `detail-panel--accepted` | The mark of an accepted fix (likewise `--rejected`, `--suggested`). |
    | `detail-panel--insert` | Text a fix or match puts in. |
    | `detail-panel--delete` | Text a fix or match takes out. |
    | `detail-panel--rule` | The rule or concept and kind of a fix, and the origin of a match. |
    | `detail-panel--key` | The key that inserts a match. |
    | `detail-panel--score` | Match and fuzzy scores. |
    | `detail-panel--note` | The note under the highlighted fix. |
    | `detail-panel--error` | Critical and major findings (likewise `--warning`, `--info`). |
    """

    DEFAULT_CSS = """
    DetailPanel {
        height: 35%;
        min-height: 5;
        max-height: 16;
        background: $surface;
        color: $foreground;
        border-top: solid $foreground 50%;
        scrollbar-size-vertical: 1;

        &:focus { background-tint: $foreground 5%; }
        & > .section-title { padding: 0 1; height: 1; }
        & > .section { height: auto; padding: 0 1; }
        & > FixLine.-highlighted {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > FixLine.-highlighted {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .detail-panel--title { color: $text-primary; text-style: bold; }
        & > .detail-panel--empty { color: $text-muted; text-style: italic; }
        & > .detail-panel--accepted { color: $text-success; text-style: bold; }
        & > .detail-panel--rejected { color: $text-error; text-style: bold; }
        & > .detail-panel--suggested { color: $foreground; text-style: bold italic; }
        & > .detail-panel--insert { color: $foreground; background: $success-muted; }
        & > .detail-panel--delete { color: $foreground; background: $error-muted; text-style: strike; }
        & > .detail-panel--rule { color: $text-muted; }
        & > .detail-panel--key { color: $text-primary; text-style: bold; }
        & > .detail-panel--score { color: $text-secondary; text-style: bold; }
        & > .detail-panel--note { color: $text-muted; text-style: italic; }
        & > .detail-panel--error { color: $text-error; text-style: bold; }
        & > .detail-panel--warning { color: $foreground; text-style: bold; }
        & > .detail-panel--info { color: $text-muted; }
    }
    """

    fix_cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted fix in the list given to :meth:`show`."""

    @dataclass
    class FixToggled(Message):
        """Posted when the reviewer toggles a fix: accept it if rejected or suggested, else reject it."""

        detail_panel: DetailPanel
        """The panel the fix was toggled in."""

        segment_index: int
        """The segment the fix belongs to, as given to :meth:`DetailPanel.show`."""

        fix_index: int
        """The index of the fix in the list given to :meth:`DetailPanel.show`."""

        @property
        def control(self) -> DetailPanel:
            """Alias for :attr:`detail_panel`."""
            return self.detail_panel

    @dataclass
    class MatchInserted(Message):
        """Posted when the reviewer asks to put a memory match into the target."""

        detail_panel: DetailPanel
        """The panel the match was chosen in."""

        segment_index: int
        """The segment whose target the match should replace."""

        match_index: int
        """The index of the match in the list given to :meth:`DetailPanel.show` (0 for alt+1)."""

        @property
        def control(self) -> DetailPanel:
            """Alias for :attr:`detail_panel`."""
            return self.detail_panel

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.segment_index: int | None = None
        """The segment shown, or None before :meth:`show` is called."""
        self.fixes: tuple[FixView, ...] = ()
        """The fixes shown."""
        self.matches: tuple[MatchView, ...] = ()
        """The memory matches shown."""
        self.findings: tuple[FindingView, ...] = ()
        """The QA findings shown."""
        self.source = ""
        """The text the matches are compared with."""
        self._items: list[FixLine] = []
        self._ready = False  # the sections exist (after mount)

    def compose(self) -> ComposeResult:
        yield Static(id="fixes-title", classes="section-title")
        yield Static(id="no-fixes", classes="section")
        yield Static(id="matches-title", classes="section-title")
        yield Static(id="matches", classes="section")
        yield Static(id="findings-title", classes="section-title")
        yield Static(id="findings", classes="section")

    def on_mount(self) -> None:
        self._ready = True
        self._draw()

    # --- public API -------------------------------------------------------------------

    def show(
        self,
        segment_index: int,
        fixes: Sequence[FixView],
        matches: Sequence[MatchView] = (),
        findings: Sequence[FindingView] = (),
        *,
        source: str = "",
    ) -> None:
        """Show one segment's fixes, matches and findings.

        Showing the same segment again (after a fix was toggled) keeps the
        highlighted fix; another segment starts at its first fix.

        Args:
            segment_index: The segment, echoed in the messages the panel posts.
            fixes: Its proposed fixes, in text order.
            matches: Its memory matches, best first; the first nine get keys.
            findings: Its QA findings.
            source: The segment text the matches are compared with (the source,
                or the MT text in monolingual work); without it no diff is shown.
        """
        same = segment_index == self.segment_index
        self.segment_index = segment_index
        self.fixes, self.matches, self.findings = tuple(fixes), tuple(matches), tuple(findings)
        self.source = source
        cursor = self.fix_cursor if same else 0
        self.set_reactive(DetailPanel.fix_cursor, self.validate_fix_cursor(cursor))
        if self._ready:
            if not same:
                self.scroll_home(animate=False, immediate=True)
            self._draw()

    def show_matches(self, segment_index: int, matches: Sequence[MatchView]) -> bool:
        """Show memory matches that arrived late, unless the reviewer has moved on.

        Args:
            segment_index: The segment the matches were looked up for.
            matches: The matches, best first.

        Returns:
            Whether they were shown (False when another segment is shown now).
        """
        if segment_index != self.segment_index:
            return False
        self.matches = tuple(matches)
        if self._ready:
            self._draw_matches()
        return True

    def clear(self) -> None:
        """Show nothing (no segment)."""
        self.segment_index = None
        self.fixes, self.matches, self.findings, self.source = (), (), (), ""
        self.set_reactive(DetailPanel.fix_cursor, 0)
        if self._ready:
            self._draw()

    # --- reactives and actions ----------------------------------------------------------

    def validate_fix_cursor(self, cursor: int) -> int:
        """Keep the highlight on a fix."""
        return max(0, min(cursor, len(self.fixes) - 1))

    def watch_fix_cursor(self, old: int, new: int) -> None:
        """Redraw the fixes that gained and lost the highlight and bring the new one into view."""
        shown = min(len(self._items), len(self.fixes))
        for index in (old, new):
            if index < shown:
                self._draw_fix(index)
        if new < shown:
            self.scroll_to_widget(self._items[new], animate=False, immediate=True)

    def action_previous_fix(self) -> None:
        """Highlight the previous fix (or scroll up when there are none)."""
        if self.fixes:
            self.fix_cursor -= 1
        else:
            self.scroll_up(animate=False)

    def action_next_fix(self) -> None:
        """Highlight the next fix (or scroll down when there are none)."""
        if self.fixes:
            self.fix_cursor += 1
        else:
            self.scroll_down(animate=False)

    def action_toggle_fix(self) -> None:
        """Ask the app to accept or reject the highlighted fix."""
        if self.segment_index is not None and self.fixes:
            self.post_message(self.FixToggled(self, self.segment_index, self.fix_cursor))

    def action_insert_match(self, number: int) -> None:
        """Ask the app to put memory match ``number`` (1 for the best) into the target.

        Args:
            number: The match as numbered on screen, from 1.
        """
        if self.segment_index is not None and 1 <= number <= len(self.matches):
            self.post_message(self.MatchInserted(self, self.segment_index, number - 1))

    # --- drawing ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._ready:
            self._draw()

    def _style(self, name: str) -> Style:
        return overlay_style(self, f"detail-panel--{name}")

    def _title(self, label: str, count: int | None = None) -> Text:
        text = Text(label, style=self._style("title"))
        if count is not None:
            text.append(f" ({count})", style=self._style("rule"))
        return text

    def _draw(self) -> None:
        with self.app.batch_update():
            self._draw_fixes()
            self._draw_matches()
            self._draw_findings()

    def _draw_fixes(self) -> None:
        self.query_one("#fixes-title", Static).update(self._title("Fixes", len(self.fixes)))
        no_fixes = self.query_one("#no-fixes", Static)
        no_fixes.display = not self.fixes
        if not self.fixes:
            no_fixes.update(Text("No fixes proposed.", style=self._style("empty")))
        while len(self._items) < len(self.fixes):
            item = FixLine()
            self._items.append(item)
            self.mount(item, before="#matches-title")
        for index, item in enumerate(self._items):
            item.display = index < len(self.fixes)
            if item.display:
                self._draw_fix(index)

    def _draw_fix(self, index: int) -> None:
        fix, item = self.fixes[index], self._items[index]
        highlighted = index == self.fix_cursor
        item.set_class(highlighted, "-highlighted")
        state = fix.state if fix.state in _STATE_GLYPHS else FixState.SUGGESTED
        text = Text(no_wrap=False)
        text.append("› " if highlighted else "  ")
        # On the highlighted line the cursor colours win: coloured text would not read on it.
        plain = Style(bold=True) if highlighted else None
        text.append(f"{_STATE_GLYPHS[state]} {state:<9} ", style=plain or self._style(str(state)))
        text.append(fix.before, style=self._style("delete"))
        text.append(" → ")
        text.append(fix.after, style=self._style("insert"))
        text.append(f"  {fix.kind}", style=plain or self._style("rule"))
        if fix.score is not None:
            text.append(f" {fix.score:.0f}%", style=plain or self._style("score"))
        text.append(f" · {fix.rule}", style=Style() if highlighted else self._style("rule"))
        if highlighted and fix.note:
            text.append("\n    " + fix.note, style=Style(italic=True))
        item.update(_shown(text))

    def _draw_matches(self) -> None:
        title = self.query_one("#matches-title", Static)
        body = self.query_one("#matches", Static)
        title.display = body.display = bool(self.matches)
        if not self.matches:
            return
        title.update(self._title("Memory matches", len(self.matches)))
        text = Text()
        for number, match in enumerate(self.matches, start=1):
            if number > 1:
                text.append("\n")
            key = self._key_for(f"match.insert.{number}") if number <= MATCH_KEYS else ""
            text.append(f"{key:>6} ", style=self._style("key"))
            text.append(f"{match.score:3.0f}% ", style=self._style("score"))
            text.append_text(self._match_diff(match.source))
            if match.origin:
                text.append(f"  {match.origin}", style=self._style("rule"))
            text.append("\n" + " " * 12 + "→ ")
            text.append(match.target)
        body.update(_shown(text))

    def _match_diff(self, match_source: str) -> Text:
        """The match's source, with what differs from the segment marked."""
        if not self.source:
            return Text(match_source)
        text = Text()
        insert, delete = self._style("insert"), self._style("delete")
        for tag, i1, i2, j1, j2 in word_diff(self.source, match_source):
            if tag == "equal":
                text.append(match_source[j1:j2])
                continue
            if i2 > i1:
                text.append(self.source[i1:i2], style=delete)
            if j2 > j1:
                text.append(match_source[j1:j2], style=insert)
        return text

    def _draw_findings(self) -> None:
        title = self.query_one("#findings-title", Static)
        body = self.query_one("#findings", Static)
        title.display = body.display = bool(self.findings)
        if not self.findings:
            return
        title.update(self._title("QA findings", len(self.findings)))
        text = Text()
        for number, finding in enumerate(self.findings):
            if number:
                text.append("\n")
            level = _SEVERITY_STYLES.get(finding.severity.lower(), "info")
            text.append(f"{finding.severity:<8} ", style=self._style(level))
            text.append(finding.message)
        body.update(_shown(text))

    def _key_for(self, binding_id: str) -> str:
        """How the key bound to ``binding_id`` is shown, after any keymap."""
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.id == binding_id:
                    return self.app.get_key_display(binding)
        return ""


def _shown(text: Text) -> Text:
    """``text`` with control characters visible (ESC as ␛, U+202E as ⇄); styles stay in place."""
    text.plain = visible(text.plain)  # one character for one: the spans still fit
    return text
