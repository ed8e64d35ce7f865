"""People a moderator marked acknowledged: kept in the action log (`actions`), so every console on
the database sees the same marks and the log says who marked whom, when.

An author is acknowledged in a chat when the latest 'acknowledge' or 'unacknowledge' action on
them in that chat is an 'acknowledge'. No table of its own: the log is the record (like the
moderators' notes), and a mark is one row in it.
"""

from __future__ import annotations

import sqlite3

from tchat_tui.domain.participants import Acknowledged
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import now_iso, parse_iso

ACKNOWLEDGE = "acknowledge"
UNACKNOWLEDGE = "unacknowledge"


def acknowledged_in(conn: sqlite3.Connection, chat_id: int) -> dict[str, Acknowledged]:
    """Author key -> who marked them acknowledged in this chat, and when (the latest mark)."""
    marks: dict[str, Acknowledged] = {}
    for target, action, moderator, at in conn.execute(
        "SELECT target, action, moderator, at FROM actions WHERE chat_id = ?"
        " AND action IN (?, ?) ORDER BY id",
        (chat_id, ACKNOWLEDGE, UNACKNOWLEDGE),
    ):
        if action == ACKNOWLEDGE:
            marks[str(target)] = Acknowledged(str(moderator or ""), parse_iso(str(at)))
        else:
            marks.pop(str(target), None)
    return marks


class AcknowledgedTable(Connection):
    """Marking a person acknowledged (or not), in the action log."""

    def set_acknowledged(
        self, chat_id: int, author_key: str, moderator: str, acknowledged: bool
    ) -> None:
        """Mark an author acknowledged in this chat, or take the mark back (logged either way)."""
        with self._lock, self._write():
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, '')",
                (
                    chat_id,
                    now_iso(),
                    moderator,
                    ACKNOWLEDGE if acknowledged else UNACKNOWLEDGE,
                    author_key,
                ),
            )

    def acknowledged(self, chat_id: int) -> dict[str, Acknowledged]:
        """Author key -> who marked them acknowledged in this chat, and when."""
        return acknowledged_in(self._conn, chat_id)
