"""Asking what to search the chat for ('/'): words, @handles, Q3."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

HINT = "Words, @handle, Q3 (question 3 and its answers); all must match. Empty: the whole stream."


class SearchPrompt(ModalScreen[str | None]):
    """One line to type a search in; Enter dismisses with it, Escape with None."""

    DEFAULT_CSS = """
    SearchPrompt { align: center top; }
    SearchPrompt > Vertical {
        width: 80; max-width: 95%; height: auto; margin-top: 3; border: thick $accent;
        background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="search-close")]

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed
        """The search shown now (to refine it)."""

    def compose(self) -> ComposeResult:
        """A title, the line to type in, a hint."""
        with Vertical():
            yield Static(Text("Search the chat", style="bold"))
            yield Input(self.typed, placeholder="care Q3 @claire", id="search-input")
            yield Static(Text(HINT, style="dim"))

    def on_mount(self) -> None:
        """Typing goes to the line at once."""
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)
