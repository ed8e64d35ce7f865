"""The summary's SQL: aggregates over one chat's posts, run by SQLite, never a Python scan of rows.

A post counts when it is visible: not hidden by a moderator, not deleted by its author, and not
a dry-run post that never reached a network. Reposts are counted apart from original posts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from tchat_tui.store.schema import APPLICATION_ID

VISIBLE = "chat_id = :chat AND hidden = 0 AND deleted = 0 AND dry_run = 0"
ORIGINAL = f"{VISIBLE} AND is_repost = 0"
ANSWER = f"{ORIGINAL} AND answers IS NOT NULL AND role NOT IN ('host', 'co-moderator')"
"""An answer: a visible original post linked to a question, not the host's or a moderator's."""
ENGAGEMENT = " + ".join(
    f"coalesce(json_extract(metrics, '$.{k}'), 0)"
    for k in ("like_count", "retweet_count", "repost_count", "quote_count", "reply_count")
)
"""Likes, reposts, quotes and replies as the networks reported them (X, Mastodon, Bluesky keys)."""
ANSWER_ORDER = f"starred DESC, (role = 'guest') DESC, ({ENGAGEMENT}) DESC, created_at, native_id"
"""The rule of `domain.summary.answer_rank`, in SQL."""

Row = dict[str, Any]


def _rows(db: sqlite_utils.Database, sql: str, params: dict[str, Any]) -> list[Row]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def latest_chat(db: sqlite_utils.Database) -> int | None:
    """The newest chat in the database."""
    row = db.execute("SELECT max(id) FROM chats").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def chat_row(db: sqlite_utils.Database, chat: int) -> Row | None:
    """The chat's row, or None."""
    rows = _rows(db, "SELECT * FROM chats WHERE id = :chat", {"chat": chat})
    return rows[0] if rows else None


def figures(db: sqlite_utils.Database, chat: int) -> Row:
    """Posts, reposts, participants, answers, audience questions, starred, first and last post."""
    sql = f"""
        SELECT count(*) FILTER (WHERE is_repost = 0) AS posts,
               count(*) FILTER (WHERE is_repost = 1) AS reposts,
               count(DISTINCT author_key) FILTER (WHERE is_repost = 0) AS participants,
               count(*) FILTER (
                   WHERE is_repost = 0 AND answers IS NOT NULL
                   AND role NOT IN ('host', 'co-moderator')) AS answers,
               count(*) FILTER (WHERE audience_question = 1) AS audience_questions,
               count(*) FILTER (WHERE starred = 1) AS starred,
               min(created_at) AS first_at,
               max(created_at) AS last_at
        FROM posts WHERE {VISIBLE}"""
    return _rows(db, sql, {"chat": chat})[0]


def moderation(db: sqlite_utils.Database, chat: int) -> Row:
    """Counts only: hidden, deleted, flagged (amber or red), red, muted authors; first post time."""
    sql = """
        SELECT count(*) FILTER (WHERE hidden = 1) AS hidden,
               count(*) FILTER (WHERE deleted = 1) AS deleted,
               count(*) FILTER (WHERE promo_level IN ('amber', 'red')) AS flagged,
               count(*) FILTER (WHERE promo_level = 'red') AS flagged_red,
               min(created_at) AS first_any
        FROM posts WHERE chat_id = :chat"""
    row = _rows(db, sql, {"chat": chat})[0]
    row["muted_authors"] = db.execute(
        "SELECT count(*) FROM authors WHERE muted = 1 AND key IN"
        " (SELECT DISTINCT author_key FROM posts WHERE chat_id = :chat)",
        {"chat": chat},
    ).fetchone()[0]
    return row


def per_network(db: sqlite_utils.Database, chat: int) -> dict[str, int]:
    """Original posts on each network."""
    cur = db.execute(
        f"SELECT network, count(*) FROM posts WHERE {ORIGINAL} GROUP BY network ORDER BY network",
        {"chat": chat},
    )
    return {str(n): int(c) for n, c in cur.fetchall()}


def per_minute(db: sqlite_utils.Database, chat: int) -> list[tuple[str, int]]:
    """Original posts per minute: ('2026-11-26T18:05', n), in time order (UTC minutes)."""
    cur = db.execute(
        f"SELECT substr(created_at, 1, 16) AS m, count(*) FROM posts WHERE {ORIGINAL}"
        " GROUP BY m ORDER BY m",
        {"chat": chat},
    )
    return [(str(m), int(c)) for m, c in cur.fetchall()]


def questions(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """The chat's questions (planned or posted) by number."""
    return _rows(
        db,
        "SELECT number, text, posted_at FROM questions WHERE chat_id = :chat ORDER BY number",
        {"chat": chat},
    )


def question_postings(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Every visible posting of a question, in time order."""
    return _rows(
        db,
        f"SELECT question_number AS number, native_id, created_at FROM posts"
        f" WHERE {VISIBLE} AND question_number IS NOT NULL ORDER BY created_at, native_id",
        {"chat": chat},
    )


def answer_counts(db: sqlite_utils.Database, chat: int) -> dict[int, tuple[int, int]]:
    """Question number -> (answers, distinct answerers)."""
    cur = db.execute(
        f"SELECT answers, count(*), count(DISTINCT author_key) FROM posts"
        f" WHERE {ANSWER} GROUP BY answers",
        {"chat": chat},
    )
    return {int(n): (int(c), int(a)) for n, c, a in cur.fetchall()}


def answer_ids(db: sqlite_utils.Database, chat: int) -> dict[int, list[str]]:
    """Question number -> native ids of all its answers, in the summary's order."""
    out: dict[int, list[str]] = {}
    cur = db.execute(
        f"SELECT answers, native_id FROM posts WHERE {ANSWER} ORDER BY answers, {ANSWER_ORDER}",
        {"chat": chat},
    )
    for number, native_id in cur.fetchall():
        out.setdefault(int(number), []).append(str(native_id))
    return out


_POST_FIELDS = (
    "native_id, network, instance, author_handle, author_name, role, text, created_at,"
    f" starred, answers, ({ENGAGEMENT}) AS engagement"
)


def top_answers(db: sqlite_utils.Database, chat: int, per_question: int) -> list[Row]:
    """The first `per_question` answers of each question, in the summary's order."""
    sql = f"""
        SELECT * FROM (
            SELECT {_POST_FIELDS},
                   row_number() OVER (PARTITION BY answers ORDER BY {ANSWER_ORDER}) AS rank
            FROM posts WHERE {ANSWER}
        ) WHERE rank <= :n ORDER BY answers, rank"""
    return _rows(db, sql, {"chat": chat, "n": per_question})


def highlights(db: sqlite_utils.Database, chat: int, limit: int = 200) -> list[Row]:
    """Starred posts, in time order."""
    return _rows(
        db,
        f"SELECT {_POST_FIELDS} FROM posts WHERE {VISIBLE} AND starred = 1"
        " ORDER BY created_at, native_id LIMIT :n",
        {"chat": chat, "n": limit},
    )


def contributors(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Every author of a visible original post: posts, answers, role; most active first.

    `role_rank` is the author's highest role in this chat: 0 host, 1 co-moderator, 2 guest, 3;
    `red` says one of their posts was flagged red (spam-like), `muted` that a moderator muted them.
    """
    sql = f"""
        SELECT author_key, max(author_handle) AS handle, max(author_name) AS name,
               max(network) AS network, count(*) AS posts,
               count(answers) FILTER (WHERE role NOT IN ('host', 'co-moderator')) AS answers,
               min(CASE role WHEN 'host' THEN 0 WHEN 'co-moderator' THEN 1
                   WHEN 'guest' THEN 2 ELSE 3 END) AS role_rank,
               max(promo_level = 'red') AS red,
               (SELECT muted FROM authors WHERE key = author_key) AS muted
        FROM posts WHERE {ORIGINAL} GROUP BY author_key
        ORDER BY posts DESC, answers DESC, min(created_at), author_key"""
    return _rows(db, sql, {"chat": chat})


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
