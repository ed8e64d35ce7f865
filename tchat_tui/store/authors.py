"""The authors table: everyone who posted, with the role the chat gives them."""

from __future__ import annotations

from typing import Any

from tchat_tui.domain.post import Network, Role
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row


class AuthorsTable(Connection):
    """The `authors` table: an author, roles, mutes, and the chat's host, guests and
    co-moderators as their posts were stored."""

    def author(self, key: str) -> Row | None:
        """An author's row, or None."""
        rows = list(self._rows("SELECT * FROM authors WHERE key = ?", [key]))
        return rows[0] if rows else None

    def set_role(self, handle: str, role: Role, network: Network | None = None) -> None:
        """Give the author(s) with this handle a role (from the plan or the command line)."""
        with self._lock, self.db.atomic():
            sql = "UPDATE authors SET role = ? WHERE lower(handle) = lower(?)"
            args: list[Any] = [role.value, handle.lstrip("@")]
            if network:
                sql += " AND network = ?"
                args.append(network.value)
            self._conn.execute(sql, args)

    def muted_authors(self) -> set[str]:
        """Keys of muted authors."""
        return {r[0] for r in self._conn.execute("SELECT key FROM authors WHERE muted = 1")}

    def chat_roles(self, chat_id: int) -> list[tuple[str, str]]:
        """(handle, role) of the chat's host, guests and co-moderators as its stored posts were
        classified (not the console's dry runs), first seen first: a chat reopened without a
        plan or `--host`/`--guest` knows its people again."""
        rows = self._conn.execute(
            "SELECT author_handle, role, min(created_at) AS first FROM posts"
            " WHERE chat_id = ? AND role IN ('host', 'guest', 'co-moderator') AND dry_run = 0"
            " GROUP BY lower(author_handle), role ORDER BY first, author_handle",
            (chat_id,),
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def chat_host(self, chat_id: int, network: Network, handle: str | None = None) -> Row | None:
        """The chat's host on `network` as the networks showed her, or None.

        An author of this network with a post in this chat stored as the host's that came from
        the network (not a dry run). With several, the one with `handle` first, then the first
        seen. Row: key, author_id, handle, name, instance (of that post; None on X).
        """
        rows = self._rows(
            "SELECT a.key, a.author_id, a.handle, a.name,"
            " (SELECT p.instance FROM posts p WHERE p.author_key = a.key AND p.chat_id = ?"
            "  AND p.role = 'host' AND p.dry_run = 0 LIMIT 1) AS instance"
            " FROM authors a WHERE a.network = ? AND (a.role = 'host' OR lower(a.handle) = ?)"
            " AND EXISTS (SELECT 1 FROM posts p WHERE p.author_key = a.key AND p.chat_id = ?"
            "  AND p.role = 'host' AND p.dry_run = 0)"
            " ORDER BY lower(a.handle) = ? DESC, a.first_seen, a.key LIMIT 1",
            [
                chat_id,
                network.value,
                (handle or "").lstrip("@").lower(),
                chat_id,
                (handle or "").lstrip("@").lower(),
            ],
        )
        return rows[0] if rows else None
