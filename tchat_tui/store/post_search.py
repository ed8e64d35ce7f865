"""Searching a chat's stored posts (every post, not only those the stream pane still holds)."""

from __future__ import annotations

from typing import Any

from tchat_tui.domain.post_search import PostSearch
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row

FOLD = "tchat_casefold"
"""The SQL function that folds case as `str.casefold` does (SQLite's own lower() and LIKE fold
ASCII only: 'É' would not find 'é')."""


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


class PostSearchTable(Connection):
    """The chat's posts that a `PostSearch` finds."""

    def search_posts(self, chat_id: int, search: PostSearch, limit: int = 2000) -> list[Row]:
        """The newest `limit` posts the search finds, oldest first; none for an empty search."""
        if search.empty:
            return []
        self._conn.create_function(FOLD, 1, _casefold, deterministic=True)
        where = ["chat_id = ?"]
        args: list[Any] = [chat_id]
        for n in search.questions:
            where.append("(question_number = ? OR answers = ?)")
            args += [n, n]
        for h in search.handles:
            where.append(f"(instr({FOLD}(author_handle), ?) OR instr({FOLD}(text), ?))")
            args += [h, "@" + h]
        for w in search.words:
            where.append(
                f"(instr({FOLD}(text), ?) OR instr({FOLD}(author_handle), ?)"
                f" OR instr({FOLD}(author_name), ?))"
            )
            args += [w, w, w]
        rows = self._rows(
            f"SELECT * FROM posts WHERE {' AND '.join(where)}"
            " ORDER BY created_at DESC, key DESC LIMIT ?",
            [*args, limit],
        )
        return rows[::-1]
