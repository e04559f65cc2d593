"""The status line: how far the review has come, which filter is on, and the keys that matter now."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from mtfix.tui.widgets._styles import overlay_style

Hint = tuple[str, str]
"""A key as shown and what it does: ``("c", "confirm")``."""


class StatusLine(Widget):
    """One line at the foot of the review: progress, the active filter, and key hints.

    Progress and filter come from the app (:meth:`set_progress`, :attr:`filter_name`).
    The key hints are the app's :attr:`hints` when it sets them, else the keys of
    every binding that is active now and marked ``show=True``, as remapped by the
    keymap, so the line follows the focus.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-line--progress",
        "status-line--filter",
        "status-line--key",
        "status-line--separator",
    }
    """
    | Class | Description |
    | :- | :- |
    | `status-line--progress` | Confirmed segments and words. |
    | `status-line--filter` | The active filter. |
    | `status-line--key` | A key in the hints. |
    | `status-line--separator` | The bars between the parts. |
    """

    DEFAULT_CSS = """
    StatusLine {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $foreground;

        & > .status-line--progress { text-style: bold; }
        & > .status-line--filter { text-style: italic; }
        & > .status-line--key { color: $text-primary; text-style: bold; }
        & > .status-line--separator { color: $foreground 50%; }
    }
    """

    confirmed_segments: reactive[int] = reactive(0)
    """Segments confirmed so far."""

    total_segments: reactive[int] = reactive(0)
    """Segments in the document."""

    confirmed_words: reactive[int] = reactive(0)
    """Words in the confirmed segments."""

    total_words: reactive[int] = reactive(0)
    """Words in the document."""

    filter_name: reactive[str] = reactive("all")
    """The name of the active filter ("all", "unconfirmed", "with fixes", ...)."""

    hints: reactive[tuple[Hint, ...] | None] = reactive(None)
    """The key hints to show, or None to show the active bindings marked ``show=True``."""

    def set_progress(
        self, confirmed_segments: int, total_segments: int, confirmed_words: int, total_words: int
    ) -> None:
        """Update the progress shown, repainting once.

        Args:
            confirmed_segments: Segments confirmed so far.
            total_segments: Segments in the document.
            confirmed_words: Words in the confirmed segments.
            total_words: Words in the document.
        """
        for name, value in (
            ("confirmed_segments", confirmed_segments),
            ("total_segments", total_segments),
            ("confirmed_words", confirmed_words),
            ("total_words", total_words),
        ):
            self.set_reactive(getattr(StatusLine, name), value)
        self.refresh()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.hints is None:
            self.refresh()

    def active_hints(self) -> list[Hint]:
        """The key hints shown now."""
        if self.hints is not None:
            return list(self.hints)
        hints: list[Hint] = []
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and enabled and binding.action not in seen:
                seen.add(binding.action)
                hints.append((self.app.get_key_display(binding), binding.description.lower()))
        return hints

    def render(self) -> Text:
        def style(component: str) -> Style:
            return overlay_style(self, component)

        separator = Text(" │ ", style=style("status-line--separator"))
        percent = (
            f" ({100 * self.confirmed_segments // self.total_segments}%)" if self.total_segments else ""
        )
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(
            f" ✓ {self.confirmed_segments:,}/{self.total_segments:,}{percent}"
            f" · words {self.confirmed_words:,}/{self.total_words:,}",
            style=style("status-line--progress"),
        )
        text.append_text(separator)
        text.append(f"filter: {self.filter_name}", style=style("status-line--filter"))
        hints = self.active_hints()
        if hints:
            text.append_text(separator)
            key_style = style("status-line--key")
            for number, (key, description) in enumerate(hints):
                if number:
                    text.append("  ")
                text.append(key, style=key_style)
                text.append(f" {description}")
        text.truncate(max(1, self.size.width), overflow="ellipsis")
        return text
