"""What the console's actions ask of the screen they run on: its stream and composer, a redraw of
the panes, a notice, a screen over it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from textual.notifications import SeverityLevel
from textual.screen import Screen

from tchat_tui.ui.stream_entry import StreamEntry
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.stream import StreamPane

Result = TypeVar("Result")
"""What a screen opened over the console closes with."""


class ConsoleView(Protocol):
    """The main screen as the moderation and sending actions see it."""

    @property
    def stream(self) -> StreamPane:
        """The stream pane."""
        ...

    @property
    def composer(self) -> Composer:
        """The composer."""
        ...

    def refresh_panes(self) -> None:
        """Redraw the header, the queue and the detail."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notice (a toast)."""
        ...

    def push_screen(
        self, screen: Screen[Result], callback: Callable[[Result | None], None] | None = None
    ) -> None:
        """Open `screen` over the console; `callback` receives what it closes with."""
        ...


def selected_or_warn(view: ConsoleView) -> StreamEntry | None:
    """The selected post, or a hint when there is none."""
    entry = view.stream.selected
    if entry is None:
        view.notify("Select a post in the stream first (↑/↓).", severity="warning")
    return entry
