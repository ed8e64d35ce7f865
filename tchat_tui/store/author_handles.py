"""Finding a chat's authors by the handle a moderator types ("Mute @handle…")."""

from __future__ import annotations

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row


class AuthorHandlesTable(Connection):
    """The authors of a chat by handle (table `authors`, with `posts` for who posted here)."""

    def chat_authors_named(self, chat_id: int, handle: str) -> list[Row]:
        """The authors who posted in this chat as `handle` (no '@', any case; on Mastodon also
        `name@instance`), any network, with their stored role: the host's own posts count as
        the host's even when the authors table has no role for her."""
        wanted = handle.strip().lstrip("@＠").lower()
        if not wanted:
            return []
        name, _, instance = wanted.partition("@")
        return self._rows(
            "SELECT a.key, a.handle, a.network,"
            " coalesce((SELECT p.role FROM posts p WHERE p.author_key = a.key AND p.chat_id = :chat"
            "  AND p.role IN ('host', 'guest', 'co-moderator') LIMIT 1), a.role) AS role"
            " FROM authors a WHERE lower(a.handle) IN (:wanted, :name)"
            " AND EXISTS (SELECT 1 FROM posts p WHERE p.author_key = a.key AND p.chat_id = :chat"
            "  AND (:instance = '' OR lower(coalesce(p.instance, '')) = :instance"
            "   OR lower(a.handle) = :wanted))"
            " ORDER BY a.network, a.key",
            {"chat": chat_id, "wanted": wanted, "name": name, "instance": instance},
        )
