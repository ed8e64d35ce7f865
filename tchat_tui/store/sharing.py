"""What consoles sharing one chat need from the store: joining beside the reader, taking the
reading over when it is gone (its heartbeat row is the lease), and claims two moderators cannot
both win."""

from __future__ import annotations

from tchat_tui.store.connection import Connection
from tchat_tui.store.consoles import ConsoleRow, is_live, is_this_process, read_consoles
from tchat_tui.store.rows import now_iso


class SharingTable(Connection):
    """Roles in `consoles` (schema v8) and the atomic claim of an audience question."""

    def join_console(
        self, owner: str, pid: int, host: str, now: float, moderator: str
    ) -> ConsoleRow | None:
        """Write this console's heartbeat as `joined` (it follows the database); return the
        live reader it joins, if any. Rows of consoles that are gone are removed."""
        reader: ConsoleRow | None = None
        with self._lock, self._write():
            for row in read_consoles(self._conn):
                if is_live(row, now) or (is_this_process(row) and row.owner != owner):
                    if row.role == "reader" and reader is None:
                        reader = row
                    continue
                self._conn.execute("DELETE FROM consoles WHERE owner = ?", (row.owner,))
            self._conn.execute(
                "INSERT INTO consoles (owner, pid, host, started_at, beat_at, role, moderator)"
                " VALUES (?, ?, ?, ?, ?, 'joined', ?)",
                (owner, pid, host, now_iso(), now, moderator),
            )
        return reader

    def reading_console(self, now: float) -> ConsoleRow | None:
        """The live console that reads the networks and sends the outbox, if any."""
        with self._lock:
            for row in read_consoles(self._conn):
                if row.role == "reader" and (is_live(row, now) or is_this_process(row)):
                    return row
        return None

    def take_reading(self, owner: str, now: float) -> bool:
        """Become the reader if no live console is (one write transaction: of two joined
        consoles trying at once, one wins). The gone reader's row is removed."""
        with self._lock, self._write():
            rows = read_consoles(self._conn)
            for row in rows:
                if row.owner == owner or row.role != "reader":
                    continue
                if is_live(row, now) or is_this_process(row):
                    return False
                self._conn.execute("DELETE FROM consoles WHERE owner = ?", (row.owner,))
            cur = self._conn.execute(
                "UPDATE consoles SET role = 'reader', beat_at = ? WHERE owner = ?", (now, owner)
            )
            return cur.rowcount == 1

    def claim_question(self, chat_id: int, key: str, moderator: str) -> str | None:
        """Claim an audience question for `moderator` unless another moderator holds it: then
        nothing is written and their name is returned. One UPDATE decides (two consoles
        claiming at once: the second is told who has it)."""
        with self._lock, self._write():
            cur = self._conn.execute(
                "UPDATE posts SET claimed_by = ? WHERE key = ?"
                " AND (claimed_by IS NULL OR claimed_by = '' OR claimed_by = ?)",
                (moderator, key, moderator),
            )
            if cur.rowcount == 0:
                row = self._conn.execute(
                    "SELECT claimed_by FROM posts WHERE key = ?", (key,)
                ).fetchone()
                return str(row[0]) if row and row[0] else None
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, 'claim', ?, '')",
                (chat_id, now_iso(), moderator, key),
            )
        return None
