"""Searching a chat's stored posts (every post, not only those the stream pane still holds)."""

from __future__ import annotations

from typing import Any

from tchat_tui.domain.post_search import PostSearch, fold_term
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row

FOLD = "tchat_casefold"
"""The SQL function that folds case as `str.casefold` does, for a term that is not ASCII
(SQLite's own lower() and LIKE fold A-Z only: 'É' would not find 'é'). ASCII terms use LIKE, in
SQLite's C code: a Python function called on every row of 100,000 posts took 0.3-0.7 s."""


def _casefold(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _contains(column: str, term: str) -> tuple[str, str]:
    """SQL that is true when the column holds the term as `PostSearch` compares it (`fold_term`),
    and its parameter."""
    if term.isascii():  # LIKE ignores the case of A-Z
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{column} LIKE ? ESCAPE '\\'", f"%{escaped}%"
    return f"instr({FOLD}({column}), ?)", fold_term(term)


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
        terms = [[("author_handle", h), ("text", "@" + h)] for h in search.handles]
        terms += [[("text", w), ("author_handle", w), ("author_name", w)] for w in search.words]
        for tests in terms:
            sql = []
            for column, term in tests:
                test, arg = _contains(column, term)
                sql.append(test)
                args.append(arg)
            where.append("(" + " OR ".join(sql) + ")")
        rows = self._rows(
            f"SELECT * FROM posts WHERE {' AND '.join(where)}"
            " ORDER BY created_at DESC, key DESC LIMIT ?",
            [*args, limit],
        )
        return rows[::-1]
