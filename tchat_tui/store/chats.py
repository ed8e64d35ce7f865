"""The chats table: one row per chat held in this database (a tag, its topic, its plan)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, iso, now_iso, parse_iso


class ChatsTable(Connection):
    """The `chats` table: which chat a tag is in, and the chats of this database."""

    def ensure_chat(
        self,
        tag: str,
        *,
        topic: str | None = None,
        started_at: datetime | None = None,
        duration_minutes: int = 60,
        plan_json: str | None = None,
        new: bool = False,
        now: datetime | None = None,
        idle: timedelta = timedelta(hours=12),
    ) -> int:
        """The chat for `tag`: the latest one in this database, or a new one.

        A new chat starts when `new` is set, or when `now` is given and the latest chat has been
        idle (no post, not created) for longer than `idle`: next week's chat on the same tag.
        """
        tag = tag.lstrip("#＃")
        with self._lock:
            if not new:
                row = self._conn.execute(
                    "SELECT id, created_at, (SELECT max(received_at) FROM posts"
                    " WHERE chat_id = chats.id) FROM chats WHERE lower(tag) = lower(?)"
                    " ORDER BY id DESC LIMIT 1",
                    (tag,),
                ).fetchone()
                if row and now is not None:
                    last = max(v for v in (row[1], row[2]) if v)
                    if now - parse_iso(last) > idle:
                        row = None
                if row:
                    chat_id = int(row[0])
                    updates: Row = {}
                    if topic:
                        updates["topic"] = topic
                    if plan_json:
                        updates["plan_json"] = plan_json
                    if started_at:
                        updates["started_at"] = iso(started_at)
                        updates["duration_minutes"] = duration_minutes
                    if updates:
                        self.db.table("chats").update(chat_id, updates)
                    return chat_id
            record = {
                "tag": tag,
                "topic": topic,
                "started_at": iso(started_at) if started_at else None,
                "duration_minutes": duration_minutes,
                "plan_json": plan_json,
                "created_at": now_iso(),
            }
            pk = self.db.table("chats").insert(record).last_pk
            assert pk is not None
            return int(pk)

    def chat(self, chat_id: int) -> Row:
        """The chat's row."""
        return dict(self.db.table("chats").get(chat_id))

    def chats(self) -> list[Row]:
        """All chats in this database, oldest first."""
        return list(self._rows("SELECT * FROM chats ORDER BY id"))

    def chat_ids(self) -> list[int]:
        """The ids of the chats in the database, oldest first."""
        return [int(r[0]) for r in self._conn.execute("SELECT id FROM chats ORDER BY id")]
