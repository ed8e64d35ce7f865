"""The summary's SQL: three passes over one chat's posts, every figure an SQL aggregate.

1. `author_figures`: one row per author (GROUP BY author_key) carrying every count the summary
   needs; the chat's totals are sums over these few thousand rows, not over the posts.
2. `per_minute`: original posts per minute, for the chart and the peak minute.
3. `quoted_rows`: the answers in the summary's order (their native ids are listed in the JSON),
   plus the question postings and the starred posts; full rows of the few posts quoted are then
   fetched by key.

Each pass costs about one scan of the chat's rows; a dozen separate aggregates would cost a dozen.

A post counts when it is visible: not hidden by a moderator, not deleted by its author, and not
a dry-run post that never reached a network. Reposts are counted apart from original posts. An
answer is a visible original post linked to a question, not written by the host or a moderator.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from tchat_tui.store.schema import APPLICATION_ID

VISIBLE = "(hidden = 0 AND deleted = 0 AND dry_run = 0)"
IS_ANSWER = (
    f"({VISIBLE} AND is_repost = 0 AND answers IS NOT NULL"
    " AND role NOT IN ('host', 'co-moderator'))"
)
ENGAGEMENT = (
    "CASE WHEN metrics GLOB '*[1-9]*' THEN "
    + " + ".join(
        f"coalesce(json_extract(metrics, '$.{k}'), 0)"
        for k in ("like_count", "retweet_count", "repost_count", "quote_count", "reply_count")
    )
    + " ELSE 0 END"
)
"""Likes, reposts, quotes and replies as the networks reported them (X, Mastodon, Bluesky keys).

Metrics without a non-zero digit are all zeros (a live post counted as it arrived): no JSON parse.
"""
ANSWER_ORDER = "starred DESC, (role = 'guest') DESC, engagement DESC, created_at, native_id"
"""The rule of `domain.summary.answer_rank`, in SQL."""
ROLE_RANK = "CASE role WHEN 'host' THEN 0 WHEN 'co-moderator' THEN 1 WHEN 'guest' THEN 2 ELSE 3 END"

Row = dict[str, Any]


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def chat_row(db: sqlite_utils.Database, chat: int) -> Row | None:
    """The chat's row, or None."""
    rows = _rows(db, "SELECT * FROM chats WHERE id = :chat", {"chat": chat})
    return rows[0] if rows else None


def author_figures(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Every author of the chat with their counts, most active first.

    Visible posts: posts (originals), reposts, answers, audience_questions, starred, first_at,
    last_at. All posts: hidden, deleted, flagged (amber or red), red, first_any. `role_rank` is
    the author's highest role in this chat (0 host, 1 co-moderator, 2 guest, 3 participant),
    `muted` whether a moderator muted them.
    """
    sql = f"""
        SELECT author_key, max(author_handle) AS handle, max(author_name) AS name,
               max(network) AS network,
               count(*) FILTER (WHERE {VISIBLE} AND is_repost = 0) AS posts,
               count(*) FILTER (WHERE {VISIBLE} AND is_repost = 1) AS reposts,
               count(*) FILTER (WHERE {IS_ANSWER}) AS answers,
               count(*) FILTER (WHERE {VISIBLE} AND audience_question = 1) AS audience_questions,
               count(*) FILTER (WHERE {VISIBLE} AND starred = 1) AS starred,
               min(created_at) FILTER (WHERE {VISIBLE}) AS first_at,
               max(created_at) FILTER (WHERE {VISIBLE}) AS last_at,
               sum(hidden) AS hidden, sum(deleted) AS deleted,
               count(*) FILTER (WHERE promo_level IN ('amber', 'red')) AS flagged,
               count(*) FILTER (WHERE promo_level = 'red') AS red,
               min(created_at) AS first_any,
               min({ROLE_RANK}) FILTER (WHERE {VISIBLE} AND is_repost = 0) AS role_rank,
               (SELECT muted FROM authors WHERE key = author_key) AS muted
        FROM posts WHERE chat_id = :chat GROUP BY author_key
        ORDER BY posts DESC, answers DESC, first_at, author_key"""
    return _rows(db, sql, {"chat": chat})


def per_minute(db: sqlite_utils.Database, chat: int) -> list[tuple[str, int]]:
    """Original posts per minute: ('2026-11-26T18:05', n), in time order (UTC minutes)."""
    cur = db.execute(
        f"SELECT substr(created_at, 1, 16) AS m, count(*) FROM posts"
        f" WHERE chat_id = :chat AND {VISIBLE} AND is_repost = 0 GROUP BY m ORDER BY m",
        {"chat": chat},
    )
    return [(str(m), int(c)) for m, c in cur.fetchall()]


def questions(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """The chat's questions (planned or posted) by number."""
    return _rows(
        db,
        "SELECT number, text FROM questions WHERE chat_id = :chat ORDER BY number",
        {"chat": chat},
    )


def quoted_rows(db: sqlite_utils.Database, chat: int) -> sqlite3.Cursor:
    """Answers, question postings and starred posts, answers grouped by question in rank order.

    Columns: answer_to (the question it answers, None when not an answer), native_id, key,
    author_key, question_number, starred, created_at, engagement. Non-answers come first.
    """
    return db.execute(
        f"""
        SELECT answer_to, native_id, key, author_key, question_number, starred, created_at,
               engagement FROM (
            SELECT CASE WHEN {IS_ANSWER} THEN answers END AS answer_to, native_id, key,
                   author_key, question_number, starred, created_at, role,
                   CASE WHEN {IS_ANSWER} THEN {ENGAGEMENT} ELSE 0 END AS engagement
            FROM posts
            WHERE chat_id = :chat AND {VISIBLE}
              AND (answers IS NOT NULL OR question_number IS NOT NULL OR starred = 1)
        ) WHERE answer_to IS NOT NULL OR question_number IS NOT NULL OR starred = 1
        ORDER BY answer_to, {ANSWER_ORDER}""",
        {"chat": chat},
    )


_POST_FIELDS = (
    "key, native_id, network, instance, author_handle, author_name, role, text, created_at,"
    " starred, answers"
)


def posts_by_key(db: sqlite_utils.Database, keys: Sequence[str]) -> dict[str, Row]:
    """Full rows of a few posts (those quoted in the summary), by key."""
    out: dict[str, Row] = {}
    for i in range(0, len(keys), 500):
        chunk = list(keys[i : i + 500])
        marks = ",".join("?" * len(chunk))
        for row in _rows(db, f"SELECT {_POST_FIELDS} FROM posts WHERE key IN ({marks})", chunk):
            out[row["key"]] = row
    return out


def known_before(db: sqlite_utils.Database, before: str) -> set[str]:
    """Author keys whose first stored post is older than `before` (an ISO UTC time)."""
    cur = db.execute("SELECT key FROM authors WHERE first_seen < :t", {"t": before})
    return {str(r[0]) for r in cur.fetchall()}


def sibling_databases(path: str | Path) -> Iterator[Path]:
    """The other chat databases (`*.db`) in the folder of `path`."""
    here = Path(path)
    if str(path) == ":memory:" or not here.exists():
        return
    for other in sorted(here.resolve().parent.glob("*.db")):
        try:
            if other.is_file() and not other.samefile(here):
                yield other
        except OSError:
            continue


def known_before_in(path: Path, before: str) -> set[str]:
    """`known_before` in another database, opened read-only; nothing if it is not a chat one."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return set()
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return set()
        cur = conn.execute("SELECT key FROM authors WHERE first_seen < ?", (before,))
        return {str(r[0]) for r in cur.fetchall()}
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def transcript(db: sqlite_utils.Database, chat: int) -> Iterator[Row]:
    """Every post of the chat in time order, for the export (hidden ones too, marked)."""
    cur = db.execute(
        "SELECT native_id, network, instance, key, author_handle, author_name, role, created_at,"
        " text, is_repost, reply_to_key, question_number, answers, audience_question,"
        " promo_level, promo_score, promo_reasons, starred, hidden, deleted, dry_run, metrics"
        " FROM posts WHERE chat_id = :chat ORDER BY created_at, key",
        {"chat": chat},
    )
    names = [d[0] for d in cur.description]
    while True:
        batch = cur.fetchmany(2000)
        if not batch:
            return
        for r in batch:
            yield dict(zip(names, r, strict=True))
