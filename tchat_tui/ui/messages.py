"""Messages between the console's widgets and its screen: small, named for what happened."""

from __future__ import annotations

from textual.message import Message

from tchat_tui.ui.stream_entry import StreamEntry


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
