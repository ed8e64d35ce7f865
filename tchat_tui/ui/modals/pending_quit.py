"""Quitting while sends wait out their undo window: send them now, drop them, or stay."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tchat_tui.ui.safe import one_line

QuitChoice = Literal["send", "drop", "stay"]
"""Send the held sends now and quit, quit without them, or go back."""


class _MouseButton(Button, can_focus=False):
    """A button for the mouse: the keys are the screen's bindings."""


class PendingQuit(ModalScreen[QuitChoice]):
    """ctrl+q while sends are held: they were not accepted yet, so quitting asks what to do.

    Staying is the default (Enter, Esc, `n`); `s` (or ctrl+q again: the host pressed Enter to
    send them) sends them now and quits; `d` quits without them. Every key is a binding of the
    screen, so a burst's keys are run in order (see `ChatApp.on_event`).
    """

    DEFAULT_CSS = """
    PendingQuit { align: center middle; }
    PendingQuit > Vertical {
        width: 80; height: auto; border: thick $warning; background: $surface; padding: 0 1;
    }
    PendingQuit Horizontal { height: auto; }
    PendingQuit #quit-pending { margin: 1 0; }
    """
    BINDINGS = [
        Binding("s", "dismiss('send')", "Send now and quit", id="pending-send"),
        Binding("d", "dismiss('drop')", "Quit without them", id="pending-drop"),
        Binding("escape,n,enter", "dismiss('stay')", "Stay", id="pending-stay"),
    ]

    def __init__(self, held: list[str]) -> None:
        super().__init__()
        self.held = held
        """What each held send is (`reply to @ana`), oldest first."""

    def compose(self) -> ComposeResult:
        """What waits, and the three choices."""
        n = len(self.held)
        with Vertical():
            head = "1 send is" if n == 1 else f"{n} sends are"
            body = Text(f"{head} still in the undo window (not sent yet).\n", style="bold")
            body.append(", ".join(one_line(w) for w in self.held)[:300], "not bold")
            yield Static(body, id="quit-pending")
            with Horizontal():
                yield _MouseButton("Stay (n)", variant="primary", id="pending-stay")
                yield _MouseButton("Send now and quit (s)", variant="warning", id="pending-send")
                yield _MouseButton("Quit without them (d)", variant="error", id="pending-drop")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        choice = {"pending-send": "send", "pending-drop": "drop"}.get(event.button.id or "")
        self.dismiss("send" if choice == "send" else "drop" if choice == "drop" else "stay")
