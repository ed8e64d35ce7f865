"""The store's errors (no sqlite-utils here: the CLI checks a path before the store loads)."""

from __future__ import annotations

from tchat_tui.domain.errors import TchatError


class StoreError(TchatError):
    """The database cannot be opened or written; the message is one line for the user."""


class NotAChatDatabase(StoreError):
    """The file is an SQLite database (or not even that) but not a tchat-live one."""


class QueueError(StoreError):
    """The queue cannot be steered that way (a posted question, no such question)."""
