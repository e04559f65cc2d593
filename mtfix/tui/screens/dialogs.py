"""Small dialogs: a question, a choice, a line of text, and the target editor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, TextArea

from mtfix.core.visible import visible

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; max-width: 100%; height: auto; max-height: 90%;
    border: round $primary; background: $surface; padding: 0 1;
}}
{name} Horizontal {{ height: auto; }}
{name} Button {{ margin: 1 1 0 0; }}
"""


class ChoiceScreen(ModalScreen[str | None]):
    """A question with a few answers, one key each; escape cancels.

    Args:
        question: What is asked.
        choices: (key, label) per answer; the key is also what the dialog returns.
    """

    DEFAULT_CSS = _DIALOG_CSS.format(name="ChoiceScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, question: str, choices: list[tuple[str, str]]):
        super().__init__()
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with Horizontal():
                for key, label in self.choices:
                    yield Button(f"{label} [{key}]", id=f"choice-{key}")

    def on_key(self, event) -> None:
        for key, _ in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(key)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id.removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class LineScreen(ModalScreen[str | None]):
    """Ask for one line of text (search, go to, file name); escape cancels.

    Args:
        prompt: What to type.
        value: The text to start with.
    """

    DEFAULT_CSS = _DIALOG_CSS.format(name="LineScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, prompt: str, value: str = ""):
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield Input(self.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditScreen(ModalScreen[str]):
    """Edit a segment's target; escape (or ctrl+s) leaves the editor keeping the edit.

    Args:
        number: The segment number, for the title.
        source: The source (or MT) text, shown above the editor.
        target: The target to edit.
    """

    DEFAULT_CSS = _DIALOG_CSS.format(name="EditScreen") + """
    EditScreen TextArea { height: auto; max-height: 16; min-height: 4; }
    EditScreen .source { color: $text-muted; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape,ctrl+s", "done", "Keep the edit", id="edit.done"),
        Binding("ctrl+z", "revert", "Revert", id="edit.revert"),
    ]

    def __init__(self, number: int, source: str, target: str):
        super().__init__()
        self.number = number
        self.source = source
        self.target = target
        # Control characters (escape sequences, bidi controls) must never reach the terminal:
        # the editor shows them as visible marks, and saves them as shown if the text is edited.
        self.shown = visible(target)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]Segment {self.number}[/b]  (escape: keep the edit, ctrl+z: revert)")
            yield Label(visible(self.source), classes="source", markup=False)
            if self.shown != self.target:
                yield Label("Control characters are shown as ␛, ⇄…; editing saves them as shown.",
                            classes="source")
            yield TextArea(self.shown, soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_done(self) -> None:
        text = self.query_one(TextArea).text
        self.dismiss(self.target if text == self.shown else text)

    def action_revert(self) -> None:
        self.query_one(TextArea).text = self.shown
