"""The moderators' actions: star, hide, mute, claim, answered, notes, each logged in `actions`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, iso


class ModerationTable(Connection):
    """The `actions` table, and the flags a moderator sets on `posts` and `authors` with it."""

    def record_action(
        self, chat_id: int, moderator: str, action: str, target: str, detail: str = ""
    ) -> None:
        """Log a moderator's action (who, what, when)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, iso(self.clock()), moderator, action, target, detail),
            )

    def _moderate(
        self, chat_id: int, moderator: str, action: str, target: str, sql: str, args: Iterable[Any]
    ) -> None:
        with self._lock, self.db.atomic():
            self._conn.execute(sql, tuple(args))
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, '')",
                (chat_id, iso(self.clock()), moderator, action, target),
            )

    def set_starred(self, chat_id: int, key: str, moderator: str, starred: bool) -> None:
        """Star (highlight) or unstar a post."""
        self._moderate(
            chat_id,
            moderator,
            "star" if starred else "unstar",
            key,
            "UPDATE posts SET starred = ? WHERE key = ?",
            (int(starred), key),
        )

    def set_hidden(self, chat_id: int, key: str, moderator: str, hidden: bool) -> None:
        """Hide a post from the stream and the summary (it stays in the database)."""
        self._moderate(
            chat_id,
            moderator,
            "hide" if hidden else "unhide",
            key,
            "UPDATE posts SET hidden = ? WHERE key = ?",
            (int(hidden), key),
        )

    def set_muted(self, chat_id: int, author_key: str, moderator: str, muted: bool) -> None:
        """Mute or unmute an author."""
        self._moderate(
            chat_id,
            moderator,
            "mute" if muted else "unmute",
            author_key,
            "UPDATE authors SET muted = ? WHERE key = ?",
            (int(muted), author_key),
        )

    def claim(self, chat_id: int, key: str, moderator: str) -> None:
        """A moderator claims an audience question (to answer or route it)."""
        self._moderate(
            chat_id,
            moderator,
            "claim",
            key,
            "UPDATE posts SET claimed_by = ? WHERE key = ?",
            (moderator, key),
        )

    def mark_answered(self, chat_id: int, key: str, moderator: str) -> None:
        """An audience question has been answered."""
        self._moderate(
            chat_id,
            moderator,
            "answered",
            key,
            "UPDATE posts SET answered = 1 WHERE key = ?",
            (key,),
        )

    def set_note(self, chat_id: int, author_key: str, moderator: str, note: str) -> None:
        """Set the moderators' note on an author."""
        with self._lock, self.db.atomic():
            self._conn.execute("UPDATE authors SET notes = ? WHERE key = ?", (note, author_key))
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, 'note', ?, ?)",
                (chat_id, iso(self.clock()), moderator, author_key, note),
            )

    def actions(self, chat_id: int, limit: int = 200) -> list[Row]:
        """The newest moderator actions, newest first."""
        return list(
            self._rows(
                "SELECT * FROM actions WHERE chat_id = ? ORDER BY id DESC LIMIT ?", [chat_id, limit]
            )
        )

    def last_on_duty(self, chat_id: int) -> str | None:
        """The moderator the last 'on duty' switch of this chat handed the keyboard to."""
        row = self._conn.execute(
            "SELECT target FROM actions WHERE chat_id = ? AND action = 'on duty'"
            " ORDER BY id DESC LIMIT 1",
            (chat_id,),
        ).fetchone()
        return None if row is None else str(row[0])
