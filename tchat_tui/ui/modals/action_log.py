"""The action log: who did what, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tchat_tui.domain.chat_zone import zone_label
from tchat_tui.ui.chat_time import ShownZone
from tchat_tui.ui.safe import one_line
from tchat_tui.ui.stream_entry import local_time

if TYPE_CHECKING:
    from tchat_tui.store.database import Store


class ActionLog(ModalScreen[None]):
    """Who did what: the moderators' actions, newest first."""

    DEFAULT_CSS = """
    ActionLog { align: center middle; }
    ActionLog > VerticalScroll {
        width: 90%; height: 85%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="log-close")]

    def __init__(self, store: Store, chat_id: int, limit: int = 300) -> None:
        super().__init__()
        self.store = store
        self.chat_id = chat_id
        self.limit = limit

    def compose(self) -> ComposeResult:
        """The log as a table."""
        with VerticalScroll():
            yield Static(self._table(), id="action-table")

    def _target(self, target: str) -> str:
        post = self.store.post(target)
        if post:
            return f"@{post['author_handle']}: {post['text']}"
        author = self.store.author(target)
        if author:
            return f"@{author['handle']}"
        return target

    def _table(self) -> Table:
        rows = self.store.actions(self.chat_id, self.limit)
        newest = datetime.fromisoformat(rows[0]["at"]) if rows else datetime.now(UTC)
        zone = zone_label(ShownZone.get(), newest)
        title = f"Moderator actions (newest first; the chat's time, {zone})"
        table = Table(title=title, expand=True, show_edge=False)
        table.add_column("time", no_wrap=True, style="dim")
        table.add_column("moderator", no_wrap=True, style="bold green")
        table.add_column("action", no_wrap=True, style="bold")
        table.add_column("on", ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column("detail", max_width=30, no_wrap=True, overflow="ellipsis")
        for row in rows:
            table.add_row(
                local_time(datetime.fromisoformat(row["at"])),
                Text(one_line(row["moderator"] or "")),
                Text(one_line(row["action"] or "")),
                Text(one_line(self._target(row["target"] or ""))),
                Text(one_line(row["detail"] or "")),
            )
        return table
