"""The posts table: every post of every chat, as the networks sent it and as it was classified."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.post import Post, make_key
from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, iso, json_text, now_iso, parse_iso
from tchat_tui.store.schema import ENGAGEMENT_KEYS

_POST_COLUMNS = (
    "key chat_id network native_id instance author_key author_handle author_name role text"
    " created_at received_at reply_to_key root_key hashtags links mentions is_repost repost_of_key"
    " lang metrics raw question_number answers audience_question promo_level promo_score"
    " promo_reasons outgoing dry_run outbox_id engagement reply_to_author"
).split()
_ROWS_PER_INSERT = 400
"""Posts per INSERT statement (34 columns: 13,600 parameters, under SQLite's 32,766)."""


@functools.cache
def _insert_posts_sql(rows: int) -> str:
    """One INSERT of `rows` posts.

    Python's sqlite3 takes the GIL back for every row of an executemany, so a writer thread
    would wait on the thread parsing the next batch at each row; one statement for many rows
    binds them all at once and lets SQLite insert them without the GIL.
    """
    marks = "(" + ", ".join("?" * len(_POST_COLUMNS)) + ")"
    return (
        f"INSERT OR IGNORE INTO posts ({', '.join(_POST_COLUMNS)})"
        f" VALUES {', '.join([marks] * rows)}"
    )


_UPSERT_AUTHOR = (
    "INSERT INTO authors (key, network, author_id, handle, name, role, first_seen)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(key) DO UPDATE SET handle = excluded.handle, name = excluded.name,"
    " role = CASE WHEN authors.role = 'participant' THEN excluded.role ELSE authors.role END"
)


class PostsTable(Connection):
    """The `posts` table; storing a post also writes its author (`authors`) and, for the posting
    of a question, the question's posted time (`questions`)."""

    def add_posts(
        self, chat_id: int, items: Sequence[ChatPost], *, checked: bool = False
    ) -> list[ChatPost]:
        """Store a batch in one transaction; return those not stored before (none is stored twice).

        `checked=True`: the caller already knows these keys are new (the pipeline keeps the set).
        """
        if not items:
            return []
        with self._lock:
            keys = [cp.post.key for cp in items]
            existing = set() if checked else self.existing_keys(keys)
            fresh: list[ChatPost] = []
            seen: set[str] = set()
            for cp in items:
                k = cp.post.key
                if k in existing or k in seen:
                    continue
                seen.add(k)
                fresh.append(cp)
            if not fresh:
                return []
            received = now_iso()
            post_row = self._post_row
            rows = [post_row(chat_id, cp, received) for cp in fresh]
            # Only authors new to this session or changed since are written.
            authors: dict[str, tuple[Any, ...]] = {}
            known_authors = self._authors_known
            for cp in fresh:
                p = cp.post
                role = cp.classification.role._value_
                known = (p.author_handle, p.author_name, role)
                if known_authors.get(p.author_key) == known:
                    continue
                known_authors[p.author_key] = known
                authors[p.author_key] = (
                    p.author_key,
                    p.network._value_,
                    p.author_id,
                    p.author_handle,
                    p.author_name,
                    role,
                    iso(p.created_at),
                )
            with self.db.atomic():
                # The hot path: posts as plain tuples in multi-row INSERTs (see
                # `_insert_posts_sql`; sqlite-utils' insert_all re-inspects every value and
                # costs about 3x more, named parameters a lookup per column), the few new or
                # changed authors in one executemany.
                for i in range(0, len(rows), _ROWS_PER_INSERT):
                    chunk = rows[i : i + _ROWS_PER_INSERT]
                    self._conn.execute(
                        _insert_posts_sql(len(chunk)), list(itertools.chain.from_iterable(chunk))
                    )
                if authors:
                    self._conn.executemany(_UPSERT_AUTHOR, authors.values())
                for cp in fresh:
                    n = cp.classification.question_number
                    if n is not None:
                        self._note_question_posted(chat_id, n, cp.post)
            return fresh

    def existing_keys(self, keys: list[str]) -> set[str]:
        """Which of these post keys are already stored."""
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self._conn.execute(f"SELECT key FROM posts WHERE key IN ({marks})", chunk)
            )
        return found

    def _note_question_posted(self, chat_id: int, number: int, post: Post) -> None:
        from tchat_tui.domain.classify import question_body

        row = self._conn.execute(
            "SELECT posted_at, text, source FROM questions WHERE chat_id = ? AND number = ?",
            (chat_id, number),
        ).fetchone()
        at = iso(post.created_at)
        if row is None:
            self._conn.execute(
                "INSERT INTO questions (chat_id, number, text, source, posted_at, post_key)"
                " VALUES (?, ?, ?, 'posted', ?, ?)",
                (chat_id, number, question_body(post.text), at, post.key),
            )
        elif row[0] is None or at < row[0]:
            self._conn.execute(
                "UPDATE questions SET posted_at = ?, post_key = ? WHERE chat_id = ? AND number = ?",
                (at, post.key, chat_id, number),
            )

    @staticmethod
    def _post_row(chat_id: int, cp: ChatPost, received: str) -> tuple[Any, ...]:
        """The posts row of one chat post, in `_POST_COLUMNS` order."""
        p, c = cp.post, cp.classification
        network = p.network
        metrics = p.metrics
        # `_value_` is the member's plain attribute; `.value` is a slower property.
        return (
            p.key,
            chat_id,
            network._value_,
            p.native_id,
            p.instance,
            p.author_key,
            p.author_handle,
            p.author_name,
            c.role._value_,
            p.text,
            iso(p.created_at),
            received,
            None if p.reply_to_id is None else make_key(network, p.reply_to_id, p.instance),
            make_key(network, p.conversation_id, p.instance) if p.conversation_id else None,
            json_text(p.hashtags) if p.hashtags else "[]",
            json_text([[lk.url, lk.expanded_url] for lk in p.links]) if p.links else "[]",
            json_text(p.mentions) if p.mentions else "[]",
            int(p.is_repost),
            make_key(network, p.repost_of_id, p.instance) if p.repost_of_id else None,
            p.lang,
            json_text(metrics) if metrics else None,
            p.raw,
            c.question_number,
            c.answers,
            int(c.audience_question),
            cp.promo_level,
            cp.promo_score,
            json_text(cp.promo_reasons) if cp.promo_reasons else None,
            int(cp.outgoing),
            int(cp.dry_run),
            cp.outbox_id,
            sum(metrics.get(k, 0) for k in ENGAGEMENT_KEYS) if metrics else 0,
            p.reply_to_author_id,
        )

    def update_judgement(self, chat_id: int, judged: Sequence[ChatPost]) -> None:
        """Write the judgement of stored posts again (role, question, answer, audience question,
        promo flag), in one transaction; a post now read as a question marks it posted.
        Moderator decisions (stars, hides, allows, claims) live elsewhere and stay."""
        rows = [
            (
                cp.classification.role._value_,
                cp.classification.question_number,
                cp.classification.answers,
                int(cp.classification.audience_question),
                cp.promo_level,
                cp.promo_score,
                json_text(cp.promo_reasons) if cp.promo_reasons else None,
                cp.post.key,
            )
            for cp in judged
        ]
        with self._lock, self.db.atomic():
            self._conn.executemany(
                "UPDATE posts SET role = ?, question_number = ?, answers = ?,"
                " audience_question = ?, promo_level = ?, promo_score = ?, promo_reasons = ?"
                " WHERE key = ?",
                rows,
            )
            for cp in judged:
                number = cp.classification.question_number
                if number is not None:
                    self._note_question_posted(chat_id, number, cp.post)

    def update_post_text(self, key: str, text: str, edited_at: datetime, raw: str) -> bool:
        """Apply an edit from the network; the previous payload is replaced, the key stays."""
        with self._lock, self.db.atomic():
            cur = self._conn.execute(
                "UPDATE posts SET text = ?, edited_at = ?, raw = ? WHERE key = ?",
                (text, iso(edited_at), raw, key),
            )
            return cur.rowcount > 0

    def mark_deleted(self, key: str) -> bool:
        """The author deleted the post on the network: keep the row, mark it."""
        with self._lock, self.db.atomic():
            cur = self._conn.execute("UPDATE posts SET deleted = 1 WHERE key = ?", (key,))
            return cur.rowcount > 0

    def post(self, key: str) -> Row | None:
        """One post's row, or None."""
        rows = list(self._rows("SELECT * FROM posts WHERE key = ?", [key]))
        return rows[0] if rows else None

    def recent_posts(self, chat_id: int, limit: int = 500) -> list[Row]:
        """The newest posts of the chat, oldest first (what the stream pane shows on start)."""
        rows = self._rows(
            "SELECT p.*, a.muted AS author_muted FROM posts p LEFT JOIN authors a"
            " ON a.key = p.author_key WHERE p.chat_id = ? ORDER BY p.created_at DESC, p.key DESC"
            " LIMIT ?",
            [chat_id, limit],
        )
        return list(reversed(list(rows)))

    def iter_posts(self, chat_id: int, batch: int = 2000) -> Iterator[Row]:
        """Every post of the chat in time order (to rebuild in-memory state on restart)."""
        offset_key = ("", "")
        while True:
            rows = list(
                self._rows(
                    "SELECT * FROM posts WHERE chat_id = ? AND (created_at, key) > (?, ?)"
                    " ORDER BY created_at, key LIMIT ?",
                    [chat_id, offset_key[0], offset_key[1], batch],
                )
            )
            if not rows:
                return
            yield from rows
            offset_key = (rows[-1]["created_at"], rows[-1]["key"])

    def all_keys(self, chat_id: int | None = None) -> set[str]:
        """Every stored post key (the pipeline's in-memory duplicate check)."""
        if chat_id is None:
            return {r[0] for r in self._conn.execute("SELECT key FROM posts")}
        return {
            r[0] for r in self._conn.execute("SELECT key FROM posts WHERE chat_id = ?", (chat_id,))
        }

    def posts_by_author(self, chat_id: int, author_key: str, limit: int = 200) -> list[Row]:
        """An author's posts in this chat, oldest first."""
        return list(
            self._rows(
                "SELECT * FROM posts WHERE chat_id = ? AND author_key = ? ORDER BY created_at LIMIT ?",
                [chat_id, author_key, limit],
            )
        )

    def latest_post_time(self, chat_id: int) -> datetime | None:
        """The time of the chat's newest stored post."""
        row = self._conn.execute(
            "SELECT max(created_at) FROM posts WHERE chat_id = ? AND outgoing = 0", (chat_id,)
        ).fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    def count_posts(self, chat_id: int) -> int:
        """How many posts the chat has stored."""
        return int(
            self._conn.execute(
                "SELECT count(*) FROM posts WHERE chat_id = ?", (chat_id,)
            ).fetchone()[0]
        )

    def audience_questions(self, chat_id: int) -> list[Row]:
        """Audience questions, oldest first, with who claimed each and whether it was answered."""
        return list(
            self._rows(
                "SELECT * FROM posts WHERE chat_id = ? AND audience_question = 1 AND hidden = 0"
                " ORDER BY created_at",
                [chat_id],
            )
        )

    def host_repost(self, chat_id: int, repost_of_key: str) -> Row | None:
        """The host's stored retweet of that post in this chat (from the stream or a dry run),
        the first one, or None."""
        rows = self._rows(
            "SELECT * FROM posts WHERE chat_id = ? AND repost_of_key = ? AND role = 'host'"
            " AND is_repost = 1 ORDER BY created_at, key LIMIT 1",
            [chat_id, repost_of_key],
        )
        return rows[0] if rows else None
