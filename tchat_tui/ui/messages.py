"""Messages between the console's widgets and its screen: small, named for what happened."""

from __future__ import annotations

from textual.message import Message

from tchat_tui.ui.entries import StreamEntry


class DraftReady(Message):
    """The composer holds a valid draft and the host pressed Enter."""

    def __init__(self, text: str, kind: str, reply_to: StreamEntry | None) -> None:
        super().__init__()
        self.text = text
        """The final text (tag included)."""
        self.kind = kind
        """'post' or 'reply'."""
        self.reply_to = reply_to
        """The post replied to."""


class DutyChanged(Message):
    """Another moderator is on duty."""

    def __init__(self, moderator: str) -> None:
        super().__init__()
        self.moderator = moderator


class AuthorChanged(Message):
    """An author was muted, unmuted or noted from the author card."""

    def __init__(self, author_key: str) -> None:
        super().__init__()
        self.author_key = author_key
