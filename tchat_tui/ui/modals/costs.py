"""What the hour costs on X, kind by kind (an estimate, never the bill)."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tchat_tui.domain.cost import PRICES_READ_ON, CostMeter
from tchat_tui.ui.chat_time import clock_time


class CostScreen(ModalScreen[None]):
    """What the hour costs on X at pay-per-use prices, kind by kind (an estimate, never the bill)."""

    DEFAULT_CSS = """
    CostScreen { align: center middle; }
    CostScreen > VerticalScroll {
        width: 80; height: auto; max-height: 90%; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="cost-close")]

    def __init__(self, meter: CostMeter, now: datetime, *, estimated: bool) -> None:
        super().__init__()
        self.meter = meter
        self.now = now
        self.estimated = estimated

    def compose(self) -> ComposeResult:
        """The last hour and the whole chat, one row per price kind."""
        hour_ago = self.now - timedelta(hours=1)
        with VerticalScroll():
            title = "Cost of the hour on X"
            if self.estimated:
                title += " (estimated as if live: replay or dry-run, nothing is billed)"
            yield Static(Text(title, style="bold"))
            span = f"{clock_time(hour_ago)[:5]}–{clock_time(self.now)[:5]}"  # the chat's clock
            yield Static(self._table(f"Last hour ({span})", self.meter.breakdown(hour_ago)))
            yield Static(self._table("Whole chat", self.meter.breakdown()))
            yield Static(
                Text(
                    f"Pay-per-use prices read {PRICES_READ_ON}; the bill is on console.x.com.",
                    style="dim",
                )
            )

    @staticmethod
    def _table(title: str, rows: list[tuple[str, int, float]]) -> Table:
        table = Table(title=title, expand=True, show_edge=False)
        table.add_column("what", ratio=3)
        table.add_column("count", justify="right")
        table.add_column("USD", justify="right")
        for label, count, usd in rows:
            table.add_row(label, str(count), f"${usd:.3f}")
        table.add_row(Text("total", style="bold"), "", f"${sum(r[2] for r in rows):.2f}")
        return table
