"""The chat database's schema as numbered migrations (PRAGMA user_version holds the version)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tchat_tui.store.queue_schema import queue_steering
from tchat_tui.store.sharing_schema import shared_consoles

if TYPE_CHECKING:  # only annotations: the pre-check reads APPLICATION_ID without sqlite-utils
    import sqlite_utils

APPLICATION_ID = 0x74636874  # "tcht": marks a tchat-live database


def _plain_index(table: str, *columns: str) -> tuple[str, str]:
    """(name, SQL) of an index on columns, spelled as sqlite-utils' `create_index` spells it.

    Schema v1 made them with sqlite-utils: files it wrote hold this exact text in sqlite_master.
    """
    name = f"idx_{table}_{'_'.join(columns)}"
    cols = ", ".join(f'"{c}"' for c in columns)
    return name, f'CREATE INDEX "{name}"\n    ON "{table}" ({cols})'


_V1_POST_INDEXES = (
    _plain_index("posts", "chat_id", "created_at"),
    _plain_index("posts", "network", "native_id"),
    _plain_index("posts", "author_key"),
    _plain_index("posts", "reply_to_key"),
)
"""Schema v1's secondary indexes on posts (none unique: the key is the primary key)."""


def _v1(db: sqlite_utils.Database) -> None:
    db.table("chats").create(
        {
            "id": int,
            "tag": str,
            "topic": str,
            "started_at": str,
            "duration_minutes": int,
            "plan_json": str,
            "created_at": str,
        },
        pk="id",
    )
    db.table("chats").create_index(["tag"])
    db.table("authors").create(
        {
            "key": str,
            "network": str,
            "author_id": str,
            "handle": str,
            "name": str,
            "role": str,
            "muted": int,
            "notes": str,
            "first_seen": str,
        },
        pk="key",
        defaults={"muted": 0, "role": "participant"},
    )
    db.table("authors").create_index(["handle"])
    db.table("posts").create(
        {
            "key": str,
            "chat_id": int,
            "network": str,
            "native_id": str,
            "instance": str,
            "author_key": str,
            "author_handle": str,
            "author_name": str,
            "role": str,
            "text": str,
            "created_at": str,
            "received_at": str,
            "reply_to_key": str,
            "root_key": str,
            "hashtags": str,
            "links": str,
            "mentions": str,
            "is_repost": int,
            "repost_of_key": str,
            "lang": str,
            "metrics": str,
            "raw": str,
            "question_number": int,
            "answers": int,
            "audience_question": int,
            "claimed_by": str,
            "answered": int,
            "promo_level": str,
            "promo_score": float,
            "promo_reasons": str,
            "starred": int,
            "hidden": int,
            "deleted": int,
            "edited_at": str,
            "outgoing": int,
            "dry_run": int,
            "outbox_id": int,
        },
        pk="key",
        defaults={
            "starred": 0,
            "hidden": 0,
            "deleted": 0,
            "answered": 0,
            "outgoing": 0,
            "dry_run": 0,
            "audience_question": 0,
            "is_repost": 0,
            "promo_level": "none",
            "promo_score": 0.0,
        },
    )
    for _, sql in _V1_POST_INDEXES:
        db.execute(sql)
    db.table("questions").create(
        {
            "chat_id": int,
            "number": int,
            "text": str,
            "source": str,
            "due_at": str,
            "posted_at": str,
            "post_key": str,
        },
        pk=("chat_id", "number"),
    )
    db.table("actions").create(
        {
            "id": int,
            "chat_id": int,
            "at": str,
            "moderator": str,
            "action": str,
            "target": str,
            "detail": str,
        },
        pk="id",
    )
    db.table("actions").create_index(["chat_id", "at"])
    db.table("outbox").create(
        {
            "id": int,
            "chat_id": int,
            "group_key": str,
            "network": str,
            "kind": str,
            "text": str,
            "in_reply_to": str,
            "target_key": str,
            "idempotency_key": str,
            "status": str,
            "remote_id": str,
            "error": str,
            "retryable": int,
            "attempts": int,
            "dry_run": int,
            "moderator": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        defaults={"status": "pending", "attempts": 0, "dry_run": 0, "retryable": 1},
    )
    db.table("outbox").create_index(["idempotency_key"], unique=True)
    db.table("outbox").create_index(["status"])
    db.table("outbox").create_index(["remote_id"])
    db.table("cursors").create(
        {"chat_id": int, "source": str, "value": str, "updated_at": str},
        pk=("chat_id", "source"),
    )


def _v2(db: sqlite_utils.Database) -> None:
    """The cost meter's totals, so the summary can say what the hour cost."""
    db.table("costs").create(
        {
            "chat_id": int,
            "kind": str,
            "count": int,
            "usd": float,
            "prices_read_on": str,
            "updated_at": str,
        },
        pk=("chat_id", "kind"),
    )


ENGAGEMENT_KEYS = ("like_count", "retweet_count", "repost_count", "quote_count", "reply_count")
"""The public counts that add up to a post's engagement (the summary ranks answers by it)."""


def _v3(db: sqlite_utils.Database) -> None:
    """Engagement stored at insert, so the summary does not parse every post's metrics JSON."""
    db.execute("ALTER TABLE posts ADD COLUMN engagement INTEGER NOT NULL DEFAULT 0")
    total = " + ".join(f"coalesce(json_extract(metrics, '$.{k}'), 0)" for k in ENGAGEMENT_KEYS)
    db.execute(f"UPDATE posts SET engagement = {total} WHERE metrics IS NOT NULL")


VISIBLE = "hidden = 0 AND deleted = 0 AND dry_run = 0"
"""A post the summary counts: not hidden, not deleted, not a dry run (the v4 indexes' condition)."""
ANSWER = (
    f"{VISIBLE} AND is_repost = 0 AND answers IS NOT NULL AND role NOT IN ('host', 'co-moderator')"
)
"""An answer: a visible original post linked to a question, not by the host or a moderator."""
NOTED = (
    "hidden = 1 OR deleted = 1 OR promo_level IN ('amber', 'red') OR starred = 1"
    " OR audience_question = 1 OR question_number IS NOT NULL"
)
"""The few posts the summary looks at one by one or counts apart (moderation, highlights...)."""


_FLAGS = "hidden, deleted, dry_run"
_V4_POST_INDEXES = (
    (
        "posts_summary_visible",
        "CREATE INDEX posts_summary_visible ON posts(chat_id, substr(created_at, 1, 16),"
        f" is_repost, created_at, author_key, role, network, {_FLAGS}) WHERE {VISIBLE}",
    ),
    (
        "posts_summary_answer",
        "CREATE INDEX posts_summary_answer ON posts(chat_id, answers, starred DESC,"
        " (role IS 'guest') DESC, engagement DESC, created_at, native_id, author_key, role,"
        f" is_repost, {_FLAGS}) WHERE {ANSWER}",
    ),
    (
        "posts_summary_noted",
        "CREATE INDEX posts_summary_noted ON posts(chat_id, author_key, promo_level, starred,"
        " audience_question, question_number, role, created_at, network, native_id, is_repost,"
        f" {_FLAGS}) WHERE {NOTED}",
    ),
)
"""Schema v4's partial covering indexes for the summary (see `_v4`)."""


def _v4(db: sqlite_utils.Database) -> None:
    """Partial covering indexes, so the summary never reads the wide posts rows (text, payload).

    Each holds only the posts its figures count (the WHERE), in the order they want them, with
    every column they read. A query uses one only when its WHERE repeats the index's condition
    term for term, so `report.queries` builds its conditions from the constants above: they are
    part of this released migration, never edit them. The condition's own columns are listed
    too, since SQLite (3.40) counts them as read. `posts_summary_visible` and `posts_summary_noted`
    grow at the end or barely at all as posts arrive; an index ordered by author would cost a
    bulk import about a third more (each batch touches pages all over it), so the summary sorts
    the visible posts by author itself.
    """
    for _, sql in _V4_POST_INDEXES:
        db.execute(sql)


def _json_id(key: str, path: str, *, empty_is_none: bool = False) -> str:
    """SQL for the id at `path` in a row's raw payload as the parsers read it (`str(value)`):
    a JSON string or integer, else NULL, also for a payload that is not valid JSON (json_extract
    would raise there: the CASE tests json_valid first, and SQLite evaluates a CASE in order).
    Other JSON types stay NULL: SQLite would spell a boolean (1), a real or an integer past
    64 bits (which it reads as a real) otherwise than Python's str. A payload without `key` in
    quotes is not parsed at all (json_extract does not match a key spelled with escapes either).
    """
    keep = "t IN ('text', 'integer') AND typeof(v) IN ('text', 'integer')"
    if empty_is_none:
        keep += " AND v <> ''"
    return (
        f"CASE WHEN instr(raw, '\"{key}\"') AND json_valid(raw) THEN (SELECT v FROM"
        f" (SELECT json_type(raw, {path}) AS t, json_extract(raw, {path}) AS v) WHERE {keep}) END"
    )


_V5_BACKFILL = {
    # xline.post_from_tweet: `in_reply_to_user_id` of the tweet, and every X payload stored is a
    # whole filtered-stream line, {"data": tweet, "includes": ..., "matching_rules": ...} (the
    # stream, the recent search and the publisher all store that shape).
    "x": _json_id("in_reply_to_user_id", "'$.data.in_reply_to_user_id'"),
    # mastodon.status_to_post: `in_reply_to_account_id` of the status shown (the boosted one for
    # a boost), '' read as none; the payload is the whole Status.
    "mastodon": _json_id(
        "in_reply_to_account_id",
        "CASE json_type(raw, '$.reblog') WHEN 'object' THEN '$.reblog.in_reply_to_account_id'"
        " ELSE '$.in_reply_to_account_id' END",
        empty_is_none=True,
    ),
    # bluesky_posts.record_to_post: the DID of the parent's AT-URI (`did_of`), an URI the row
    # keeps whole in reply_to_key ('bluesky:' + URI) whatever its payload (a Jetstream message,
    # a post view, none for the publisher's posts). Not the dry runs: the outbox makes those
    # without an author replied to.
    "bluesky": "CASE WHEN dry_run = 0 AND substr(reply_to_key, 1, 8) = 'bluesky:' THEN"
    " (SELECT CASE WHEN instr(u, '/') THEN substr(u, 1, instr(u, '/') - 1) ELSE u END FROM"
    " (SELECT CASE WHEN substr(reply_to_key, 9, 5) = 'at://' THEN substr(reply_to_key, 14)"
    " ELSE substr(reply_to_key, 9) END AS u)) END",
}
"""Per network, SQL for a stored post's reply_to_author as its parser set it, or NULL (part of
the released migration `_v5`: never edit it)."""


def _v5(db: sqlite_utils.Database) -> None:
    """The author id of the post replied to, so a restart's promo history has it (reply spray)
    even for a reply whose parent is not among the recent posts. Older rows get it from the
    stored payload (or key) where the parser's reading of it can be repeated exactly in SQL."""
    db.execute("ALTER TABLE posts ADD COLUMN reply_to_author TEXT")
    for network, value in _V5_BACKFILL.items():
        db.execute(
            f"UPDATE posts SET reply_to_author = {value} WHERE network = ? AND {value} IS NOT NULL",
            [network],
        )


def _v6(db: sqlite_utils.Database) -> None:
    """One sender per chat: an outbox row is claimed by an owner (a console) until its lease
    ends (epoch seconds), and each open console keeps a heartbeat row in `consoles`.

    Written to run again on a file that has them already (a test that winds `user_version`
    back leaves the columns in place)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(outbox)").fetchall()}
    for column, kind in (("owner", "TEXT"), ("lease_until", "REAL")):
        if column not in have:
            db.execute(f"ALTER TABLE outbox ADD COLUMN {column} {kind}")
    db.execute(
        "CREATE TABLE IF NOT EXISTS consoles (owner TEXT PRIMARY KEY, pid INTEGER NOT NULL,"
        " host TEXT NOT NULL, started_at TEXT NOT NULL, beat_at REAL NOT NULL)"
    )


def _v7(db: sqlite_utils.Database) -> None:
    """The promo scorer's saved state, one row a chat (`store.promo_state`): a restart reads it
    and scores again only the posts stored after it, instead of the whole chat.

    Version 7 (version 6 is the outbox's, issue 14): it only adds its own table, so it applies
    the same after any version 6 (and does nothing to a file that has the table already).
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS promo_state (chat_id INTEGER PRIMARY KEY,"
        " fingerprint TEXT NOT NULL, upto_rowid INTEGER NOT NULL, posts INTEGER NOT NULL,"
        " saved_at TEXT NOT NULL, state BLOB NOT NULL)"
    )


REPLY = f"{VISIBLE} AND is_repost = 0 AND reply_to_key IS NOT NULL AND answers IS NULL"
"""A reply that answers no question: the recap counts them per author (the v8 index's condition)."""
ORIGINAL = f"{VISIBLE} AND is_repost = 0"
"""A visible original post (the v8 language index's condition)."""
_V8_POST_INDEXES = (
    (
        "posts_recap_lang",
        "CREATE INDEX posts_recap_lang ON posts(chat_id, lang, is_repost,"
        f" {_FLAGS}) WHERE {ORIGINAL}",
    ),
    (
        "posts_recap_reply",
        "CREATE INDEX posts_recap_reply ON posts(chat_id, author_key, is_repost,"
        f" reply_to_key, answers, {_FLAGS}) WHERE {REPLY}",
    ),
)
"""Schema v8's partial covering indexes for the recap (see `_v8_recap`)."""


def _v8_recap(db: sqlite_utils.Database) -> None:
    """The recap's two figures that the v4 indexes cannot give without reading the posts rows:
    the chat's language (most visible original posts' `lang`) and each author's replies that
    answer no question (the top contributors rank by answers and replies). Additive: two partial
    covering indexes, the second holding only replies."""
    for _, sql in _V8_POST_INDEXES:
        db.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
    _v8_recap,
    queue_steering,
    shared_consoles,  # v10 (issue 17: co-moderators at their own console)
]
"""MIGRATIONS[i] takes the schema from version i to i + 1; append, never edit a released one."""

SCHEMA_VERSION = len(MIGRATIONS)

POST_INDEXES: tuple[tuple[str, str], ...] = _V1_POST_INDEXES + _V4_POST_INDEXES + _V8_POST_INDEXES
"""(name, CREATE INDEX SQL) of every secondary index on posts at the current schema: the ones a
bulk load drops and re-creates, and `Store.open` re-creates if missing. None is UNIQUE: the
duplicate check rests on the primary key alone, which is never dropped."""
