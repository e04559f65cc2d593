"""The help screen: every key of the review, as currently mapped."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Lists every key of the review; any of escape, q or ? closes it.

    Args:
        keys: (keys, what they do, binding id) for every binding, in display order.
    """

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, keys: list[tuple[str, str, str]]):
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=True, header_style="bold", expand=True)
        table.add_column("key", no_wrap=True)
        table.add_column("action")
        table.add_column("id (for \\[keymap])", style="dim", no_wrap=True)
        for keys, description, binding_id in self.keys:
            table.add_row(keys, description, binding_id)
        with VerticalScroll():
            yield Static("[b]mtfix review: keys[/b]  (every action is stored at once; ctrl+q quits)\n")
            yield Static(table)
