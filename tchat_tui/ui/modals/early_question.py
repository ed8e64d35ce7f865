"""Posting the next question long before its time: asked first."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class _MouseButton(Button, can_focus=False):
    """A button for the mouse: the keys are the screen's bindings."""


class EarlyQuestion(ModalScreen[bool]):
    """'Q3 has been open 0:59 of its 7:00': post Q4 now (`y`, True) or wait (Enter/`n`/Escape,
    False). Waiting is the default: a stray Enter never posts a question early."""

    DEFAULT_CSS = """
    EarlyQuestion { align: center middle; }
    EarlyQuestion > Vertical {
        width: 80; max-width: 95%; height: auto; border: thick $warning; background: $surface;
        padding: 0 1;
    }
    EarlyQuestion Horizontal { height: auto; }
    EarlyQuestion #early-why { margin: 1 0; }
    """
    BINDINGS = [
        Binding("y", "dismiss(True)", "Post it now", id="early-yes"),
        Binding("escape,n,enter", "dismiss(False)", "Wait", id="early-no"),
    ]

    def __init__(self, number: int, why: str) -> None:
        super().__init__()
        self.number = number
        self.why = why

    def compose(self) -> ComposeResult:
        """Why it is early, and the two choices."""
        with Vertical():
            body = Text(f"Q{self.number} now? It is early.\n", style="bold")
            body.append(self.why, "not bold")
            yield Static(body, id="early-why")
            with Horizontal():
                yield _MouseButton("Wait (n)", variant="primary", id="early-wait")
                yield _MouseButton(f"Put Q{self.number} in the composer (y)", id="early-post")

    @on(Button.Pressed, "#early-post")
    def _post(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#early-wait")
    def _wait(self) -> None:
        self.dismiss(False)
