"""The outbox table: every post the console sends, written before it is sent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tchat_tui.domain.post import Network, Post
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, now_iso


class OutboxTable(Connection):
    """The `outbox` table (and the posts it matches when they come back from the network)."""

    def enqueue(
        self,
        chat_id: int,
        *,
        network: Network,
        kind: str,
        text: str,
        moderator: str,
        in_reply_to: str | None = None,
        target_key: str | None = None,
        group_key: str | None = None,
        dry_run: bool = False,
    ) -> Row:
        """Write an outbox row (pending) before anything is sent; return it."""
        now = now_iso()
        row = {
            "chat_id": chat_id,
            "group_key": group_key or uuid.uuid4().hex,
            "network": network.value,
            "kind": kind,
            "text": text,
            "in_reply_to": in_reply_to,
            "target_key": target_key,
            "idempotency_key": uuid.uuid4().hex,
            "status": "pending",
            "attempts": 0,
            "dry_run": int(dry_run),
            "moderator": moderator,
            "created_at": now,
            "updated_at": now,
        }
        with self._lock:
            row["id"] = self.db.table("outbox").insert(row).last_pk
        return row

    def outbox_update(self, outbox_id: int, **fields: Any) -> None:
        """Update an outbox row (status, remote_id, error, attempts...)."""
        fields["updated_at"] = now_iso()
        with self._lock:
            self.db.table("outbox").update(outbox_id, fields)

    def outbox_matches(self, posts: Sequence[Post]) -> dict[str, tuple[int, bool]]:
        """Posts that are the console's own, come back from the network: key -> (outbox id, dry_run)."""
        out: dict[str, tuple[int, bool]] = {}
        if not posts or not self.has_sent_posts():
            return out
        by_native = {(p.network.value, p.native_id): p.key for p in posts}
        ids = [nid for _, nid in by_native]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for oid, dry, network, remote in self._conn.execute(
                f"SELECT id, dry_run, network, remote_id FROM outbox WHERE remote_id IN ({marks})",
                chunk,
            ):
                key = by_native.get((network, remote))
                if key:
                    out[key] = (int(oid), bool(dry))
        return out

    def has_sent_posts(self) -> bool:
        """Whether any outbox row has come back with a network id (`outbox_matches` can match)."""
        query = "SELECT 1 FROM outbox WHERE remote_id IS NOT NULL LIMIT 1"
        return self._conn.execute(query).fetchone() is not None

    def link_outgoing(
        self, network: Network, remote_id: str, outbox_id: int, dry_run: bool
    ) -> bool:
        """Mark an already stored post as the console's own (it came back before the row was sent)."""
        with self.db.atomic():
            cur = self._conn.execute(
                "UPDATE posts SET outgoing = 1, outbox_id = ?, dry_run = ?"
                " WHERE network = ? AND native_id = ?",
                (outbox_id, int(dry_run), network.value, remote_id),
            )
            return cur.rowcount > 0

    def outbox_row(self, outbox_id: int) -> Row | None:
        """One outbox row."""
        rows = list(self._rows("SELECT * FROM outbox WHERE id = ?", [outbox_id]))
        return rows[0] if rows else None

    def outbox(self, chat_id: int | None = None, statuses: Sequence[str] = ()) -> list[Row]:
        """Outbox rows, oldest first, optionally by chat and status."""
        sql = "SELECT * FROM outbox WHERE 1=1"
        args: list[Any] = []
        if chat_id is not None:
            sql += " AND chat_id = ?"
            args.append(chat_id)
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            args.extend(statuses)
        return list(self._rows(sql + " ORDER BY id", args))
