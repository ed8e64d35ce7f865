"""The people of a chat as the team sees them: participants, what the team did for each, the open
audience questions; and the chats of a tag with their authors (the first-timer rule's reads)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tchat_tui.domain.first_timers import FirstTimers
from tchat_tui.domain.participants import (
    ChatPeople,
    OpenQuestion,
    TeamTouch,
    chat_people,
)
from tchat_tui.store.acknowledged import acknowledged_in
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, parse_iso
from tchat_tui.store.schema import ANSWER, NOTED, VISIBLE

TEAM_POST = "(t.role IN ('host', 'guest', 'co-moderator') OR t.outgoing = 1) AND t.deleted = 0"
"""A post by the team: the host, a guest, a co-moderator, or the console itself (its dry runs
too: for the team the reply is made)."""


class PeopleTable(Connection):
    """Reads over `posts`, `chats` and `authors` for the people pane and the first-timer rule.

    Only schema v1 columns: the first-timer rule runs these on other chat databases too, opened
    read-only at whatever version they are (`store.first_timers`)."""

    # -- the chats of a tag (the first-timer rule) ------------------------------------------

    def chats_with_tag(self, tag: str) -> list[tuple[int, str | None]]:
        """(chat id, time of its first post or None) of every chat with this tag, any case.

        The console's own dry runs are not a chat's posts here: they never reached anybody."""
        wanted = tag.lstrip("#＃").casefold()
        rows = self._conn.execute(
            "SELECT id, tag, (SELECT min(created_at) FROM posts p WHERE p.chat_id = chats.id"
            " AND p.dry_run = 0) FROM chats ORDER BY id"
        ).fetchall()
        return [
            (int(r[0]), r[2]) for r in rows if str(r[1] or "").lstrip("#＃").casefold() == wanted
        ]

    def chat_tag(self, chat_id: int) -> str:
        """The chat's tag ('' for a chat this database does not hold)."""
        row = self._conn.execute("SELECT tag FROM chats WHERE id = ?", (chat_id,)).fetchone()
        return "" if row is None else str(row[0] or "")

    def first_post(self, chat_id: int) -> tuple[str, str] | None:
        """(key, time) of the chat's first post (not a dry run), or None."""
        row = self._conn.execute(
            "SELECT key, created_at FROM posts WHERE chat_id = ? AND dry_run = 0"
            " ORDER BY created_at, key LIMIT 1",
            (chat_id,),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def holds_post(self, chat_id: int, key: str) -> bool:
        """Whether the chat holds the post with this key."""
        row = self._conn.execute(
            "SELECT 1 FROM posts WHERE key = ? AND chat_id = ?", (key, chat_id)
        ).fetchone()
        return row is not None

    def chat_authors(self, chat_ids: Sequence[int]) -> list[Row]:
        """Every author of these chats' posts (not dry runs): author_key, network, handle,
        instance, and `team` (1 when one of their posts is the host's or a co-moderator's)."""
        out: list[Row] = []
        for i in range(0, len(chat_ids), 500):
            chunk = list(chat_ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            out += self._rows(
                "SELECT author_key, max(network) AS network, author_handle AS handle, instance,"
                " max(role IN ('host', 'co-moderator')) AS team FROM posts"
                f" WHERE chat_id IN ({marks}) AND dry_run = 0"
                " GROUP BY author_key, lower(author_handle), instance",
                chunk,
            )
        return out

    # -- the people pane --------------------------------------------------------------------

    def participant_rows(self, chat_id: int) -> list[Row]:
        """One row per participant with a visible original post (not muted): author_key,
        network, handle, name, instance (None: read from the key), posts, answers, starred
        (0/1), first_at, last_at.

        Read from the summary's partial covering indexes (`schema._v4`: their conditions are
        repeated term for term), never from the wide posts rows."""
        muted = {r[0] for r in self._conn.execute("SELECT key FROM authors WHERE muted = 1")}
        answers = dict(
            self._conn.execute(
                f"SELECT author_key, count(*) FROM posts WHERE chat_id = ? AND {ANSWER}"
                " AND role = 'participant' GROUP BY author_key",
                (chat_id,),
            ).fetchall()
        )
        starred = {
            r[0]
            for r in self._conn.execute(
                f"SELECT DISTINCT author_key FROM posts WHERE chat_id = ? AND ({NOTED})"
                f" AND starred = 1 AND {VISIBLE} AND role = 'participant'",
                (chat_id,),
            )
        }
        rows = self._conn.execute(
            "SELECT author_key, max(network), count(*), min(created_at), max(created_at)"
            f" FROM posts WHERE chat_id = ? AND {VISIBLE} AND is_repost = 0"
            " AND role = 'participant' GROUP BY author_key",
            (chat_id,),
        ).fetchall()
        names = self._author_names([r[0] for r in rows if r[0] not in muted])
        return [
            {
                "author_key": key,
                "network": network,
                "handle": names.get(key, ("", ""))[0],
                "name": names.get(key, ("", ""))[1],
                "instance": None,
                "posts": posts,
                "answers": answers.get(key, 0),
                "starred": int(key in starred),
                "first_at": first_at,
                "last_at": last_at,
            }
            for key, network, posts, first_at, last_at in rows
            if key not in muted
        ]

    def _author_names(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """Author key -> (handle, name) from the authors table."""
        out: dict[str, tuple[str, str]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for key, handle, name in self._conn.execute(
                f"SELECT key, handle, name FROM authors WHERE key IN ({marks})", chunk
            ):
                out[str(key)] = (str(handle or ""), str(name or handle or ""))
        return out

    def team_touches(self, chat_id: int) -> list[TeamTouch]:
        """What the team did in this chat for each author: replies to their posts, retweets of
        them, mentions of their handle (matched in this chat's authors, any case)."""
        touches: list[TeamTouch] = []
        for author, role, repost in self._conn.execute(
            "SELECT p.author_key, CASE WHEN t.outgoing = 1 THEN 'host' ELSE t.role END,"
            " t.is_repost FROM posts t JOIN posts p"
            " ON p.key = CASE WHEN t.is_repost = 1 THEN t.repost_of_key ELSE t.reply_to_key END"
            f" WHERE t.chat_id = ? AND {TEAM_POST}"
            " AND (t.reply_to_key IS NOT NULL OR t.repost_of_key IS NOT NULL)",
            (chat_id,),
        ):
            touches.append(TeamTouch(str(author), "retweet" if repost else "reply", str(role)))
        mentions = self._conn.execute(
            "SELECT CASE WHEN t.outgoing = 1 THEN 'host' ELSE t.role END, t.mentions FROM posts t"
            f" WHERE t.chat_id = ? AND {TEAM_POST} AND t.is_repost = 0"
            " AND t.mentions IS NOT NULL AND t.mentions <> '[]'",
            (chat_id,),
        ).fetchall()
        if mentions:
            by_handle: dict[str, list[str]] = {}
            for key, handle in self._conn.execute(
                "SELECT DISTINCT author_key, author_handle FROM posts"
                " WHERE chat_id = ? AND role = 'participant'",
                (chat_id,),
            ):
                by_handle.setdefault(str(handle).casefold(), []).append(str(key))
            for role, text in mentions:
                for handle in json.loads(text):
                    for key in by_handle.get(str(handle).lstrip("@").casefold(), ()):
                        touches.append(TeamTouch(key, "mention", str(role)))
        return touches

    def open_questions(self, chat_id: int) -> list[OpenQuestion]:
        """The chat's audience questions not answered yet: not marked answered, no reply from
        the team, not hidden or deleted, not by a muted author; oldest first."""
        rows = self._conn.execute(
            "SELECT q.key, q.author_key, q.author_handle, q.text, q.created_at, q.claimed_by"
            " FROM posts q LEFT JOIN authors a ON a.key = q.author_key"
            " WHERE q.chat_id = ? AND q.audience_question = 1 AND q.answered = 0"
            " AND q.hidden = 0 AND q.deleted = 0 AND coalesce(a.muted, 0) = 0"
            f" AND NOT EXISTS (SELECT 1 FROM posts t WHERE t.reply_to_key = q.key AND {TEAM_POST})"
            " ORDER BY q.created_at, q.key",
            (chat_id,),
        ).fetchall()
        return [
            OpenQuestion(
                key=str(r[0]),
                author_key=str(r[1]),
                handle=str(r[2] or ""),
                text=str(r[3] or ""),
                asked_at=parse_iso(str(r[4])),
                claimed_by=r[5] or None,
            )
            for r in rows
        ]

    def chat_people(self, chat_id: int, first_timers: FirstTimers | None = None) -> ChatPeople:
        """The people pane's content: participants waiting first (with the first-timer marks
        of `first_timers`), open audience questions oldest first."""
        return chat_people(
            self.participant_rows(chat_id),
            self.team_touches(chat_id),
            acknowledged_in(self._conn, chat_id),
            self.open_questions(chat_id),
            first_timers,
        )


@contextmanager
def people_reader(path: str, fallback: PeopleTable) -> Iterator[PeopleTable]:
    """The people reads on a read-only connection of their own to the database at `path`, in
    one read transaction: beside the console's writes (WAL), never waiting for its store's lock
    nor holding it. An in-memory database has no second connection: `fallback` serves."""
    if path == ":memory:":
        yield fallback
        return
    conn = sqlite3.connect(
        f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
    )
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("BEGIN")
        yield PeopleTable(conn, path)
    finally:
        conn.close()
