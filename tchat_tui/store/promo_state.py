"""The promo scorer's saved state (`promo_state`, one row a chat), and the posts a restart scores
again after it, in the order they were stored."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tchat_tui.store.connection import Connection
from tchat_tui.store.rows import Row, now_iso

_SCORED_COLUMNS = (
    "rowid AS rid, network, instance, native_id, author_key, author_handle, author_name, text,"
    " created_at, reply_to_key, reply_to_author, root_key, hashtags, links, mentions, is_repost,"
    " repost_of_key, lang, role, question_number, answers, audience_question"
)
"""What `row_to_post` and a post's classification read, but the payload and the metrics (the
scorer reads neither; the payload is most of a row)."""


@dataclass(frozen=True)
class SavedPromoState:
    """The scorer's state as saved, and which of the chat's posts it has seen."""

    fingerprint: str
    """What it was saved under (the scorer's version, rules and tag): read back only under the
    same."""
    upto: int
    """The posts' largest rowid when it was saved: the posts after it are scored again."""
    posts: int
    """How many of the chat's posts had a rowid up to `upto` then (still as many, or it is not
    this chat's state: a copied or rebuilt file)."""
    state: bytes


class PromoStateTable(Connection):
    """The `promo_state` table (schema v7) and the reads of a restart's replay."""

    def save_promo_state(self, chat_id: int, saved: SavedPromoState) -> None:
        """Replace the chat's saved state."""
        with self._write():
            self._conn.execute(
                "INSERT INTO promo_state (chat_id, fingerprint, upto_rowid, posts, saved_at, state)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, upto_rowid = excluded.upto_rowid,"
                " posts = excluded.posts, saved_at = excluded.saved_at, state = excluded.state",
                (chat_id, saved.fingerprint, saved.upto, saved.posts, now_iso(), saved.state),
            )

    def promo_state(self, chat_id: int) -> SavedPromoState | None:
        """The chat's saved state, if any."""
        row = self._conn.execute(
            "SELECT fingerprint, upto_rowid, posts, state FROM promo_state WHERE chat_id = ?",
            (chat_id,),
        ).fetchone()
        if row is None:
            return None
        return SavedPromoState(str(row[0]), int(row[1]), int(row[2]), bytes(row[3]))

    def last_post_rowid(self) -> int:
        """The largest rowid of posts (posts are never deleted: it only grows)."""
        return int(self._conn.execute("SELECT max(rowid) FROM posts").fetchone()[0] or 0)

    def count_posts_upto(self, chat_id: int, upto: int) -> int:
        """How many of the chat's posts have a rowid up to `upto`."""
        return int(
            self._conn.execute(
                "SELECT count(*) FROM posts WHERE chat_id = ? AND rowid <= ?", (chat_id, upto)
            ).fetchone()[0]
        )

    def posts_upto(self, chat_id: int, upto: int, limit: int) -> list[Row]:
        """The chat's last `limit` posts with a rowid up to `upto`, in the order they were
        stored (`_SCORED_COLUMNS`; `rid` is the rowid)."""
        # `+chat_id`: read the table backwards by rowid, not the chat's index and a sort.
        rows = self._rows(
            f"SELECT {_SCORED_COLUMNS} FROM posts WHERE +chat_id = ? AND rowid <= ?"
            " ORDER BY rowid DESC LIMIT ?",
            [chat_id, upto, limit],
        )
        rows.reverse()
        return rows

    def posts_after(self, chat_id: int, after: int, batch: int = 2000) -> Iterator[Row]:
        """The chat's posts with a rowid above `after`, in the order they were stored (the order
        the pipeline scored them in), `batch` rows a query."""
        while True:
            # `+chat_id`: a range of the table by rowid, not the chat's index and a sort.
            rows = self._rows(
                f"SELECT {_SCORED_COLUMNS} FROM posts WHERE +chat_id = ? AND rowid > ?"
                " ORDER BY rowid LIMIT ?",
                [chat_id, after, batch],
            )
            if not rows:
                return
            yield from rows
            after = int(rows[-1]["rid"])
