"""The help screen: every key of the console, from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Every key of the console, from the bindings themselves."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,f1", "dismiss(None)", "Close", id="help-close")]

    def __init__(self, sections: Iterable[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        """One table per section."""
        with VerticalScroll():
            yield Static(Text("tchat-live keys", style="bold"))
            for title, keys in self.sections:
                table = Table(title=title, show_header=False, expand=True, show_edge=False)
                table.add_column("key", style="bold cyan", no_wrap=True, ratio=1)
                table.add_column("does", ratio=3)
                for key, what in keys:
                    table.add_row(key, what)
                yield Static(table)
            yield Static(
                Text(
                    "Every action is also in the command palette (ctrl+p). Keys avoid the tmux and"
                    " screen prefixes ctrl+b and ctrl+a.",
                    style="dim",
                )
            )
