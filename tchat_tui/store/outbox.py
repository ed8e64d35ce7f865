"""The outbox table: every post the console sends, written before it is sent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from tchat_tui.domain.post import Network, Post
from tchat_tui.store.connection import Connection
from tchat_tui.store.consoles import ConsoleRow, is_live, is_this_process, read_consoles
from tchat_tui.store.rows import Row, now_iso

_CLAIM = (
    "UPDATE outbox SET status = 'sending', owner = ?, lease_until = ?, attempts = attempts + 1,"
    " updated_at = ? WHERE id = ? AND (status = 'pending'"
    " OR (status = 'sending' AND (lease_until IS NULL OR lease_until < ?)))"
)
"""Take a row to send it: pending, or left sending by a sender whose lease ran out."""


class OutboxTable(Connection):
    """The `outbox` table (and the posts it matches when they come back from the network), who
    sends each row (an owner and a lease) and which consoles have the chat open (`consoles`)."""

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
        with self._lock, self._write():
            row["id"] = self.db.table("outbox").insert(row).last_pk
        row["owner"] = row["lease_until"] = None
        return row

    def outbox_update(self, outbox_id: int, **fields: Any) -> None:
        """Update an outbox row (status, remote_id, error, attempts...)."""
        fields["updated_at"] = now_iso()
        with self._lock, self._write():
            self.db.table("outbox").update(outbox_id, fields)

    def claim_outbox(self, outbox_id: int, owner: str, lease_until: float, now: float) -> bool:
        """Take a row for sending (status `sending`, our owner and lease, one more attempt) in
        one UPDATE; False when another sender holds it or it is no longer pending."""
        with self._lock, self._write():
            cur = self._conn.execute(_CLAIM, (owner, lease_until, now_iso(), outbox_id, now))
            return cur.rowcount == 1

    def take_over_outbox(self, row: Row, owner: str, lease_until: float) -> bool:
        """Take a `sending` row from the sender that held it as `row` shows (crash debris: its
        lease ran out or its console is gone); False if anything changed since it was read."""
        with self._lock, self._write():
            cur = self._conn.execute(
                "UPDATE outbox SET owner = ?, lease_until = ?, updated_at = ? WHERE id = ?"
                " AND status = 'sending' AND owner IS ? AND lease_until IS ?",
                (owner, lease_until, now_iso(), row["id"], row["owner"], row["lease_until"]),
            )
            return cur.rowcount == 1

    def renew_lease(self, outbox_id: int, owner: str, lease_until: float) -> bool:
        """Keep a row we are sending ours while the network call is in flight."""
        with self._lock, self._write():
            cur = self._conn.execute(
                "UPDATE outbox SET lease_until = ? WHERE id = ? AND owner = ? AND status = 'sending'",
                (lease_until, outbox_id, owner),
            )
            return cur.rowcount == 1

    def unsettled_sent(self, chat_id: int) -> list[Row]:
        """Rows `sent` or `dry-run` whose post is not stored (no remote id, or no post with it):
        to repair."""
        return self._rows(
            "SELECT * FROM outbox o WHERE chat_id = ? AND status IN ('sent', 'dry-run')"
            " AND (remote_id IS NULL"
            " OR NOT EXISTS (SELECT 1 FROM posts p WHERE p.network = o.network"
            " AND p.native_id = o.remote_id)) ORDER BY id",
            [chat_id],
        )

    # -- consoles (heartbeats) -------------------------------------------------------------------

    def consoles(self) -> list[ConsoleRow]:
        """Every console heartbeat row."""
        with self._lock:
            return read_consoles(self._conn)

    def register_console(self, owner: str, pid: int, host: str, now: float) -> ConsoleRow | None:
        """Write this console's heartbeat unless another live console holds the chat: then
        write nothing and return that one. Rows of consoles that are gone are removed."""
        with self._lock, self._write():
            for row in read_consoles(self._conn):
                if is_this_process(row):
                    if row.owner != owner:  # another session of this process (tests): kept
                        continue
                elif is_live(row, now):
                    return row
                self._conn.execute("DELETE FROM consoles WHERE owner = ?", (row.owner,))
            self._conn.execute(
                "INSERT INTO consoles (owner, pid, host, started_at, beat_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (owner, pid, host, now_iso(), now),
            )
        return None

    def console_beat(self, owner: str, now: float) -> bool:
        """Renew this console's heartbeat; False if its row is gone."""
        with self._lock, self._write():
            cur = self._conn.execute(
                "UPDATE consoles SET beat_at = ? WHERE owner = ?", (now, owner)
            )
            return cur.rowcount == 1

    def leave_console(self, owner: str) -> None:
        """Remove this console's heartbeat (it closes)."""
        with self._lock, self._write():
            self._conn.execute("DELETE FROM consoles WHERE owner = ?", (owner,))

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
