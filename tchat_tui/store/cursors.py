"""The cursors table: where each source stopped reading, to resume there."""

from __future__ import annotations

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import now_iso


class CursorsTable(Connection):
    """The `cursors` table: one value per chat and source."""

    def get_cursor(self, chat_id: int, source: str) -> str | None:
        """Where a source stopped (since_id, min_id, Jetstream cursor...)."""
        row = self._conn.execute(
            "SELECT value FROM cursors WHERE chat_id = ? AND source = ?", (chat_id, source)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, chat_id: int, source: str, value: str) -> None:
        """Persist a source's cursor."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO cursors (chat_id, source, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(chat_id, source) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (chat_id, source, value, now_iso()),
            )
