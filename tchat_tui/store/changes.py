"""Following the chat database from another console: cheap markers polled often, then only what
is new (posts by rowid, the `changes` log by sequence number). Its own read connection, so a
poll never waits for the store's lock and sees every commit, this process's included."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tchat_tui.store.rows import Row

POSTS_PER_READ = 5000
"""At most this many new posts per read (a console that fell behind catches up over reads)."""

_SHOWN = ", ".join(
    f"p.{c}"
    for c in (
        "key chat_id network native_id author_key author_handle author_name role text"
        " created_at question_number answers audience_question claimed_by answered promo_level"
        " promo_reasons starred hidden deleted is_repost outgoing dry_run"
    ).split()
)
"""The columns of a post another console's screen shows (not the raw payload, a kilobyte a
post)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One logged change: `kind` is post, author, question, outbox or action; `target` its key
    (a post's or an author's key, a question's number, an outbox or action id)."""

    seq: int
    kind: str
    target: str


class ChangeFeed:
    """Reads what other connections wrote to the chat since the last read."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA busy_timeout = 5000")
        self._conn.execute("PRAGMA query_only = 1")
        self._conn.row_factory = sqlite3.Row

    def data_version(self) -> int:
        """SQLite's count of commits by other connections: unchanged means nothing to read."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def marks(self) -> tuple[int, int]:
        """(largest posts rowid, largest change seq) now: where following starts."""
        row = self._conn.execute(
            "SELECT (SELECT max(rowid) FROM posts), (SELECT max(seq) FROM changes)"
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def posts_after(self, chat_id: int, rowid: int) -> tuple[list[Row], int]:
        """The chat's posts stored after `rowid` (the columns a screen shows: not the raw
        payload), in the order they were stored, and the rowid to read after next time."""
        rows = self._conn.execute(
            f"SELECT p.rowid AS stored_rowid, {_SHOWN}, a.muted AS author_muted FROM posts p"
            " LEFT JOIN authors a ON a.key = p.author_key WHERE p.rowid > ?"
            " ORDER BY p.rowid LIMIT ?",
            (rowid, POSTS_PER_READ),
        ).fetchall()
        if not rows:
            return [], rowid
        last = int(rows[-1]["stored_rowid"])
        return [dict(r) for r in rows if r["chat_id"] == chat_id], last

    def changes_after(self, seq: int) -> list[Change]:
        """Every change logged after `seq`, oldest first."""
        rows = self._conn.execute(
            "SELECT seq, kind, target FROM changes WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        return [Change(int(s), str(k), str(t)) for s, k, t in rows]

    def rows(self, table: str, ids: list[int]) -> list[Row]:
        """Rows of `outbox` or `actions` by id (what a change names)."""
        if table not in ("outbox", "actions") or not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = self._conn.execute(
            f"SELECT * FROM {table} WHERE id IN ({marks}) ORDER BY id", ids
        ).fetchall()
        return [dict(r) for r in found]

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
