"""The summary's SQL: a handful of aggregates, each over a narrow index instead of the posts rows.

Reading the wide `posts` rows (text, payload) is the expensive part of a summary, so each figure
reads a partial covering index of schema v4 (`store.schema._v4`) that holds just the posts it
counts, already in the order it wants them. All of them run inside one read transaction
(`read_snapshot`), so a console still writing the chat cannot change the figures halfway.

1. `author_figures`: one row per author: posts, role, promo flag; `replies_by_author`: the
   replies that are not answers, per author.
2. `per_minute`: visible posts per minute, originals and reposts apart (the chart, the peak
   minute, the post and repost totals are sums over these few rows).
3. `moderation`: hidden, deleted and flagged counts.
4. `answers`: each question's answers in the summary's order (their native ids are listed in the
   JSON) with their authors; `top_answers`: the first few of them, to quote.
5. `noted_posts`: the question postings, the starred posts and the audience questions; the few
   posts quoted in full are then fetched from `posts` by rowid.
6. `cost_rows` and `ran_live_on_x`: the cost meter's totals (the small `costs` table) and whether
   the console read or posted on X for real (else the meter estimated a replay or a dry run).

A post counts when it is visible: not hidden by a moderator, not deleted by its author, and not
a dry-run post that never reached a network. Reposts are counted apart from original posts. An
answer is a visible original post linked to a question, not written by the host or a moderator.
A query uses its index only when its WHERE repeats the index's condition (`schema.VISIBLE`,
`schema.ANSWER`, `schema.NOTED`), which is why those come from the schema module.

A muted author's posts (mutes are per author: `authors.muted`) are quoted nowhere, like hidden
ones: neither as a highlight nor as a top answer (`MUTED`, a test added on top of the index's
condition, so the index still serves). They are still counted: posts, answers, moderation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlite_utils

from tchat_tui.store.schema import ANSWER, NOTED, ORIGINAL, REPLY, VISIBLE

ROLE_RANK = "CASE role WHEN 'host' THEN 0 WHEN 'co-moderator' THEN 1 WHEN 'guest' THEN 2 ELSE 3 END"
ANSWER_ORDER = "starred DESC, (role IS 'guest') DESC, engagement DESC, created_at, native_id"
"""The rule of `domain.summary.answer_rank` (starred, guests, engagement, time), in SQL; the order
of the `posts_summary_answer` index, so SQLite reads the answers sorted instead of sorting them.
`engagement` is summed when the post is stored (schema v3, `store.schema.ENGAGEMENT_KEYS`)."""

MUTED = "author_key IN (SELECT key FROM authors WHERE muted = 1)"
"""A post whose author is muted (a subquery on the small authors table, beside the index)."""

Row = dict[str, Any]


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction around the summary's queries: they all see the same posts.

    In WAL mode a reader sees the database as of its first read while writers go on; nothing is
    copied or written. Inside a transaction already open on this connection, that one serves.
    Writers belong on other connections (the summary command opens its own store): a thread
    writing through this one would find the transaction open.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def chat_row(db: sqlite_utils.Database, chat: int) -> Row | None:
    """The chat's row, or None."""
    rows = _rows(db, "SELECT * FROM chats WHERE id = :chat", {"chat": chat})
    return rows[0] if rows else None


def author_figures(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Every author of a visible original post (or of a red-flagged one), with their counts.

    `posts` counts visible originals; `flagged` says a post of theirs was flagged amber or red
    (allowed by a moderator or not: the thank-you drafts leave such accounts out);
    `role_rank` is their highest role in this chat (0 host, 1 co-moderator, 2 guest,
    3 participant); handle, name and `muted` come from the authors table. The visible originals
    (`posts_summary_author`) and the flagged posts (`posts_summary_noted`) are grouped apart, then
    merged: a few thousand rows.
    """
    sql = f"""
        SELECT g.*, a.handle, a.name, a.muted FROM (
            SELECT author_key, max(network) AS network, sum(posts) AS posts,
                   max(flagged) AS flagged,
                   min(role_rank) AS role_rank, min(first_at) AS first_at
            FROM (
                SELECT author_key, max(network) AS network, count(*) AS posts, 0 AS flagged,
                       min({ROLE_RANK}) AS role_rank, min(created_at) AS first_at
                FROM posts WHERE chat_id = :chat AND {VISIBLE} AND is_repost = 0
                GROUP BY author_key
                UNION ALL
                SELECT author_key, max(network), 0, 1, min({ROLE_RANK}), min(created_at)
                FROM posts WHERE chat_id = :chat AND ({NOTED}) AND promo_level IN ('amber', 'red')
                GROUP BY author_key
            )
            GROUP BY author_key
        ) AS g LEFT JOIN authors AS a ON a.key = g.author_key"""
    return _rows(db, sql, {"chat": chat})


def replies_by_author(db: sqlite_utils.Database, chat: int) -> dict[str, int]:
    """Author key -> visible original posts that reply to another post and answer no question."""
    cur = db.execute(
        f"SELECT author_key, count(*) FROM posts WHERE chat_id = :chat AND {REPLY}"
        " GROUP BY author_key",
        {"chat": chat},
    )
    return {str(k): int(n) for k, n in cur.fetchall()}


NO_LANGUAGE = ("und", "zxx", "qme", "qht", "qam", "art")
"""X's language codes for 'undetermined', 'no linguistic content', media only, hashtags only..."""


def main_language(db: sqlite_utils.Database, chat: int) -> str | None:
    """The language most visible original posts declare (X `lang`, Mastodon `language`, Bluesky
    `langs`), or None when none declares one."""
    cur = db.execute(
        f"SELECT lang, count(*) FROM posts WHERE chat_id = :chat AND {ORIGINAL} GROUP BY lang",
        {"chat": chat},
    )
    counts = [(int(n), str(lang).lower()) for lang, n in cur.fetchall() if lang]
    counts = [(n, lang) for n, lang in counts if lang not in NO_LANGUAGE]
    return max(counts, key=lambda c: (c[0], c[1]))[1] if counts else None


def per_minute(db: sqlite_utils.Database, chat: int) -> list[tuple[str, bool, int]]:
    """Visible posts per minute, originals and reposts apart: ('2026-11-26T18:05', repost, n)."""
    cur = db.execute(
        "SELECT substr(created_at, 1, 16) AS minute, is_repost, count(*) FROM posts"
        f" WHERE chat_id = :chat AND {VISIBLE}"
        " GROUP BY minute, is_repost ORDER BY minute, is_repost",
        {"chat": chat},
    )
    return [(str(m), bool(r), int(c)) for m, r, c in cur.fetchall()]


def first_post_at(db: sqlite_utils.Database, chat: int) -> str | None:
    """The time of the chat's first stored post, hidden or not (read from the index)."""
    row = db.execute("SELECT min(created_at) FROM posts WHERE chat_id = ?", [chat]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def moderation(db: sqlite_utils.Database, chat: int) -> Row:
    """Counts only: hidden, deleted, flagged (amber or red) and red posts, hidden or not."""
    sql = f"""
        SELECT count(*) FILTER (WHERE hidden = 1) AS hidden,
               count(*) FILTER (WHERE deleted = 1) AS deleted,
               count(*) FILTER (WHERE promo_level IN ('amber', 'red')) AS flagged,
               count(*) FILTER (WHERE promo_level = 'red') AS red
        FROM posts
        WHERE chat_id = :chat AND ({NOTED})
          AND (hidden = 1 OR deleted = 1 OR promo_level IN ('amber', 'red'))"""
    return _rows(db, sql, {"chat": chat})[0]


def cost_rows(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """The chat's cost totals (kind, count, usd, prices_read_on); none before schema v2."""
    if not db["costs"].exists():
        return []
    return _rows(
        db,
        "SELECT kind, count, usd, prices_read_on FROM costs WHERE chat_id = :chat ORDER BY kind",
        {"chat": chat},
    )


def ran_live_on_x(db: sqlite_utils.Database, chat: int) -> bool:
    """Whether the console read or posted on X for real during the chat.

    The live X source keeps its resume point in `cursors` (source 'x'); a post sent for real is
    an outbox row sent with `dry_run = 0`. A replay or a dry run leaves neither.
    """
    sql = """
        SELECT EXISTS(SELECT 1 FROM cursors WHERE chat_id = :chat AND source = 'x')
            OR EXISTS(SELECT 1 FROM outbox WHERE chat_id = :chat AND network = 'x'
                      AND dry_run = 0 AND status = 'sent')"""
    return bool(db.execute(sql, {"chat": chat}).fetchone()[0])


def questions(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """The chat's questions (planned or posted) by number."""
    return _rows(
        db,
        "SELECT number, text FROM questions WHERE chat_id = :chat ORDER BY number",
        {"chat": chat},
    )


def answers(
    db: sqlite_utils.Database, chat: int
) -> Iterator[tuple[int, tuple[str, ...], tuple[str, ...]]]:
    """Per question number: its answers' native ids in the summary's order, and their authors.

    Every answer is listed, also those to a number the questions table does not know.
    """
    cur = db.execute(
        f"SELECT answers, native_id, author_key FROM posts WHERE chat_id = :chat AND {ANSWER}"
        f" ORDER BY answers, {ANSWER_ORDER}",
        {"chat": chat},
    )
    # Tens of thousands of rows: grouped and split by C loops (groupby, zip), not row by row.
    for number, group in groupby(cur.fetchall(), key=itemgetter(0)):
        _, ids, authors = zip(*group, strict=True)
        yield int(number), ids, authors


def top_answers(
    db: sqlite_utils.Database, chat: int, number: int, limit: int
) -> list[tuple[int, int]]:
    """The first `limit` answers to question `number`, in the summary's order: (rowid, engagement).

    Muted authors' answers are left out (they are quoted nowhere), though still counted.
    """
    cur = db.execute(
        f"SELECT rowid, engagement FROM posts WHERE chat_id = :chat AND answers = :n AND {ANSWER}"
        f" AND NOT {MUTED} ORDER BY {ANSWER_ORDER} LIMIT :limit",
        {"chat": chat, "n": number, "limit": limit},
    )
    return [(int(rid), int(e or 0)) for rid, e in cur.fetchall()]


def noted_posts(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """The visible question postings, starred posts and audience questions.

    Columns: rid, native_id, question_number, starred, audience_question, created_at, and
    author_muted (0/1: a muted author's starred post is no highlight).
    """
    return _rows(
        db,
        f"""
        SELECT rowid AS rid, native_id, question_number, starred, audience_question, created_at,
               {MUTED} AS author_muted
        FROM posts
        WHERE chat_id = :chat AND ({NOTED}) AND {VISIBLE}
          AND (question_number IS NOT NULL OR starred = 1 OR audience_question = 1)""",
        {"chat": chat},
    )


_POST_FIELDS = (
    "rowid AS rid, native_id, network, instance, author_handle, author_name, role, text,"
    " created_at, starred, answers, links, reply_to_key"
)


def posts_by_rowid(db: sqlite_utils.Database, rids: Sequence[int]) -> dict[int, Row]:
    """Full rows of a few posts (those quoted in the summary), by rowid."""
    out: dict[int, Row] = {}
    for i in range(0, len(rids), 500):
        chunk = list(rids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        for row in _rows(db, f"SELECT {_POST_FIELDS} FROM posts WHERE rowid IN ({marks})", chunk):
            out[int(row["rid"])] = row
    return out


_ANSWERED_BY = (
    "CASE WHEN audience_question = 1 THEN (SELECT moderator FROM actions WHERE chat_id = :chat"
    " AND action = 'answered' AND target = posts.key ORDER BY id DESC LIMIT 1) END AS answered_by,"
    " CASE WHEN audience_question = 1 THEN (SELECT at FROM actions WHERE chat_id = :chat"
    " AND action = 'answered' AND target = posts.key ORDER BY id DESC LIMIT 1) END AS answered_at"
)
"""Who marked an audience question answered, and when (the last 'answered' action on it)."""


def transcript(db: sqlite_utils.Database, chat: int) -> Iterator[Row]:
    """Every post of the chat in time order, for the export (hidden ones too, marked; and
    `author_muted`, 0/1, whether its author is muted; an audience question's claim and who
    marked it answered, when)."""
    cur = db.execute(
        "SELECT native_id, network, instance, key, author_handle, author_name, role, created_at,"
        " text, is_repost, reply_to_key, question_number, answers, audience_question,"
        " claimed_by, answered, " + _ANSWERED_BY + ","
        " promo_level, promo_score, promo_reasons, starred, hidden, deleted, dry_run, metrics,"
        f" {MUTED} AS author_muted"
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
