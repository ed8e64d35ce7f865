"""Quitting with a draft that was never sent: asked, never lost silently."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tchat_tui.ui.safe import one_line


class _MouseButton(Button, can_focus=False):
    """A button for the mouse: the keys are the screen's bindings."""


class ConfirmQuit(ModalScreen[bool]):
    """ctrl+q with unsent drafts: quit and lose them (True), or go back to them (False).

    Staying is the default: Enter stays, only `y` (or ctrl+q again) quits. Every key is a
    binding of the screen (the buttons are for the mouse and never take the focus), so the app
    runs them in order: after `n`, the next keys of the burst go back to the draft.
    """

    DEFAULT_CSS = """
    ConfirmQuit { align: center middle; }
    ConfirmQuit > Vertical {
        width: 80; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    ConfirmQuit Horizontal { height: auto; }
    ConfirmQuit #quit-drafts { margin: 1 0; }
    """
    BINDINGS = [
        Binding("y", "dismiss(True)", "Quit", id="quit-yes"),
        Binding("escape,n,enter", "dismiss(False)", "Keep writing", id="quit-no"),
    ]

    def __init__(self, drafts: list[str]) -> None:
        super().__init__()
        self.drafts = drafts
        """The unsent drafts, the one being written first."""

    def compose(self) -> ComposeResult:
        """What would be lost, and the two choices."""
        n = len(self.drafts)
        with Vertical():
            head = "Your draft was never sent." if n == 1 else f"{n} drafts were never sent."
            body = Text(f"{head} Quit and lose {'it' if n == 1 else 'them'}?\n", style="bold")
            body.append(one_line(self.drafts[0])[:200], "not bold")
            if n > 1:
                body.append(f"\n(and {n - 1} set aside)", "dim")
            yield Static(body, id="quit-drafts")
            with Horizontal():
                yield _MouseButton("Keep writing (n)", variant="primary", id="quit-stay")
                yield _MouseButton("Quit anyway (y)", variant="error", id="quit-leave")

    @on(Button.Pressed, "#quit-leave")
    def _leave(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#quit-stay")
    def _stay(self) -> None:
        self.dismiss(False)
