"""The console app and the one factory that builds it (used by the CLI, the tests and the bench)."""

from __future__ import annotations

from textual import events
from textual.app import App

from tchat_tui.session import ChatSession
from tchat_tui.ui.main_screen import MainScreen

_CLAIMING = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseUp,
    events.MouseScrollDown,
    events.MouseScrollUp,
)
"""Input that the host waits to see answered (a mouse merely moving does not claim)."""


class ChatApp(App[int]):
    """tchat-live: the host's console for one hashtag chat."""

    CSS_PATH = "console.tcss"
    TITLE = "tchat-live"

    def __init__(self, session: ChatSession) -> None:
        super().__init__()
        self.session = session
        """The open chat (the caller shuts it down after the app exits)."""
        self.title = f"tchat-live #{session.tag}"
        self.main: MainScreen | None = None

    async def on_event(self, event: events.Event) -> None:
        """Input first: a key or a click claims the next milliseconds from the pipeline."""
        if isinstance(event, _CLAIMING):
            self.session.foreground.touch()
        await super().on_event(event)

    def get_default_screen(self) -> MainScreen:
        """The main screen is the first thing painted (no blank screen before it)."""
        self.main = MainScreen(self.session)
        return self.main

    @property
    def error(self) -> str | None:
        """Why the console stopped before the chat opened, if it did (one line)."""
        return self.main.error if self.main is not None else None


def build_app(session: ChatSession) -> ChatApp:
    """The console for `session`; it starts the session's workers when the screen mounts."""
    return ChatApp(session)
