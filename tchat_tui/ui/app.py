"""The console app and the one factory that builds it (used by the CLI, the tests and the bench)."""

from __future__ import annotations

from textual.app import App

from tchat_tui.session import ChatSession
from tchat_tui.ui.main_screen import MainScreen


class ChatApp(App[int]):
    """tchat-live: the host's console for one hashtag chat."""

    CSS_PATH = "console.tcss"
    TITLE = "tchat-live"

    def __init__(self, session: ChatSession) -> None:
        super().__init__()
        self.session = session
        self.title = f"tchat-live #{session.tag}"

    def on_mount(self) -> None:
        """Open the main screen."""
        self.push_screen(MainScreen(self.session))


def build_app(session: ChatSession) -> ChatApp:
    """The console for `session` (the caller starts nothing else and shuts the session down)."""
    return ChatApp(session)
