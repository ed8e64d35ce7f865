"""A queue line in full: a question in every language, or an audience question with its author."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class WholeText(ModalScreen[None]):
    """A title and a text shown whole (wrapped, scrolled); Escape, Enter or q closes it.

    The caller builds `body` from untrusted text with `ui.safe` (it is a `Text`, never markup)."""

    DEFAULT_CSS = """
    WholeText { align: center middle; }
    WholeText > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 85%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    WholeText #whole-title { text-style: bold; margin-bottom: 1; }
    WholeText #whole-hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,enter,q,v", "dismiss(None)", "Close", id="whole-close")]

    def __init__(self, title: str, body: Text, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.hint = hint

    def compose(self) -> ComposeResult:
        """Title, the text, a hint of what else the keys do."""
        with VerticalScroll():
            yield Static(Text(self.title_text), id="whole-title")
            yield Static(self.body, id="whole-body")
            yield Static(Text(self.hint or "Escape closes."), id="whole-hint")
