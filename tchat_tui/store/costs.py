"""The costs table: the cost meter's totals per chat and kind of call."""

from __future__ import annotations

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, now_iso


class CostsTable(Connection):
    """The `costs` table: billable units and estimated USD per kind."""

    def save_costs(
        self, chat_id: int, counts: dict[str, tuple[int, float]], prices_read_on: str
    ) -> None:
        """Replace the chat's cost totals: kind -> (billable units, estimated USD)."""
        now = now_iso()
        with self.db.atomic():
            self._conn.execute("DELETE FROM costs WHERE chat_id = ?", (chat_id,))
            self._conn.executemany(
                "INSERT INTO costs (chat_id, kind, count, usd, prices_read_on, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(chat_id, k, n, usd, prices_read_on, now) for k, (n, usd) in counts.items()],
            )

    def costs(self, chat_id: int) -> list[Row]:
        """The chat's cost totals per kind."""
        return self._rows("SELECT * FROM costs WHERE chat_id = ? ORDER BY kind", [chat_id])
