"""The summary's SQL: one read of the chat's posts, then SQL aggregates over a narrow copy.

`chat_snapshot` reads the columns the summary needs (no text, no payload) from every post of the
chat into `temp.summary_posts`, held in memory. Reading the wide `posts` rows is the expensive
part: one pass instead of one per figure. Then, over the narrow copy:

1. `author_figures`: one row per author (GROUP BY author_key): posts, role, spam flag.
2. `per_minute`: visible posts per minute, originals and reposts apart (the chart, the peak
   minute, the post and repost totals are sums over these few rows).
3. `moderation`: hidden, deleted and flagged counts.
4. `quoted_rows`: the answers in the summary's order (their native ids are listed in the JSON),
   the question postings, the starred posts and the audience questions; the few posts quoted in
   full are then fetched from `posts` by rowid.
5. `cost_rows` and `ran_live_on_x`: the cost meter's totals (the small `costs` table) and whether
   the console read or posted on X for real (else the meter estimated a replay or a dry run).

A post counts when it is visible: not hidden by a moderator, not deleted by its author, and not
a dry-run post that never reached a network. Reposts are counted apart from original posts. An
answer is a visible original post linked to a question, not written by the host or a moderator.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from tchat_tui.store.schema import APPLICATION_ID

VISIBLE = "(hidden = 0 AND deleted = 0 AND dry_run = 0)"
IS_ANSWER = (
    f"({VISIBLE} AND is_repost = 0 AND answers IS NOT NULL"
    " AND role NOT IN ('host', 'co-moderator'))"
)
ENGAGEMENT = "engagement"
"""Likes, reposts, quotes and replies as the networks reported them, summed when the post was
stored (schema v3, `store.schema.ENGAGEMENT_KEYS`)."""
ROLE_RANK = "CASE role WHEN 'host' THEN 0 WHEN 'co-moderator' THEN 1 WHEN 'guest' THEN 2 ELSE 3 END"
ANSWER_ORDER = "starred DESC, (role_rank = 2) DESC, engagement DESC, created_at, native_id"
"""The rule of `domain.summary.answer_rank` (starred, guests, engagement, time), in SQL."""
SNAPSHOT = "temp.summary_posts"

_SNAPSHOT_SQL = f"""
    CREATE TEMP TABLE summary_posts AS
    SELECT rowid AS rid, native_id, author_key, network, created_at,
           substr(created_at, 1, 16) AS minute, {VISIBLE} AS visible, is_repost,
           {ROLE_RANK} AS role_rank, promo_level, hidden, deleted, starred, audience_question,
           question_number,
           CASE WHEN {IS_ANSWER} THEN answers END AS answer_to,
           CASE WHEN {IS_ANSWER} THEN {ENGAGEMENT} END AS engagement
    FROM posts WHERE chat_id = :chat"""

Row = dict[str, Any]


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@contextmanager
def chat_snapshot(db: sqlite_utils.Database, chat: int) -> Iterator[None]:
    """Copy the chat's narrow columns into `temp.summary_posts` (in memory); dropped on exit.

    The temporary table belongs to this connection; the database file is never written.
    """
    previous = db.execute("PRAGMA temp_store").fetchone()[0]
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute(f"DROP TABLE IF EXISTS {SNAPSHOT}")
    try:
        db.execute(_SNAPSHOT_SQL, {"chat": chat})
        yield
    finally:
        db.execute(f"DROP TABLE IF EXISTS {SNAPSHOT}")
        db.execute(f"PRAGMA temp_store = {int(previous)}")


def chat_row(db: sqlite_utils.Database, chat: int) -> Row | None:
    """The chat's row, or None."""
    rows = _rows(db, "SELECT * FROM chats WHERE id = :chat", {"chat": chat})
    return rows[0] if rows else None


def author_figures(db: sqlite_utils.Database) -> list[Row]:
    """Every author of a visible original post (or of a red-flagged one), with their counts.

    `posts` counts visible originals; `red` says a post of theirs was flagged red (spam-like);
    `role_rank` is their highest role in this chat (0 host, 1 co-moderator, 2 guest,
    3 participant); handle, name and `muted` come from the authors table.
    """
    sql = f"""
        SELECT g.*, a.handle, a.name, a.muted FROM (
            SELECT author_key, max(network) AS network,
                   count(*) FILTER (WHERE visible AND is_repost = 0) AS posts,
                   max(promo_level = 'red') AS red, min(role_rank) AS role_rank,
                   min(created_at) AS first_at
            FROM {SNAPSHOT}
            WHERE (visible AND is_repost = 0) OR promo_level = 'red'
            GROUP BY author_key
        ) AS g LEFT JOIN authors AS a ON a.key = g.author_key"""
    return _rows(db, sql, {})


def per_minute(db: sqlite_utils.Database) -> list[tuple[str, bool, int]]:
    """Visible posts per minute, originals and reposts apart: ('2026-11-26T18:05', repost, n)."""
    cur = db.execute(
        f"SELECT minute, is_repost, count(*) FROM {SNAPSHOT} WHERE visible"
        " GROUP BY minute, is_repost ORDER BY minute"
    )
    return [(str(m), bool(r), int(c)) for m, r, c in cur.fetchall()]


def first_post_at(db: sqlite_utils.Database, chat: int) -> str | None:
    """The time of the chat's first stored post, hidden or not (read from the index)."""
    row = db.execute("SELECT min(created_at) FROM posts WHERE chat_id = ?", [chat]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def moderation(db: sqlite_utils.Database) -> Row:
    """Counts only: hidden, deleted, flagged (amber or red) and red posts, hidden or not."""
    sql = f"""
        SELECT count(*) FILTER (WHERE hidden = 1) AS hidden,
               count(*) FILTER (WHERE deleted = 1) AS deleted,
               count(*) FILTER (WHERE promo_level IN ('amber', 'red')) AS flagged,
               count(*) FILTER (WHERE promo_level = 'red') AS red
        FROM {SNAPSHOT}
        WHERE hidden = 1 OR deleted = 1 OR promo_level IN ('amber', 'red')"""
    return _rows(db, sql, {})[0]


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


def quoted_rows(db: sqlite_utils.Database) -> sqlite3.Cursor:
    """Answers, question postings, starred posts and audience questions (all visible).

    Answers come grouped by question in the summary's order; other rows first. Columns:
    answer_to (the question it answers, None when not an answer), native_id, rid, author_key,
    question_number, starred, audience_question, created_at, engagement.
    """
    return db.execute(
        f"""
        SELECT answer_to, native_id, rid, author_key, question_number, starred,
               audience_question, created_at, engagement
        FROM {SNAPSHOT}
        WHERE visible AND (answer_to IS NOT NULL OR question_number IS NOT NULL
                           OR starred = 1 OR audience_question = 1)
        ORDER BY answer_to, {ANSWER_ORDER}"""
    )


_POST_FIELDS = (
    "rowid AS rid, native_id, network, instance, author_handle, author_name, role, text,"
    " created_at, starred, answers"
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
