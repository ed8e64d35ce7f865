"""The Store: the only place that reads and writes the chat database."""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import sqlite_utils

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.post import Link, Network, Post, Role, make_key
from tchat_tui.store.errors import NotAChatDatabase as NotAChatDatabase
from tchat_tui.store.errors import StoreError as StoreError
from tchat_tui.store.precheck import check_identity, database_error, prepare_folder
from tchat_tui.store.schema import (
    APPLICATION_ID,
    ENGAGEMENT_KEYS,
    MIGRATIONS,
    POST_INDEXES,
    SCHEMA_VERSION,
)

Row = dict[str, Any]


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""One encoder for every row: json.dumps with options builds a new encoder per call."""


def _json_text(value: Any) -> str:
    """Compact JSON text, as `_json` writes it, through orjson (about 10x cheaper per value)."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, TypeError):  # lone surrogates, integers past 64 bits
        return _json(value)


def iso(dt: datetime) -> str:
    """Datetimes are stored as ISO 8601 UTC strings, which sort as text."""
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    return dt.isoformat(timespec="milliseconds")


def parse_iso(value: str) -> datetime:
    """Read back a stored datetime."""
    return datetime.fromisoformat(value)


def _now() -> str:
    return iso(datetime.now(UTC))


_POST_COLUMNS = (
    "key chat_id network native_id instance author_key author_handle author_name role text"
    " created_at received_at reply_to_key root_key hashtags links mentions is_repost repost_of_key"
    " lang metrics raw question_number answers audience_question promo_level promo_score"
    " promo_reasons outgoing dry_run outbox_id engagement reply_to_author"
).split()
PAGE_SIZE = 16384
"""Bytes per database page, for databases this version creates."""
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


BULK_MIN_ROWS = 20_000
"""`Store.bulk_load` drops the posts indexes only for a load of at least this many posts: below
it the saving is under a tenth of a second (measured 5-12% of storing 5,000-20,000 posts into an
empty file, within the noise at 5,000), not worth leaving the console without indexes."""
BULK_MIN_SHARE = 2
"""...and only for a load of at least 1/BULK_MIN_SHARE of the posts already stored: re-creating
the indexes covers every stored post. Into a file of 100,000 posts, dropping them cost 22% more
for 20,000 new posts and saved 13% for 50,000 (37% for 100,000); the break-even is near 30%."""


def _if_not_exists(sql: str) -> str:
    """A POST_INDEXES statement that does nothing when the index exists (sqlite_master keeps the
    statement without the clause, so the index's SQL is the same either way)."""
    return sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)


_UPSERT_AUTHOR = (
    "INSERT INTO authors (key, network, author_id, handle, name, role, first_seen)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT(key) DO UPDATE SET handle = excluded.handle, name = excluded.name,"
    " role = CASE WHEN authors.role = 'participant' THEN excluded.role ELSE authors.role END"
)


def _locked(cls: type[Store]) -> type[Store]:
    """Every public method runs under the store's lock: the UI, the sources and the outbox share
    one connection, and a transaction opened by one thread must not take in another's writes."""
    for name, fn in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(fn) or inspect.isgeneratorfunction(fn):
            continue

        def wrapper(self: Store, *args: Any, __fn: Any = fn, **kwargs: Any) -> Any:
            with self._lock:
                return __fn(self, *args, **kwargs)

        functools.update_wrapper(wrapper, fn)
        setattr(cls, name, wrapper)
    return cls


@_locked
class Store:
    """A chat database. Thread-safe: one connection guarded by a lock, one transaction per batch."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.path = path
        self._conn = conn
        # No plugin scan: sqlite-utils would read every installed package's entry points on
        # each open (70 ms), and tchat-live uses no sqlite-utils plugins.
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._lock = threading.RLock()
        self._authors_known: dict[str, tuple[str, str, str]] = {}
        """Authors written in this session: (handle, name, role); unchanged ones are not rewritten."""
        self._bulk_depth = 0
        """How many `bulk_load` blocks are open (nested ones leave everything to the outermost)."""
        self._indexes_dropped = False
        """A bulk load dropped the posts indexes and has not re-created them yet."""
        self._closed = False

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open (creating if needed) a chat database, migrating it to the current schema."""
        p = str(path)
        prepare_folder(p)
        try:
            conn = sqlite3.connect(p, check_same_thread=False, isolation_level=None)
            store = cls(conn, p)
            store._prepare()
        except sqlite3.DatabaseError as exc:
            raise database_error(p, exc) from None
        return store

    def _prepare(self) -> None:
        conn = self._conn
        conn.execute("PRAGMA busy_timeout = 5000")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        check_identity(self.path, app_id, bool(tables))
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer tchat-live (schema {version}, this one knows"
                f" {SCHEMA_VERSION}); upgrade tchat-live"
            )
        if not tables:
            # A new database: 16 KiB pages (SQLite's default is 4). Each post lands in the table
            # and in several indexes; larger pages mean fewer page splits and shallower trees
            # (about a fifth less work per stored post). Only possible before the first table.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # Fewer, larger checkpoints: a busy chat writes ~1 KB a post (raw payload kept).
        conn.execute("PRAGMA wal_autocheckpoint = 10000")
        conn.execute("PRAGMA foreign_keys = ON")
        for step in range(version, SCHEMA_VERSION):
            with self.db.atomic():
                MIGRATIONS[step](self.db)
                conn.execute(f"PRAGMA user_version = {step + 1}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        # A bulk load cut short (the process killed inside it) leaves posts without its indexes.
        self._create_post_indexes()

    def _missing_post_indexes(self) -> list[str]:
        """The statements of the posts indexes the file lacks (none, but after a bulk load)."""
        names = {
            r[0]
            for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts'"
            )
        }
        return [_if_not_exists(sql) for name, sql in POST_INDEXES if name not in names]

    def _create_post_indexes(self) -> None:
        """Create the missing posts indexes, in one write transaction (IF NOT EXISTS: another
        connection may have re-created them meanwhile)."""
        missing = self._missing_post_indexes()
        if missing:
            with self._write():
                for sql in missing:
                    self._conn.execute(sql)
        self._indexes_dropped = False

    @contextmanager
    def _write(self) -> Iterator[None]:
        """A write transaction taken at once (BEGIN IMMEDIATE: waits for another writer, never
        fails half-way on a stale snapshot); a savepoint inside a transaction already open."""
        if self._conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _rows(self, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """Run a query under the lock and return its rows as dicts."""
        with self._lock:
            return list(self.db.query(sql, args))

    def close(self) -> None:
        """Close the connection (re-creating the posts indexes first if a bulk load dropped them)."""
        with self._lock:
            if self._closed:
                return
            try:
                if self._indexes_dropped:
                    self._create_post_indexes()
            finally:
                self._closed = True
                self._conn.close()

    # -- bulk loads ----------------------------------------------------------------------------

    @contextmanager
    def bulk_load(self, expected_rows: int) -> Iterator[None]:
        """Store a large import faster: wrap the `add_posts` calls of a load of `expected_rows`.

        For a load of at least `BULK_MIN_ROWS` posts, and at least half as many as are stored
        already (`BULK_MIN_SHARE`), the secondary indexes of posts (`schema.POST_INDEXES`) are
        dropped at entry and re-created at exit: building an index once over every row costs far
        less than updating it row by row. Never the primary key: duplicates are still refused as
        they arrive. Smaller loads run as usual. The database's content is the same either way.

        Meanwhile the console and the summary read without those indexes (slower, same figures).
        The indexes come back on exit, exception or not, on `close`, and, if the process dies
        inside, at the next `Store.open` of the file (which re-creates any missing one; so does
        another connection's open during the load, which only makes the load slower). Nested
        blocks leave everything to the outermost one.
        """
        with self._lock:
            if self._bulk_depth == 0 and self._bulk_pays(expected_rows):
                with self._write():
                    for name, _ in POST_INDEXES:
                        self._conn.execute(f"DROP INDEX IF EXISTS {name}")
                self._indexes_dropped = True
            self._bulk_depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._bulk_depth -= 1
                if self._bulk_depth == 0 and self._indexes_dropped and not self._closed:
                    self._create_post_indexes()

    def _bulk_pays(self, expected_rows: int) -> bool:
        """Whether dropping the indexes pays for a load of this many posts (see BULK_MIN_ROWS)."""
        if expected_rows < BULK_MIN_ROWS:
            return False
        # Posts are never deleted: the largest rowid counts them without reading the table.
        stored = self._conn.execute("SELECT max(rowid) FROM posts").fetchone()[0] or 0
        return expected_rows * BULK_MIN_SHARE >= stored

    # -- chats ---------------------------------------------------------------------------------

    def ensure_chat(
        self,
        tag: str,
        *,
        topic: str | None = None,
        started_at: datetime | None = None,
        duration_minutes: int = 60,
        plan_json: str | None = None,
        new: bool = False,
        now: datetime | None = None,
        idle: timedelta = timedelta(hours=12),
    ) -> int:
        """The chat for `tag`: the latest one in this database, or a new one.

        A new chat starts when `new` is set, or when `now` is given and the latest chat has been
        idle (no post, not created) for longer than `idle`: next week's chat on the same tag.
        """
        tag = tag.lstrip("#＃")
        with self._lock:
            if not new:
                row = self._conn.execute(
                    "SELECT id, created_at, (SELECT max(received_at) FROM posts"
                    " WHERE chat_id = chats.id) FROM chats WHERE lower(tag) = lower(?)"
                    " ORDER BY id DESC LIMIT 1",
                    (tag,),
                ).fetchone()
                if row and now is not None:
                    last = max(v for v in (row[1], row[2]) if v)
                    if now - parse_iso(last) > idle:
                        row = None
                if row:
                    chat_id = int(row[0])
                    updates: Row = {}
                    if topic:
                        updates["topic"] = topic
                    if plan_json:
                        updates["plan_json"] = plan_json
                    if started_at:
                        updates["started_at"] = iso(started_at)
                        updates["duration_minutes"] = duration_minutes
                    if updates:
                        self.db.table("chats").update(chat_id, updates)
                    return chat_id
            record = {
                "tag": tag,
                "topic": topic,
                "started_at": iso(started_at) if started_at else None,
                "duration_minutes": duration_minutes,
                "plan_json": plan_json,
                "created_at": _now(),
            }
            pk = self.db.table("chats").insert(record).last_pk
            assert pk is not None
            return int(pk)

    def chat(self, chat_id: int) -> Row:
        """The chat's row."""
        return dict(self.db.table("chats").get(chat_id))

    def chats(self) -> list[Row]:
        """All chats in this database, oldest first."""
        return list(self._rows("SELECT * FROM chats ORDER BY id"))

    # -- posts ---------------------------------------------------------------------------------

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
            received = _now()
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
            _json_text(p.hashtags) if p.hashtags else "[]",
            _json_text([[lk.url, lk.expanded_url] for lk in p.links]) if p.links else "[]",
            _json_text(p.mentions) if p.mentions else "[]",
            int(p.is_repost),
            make_key(network, p.repost_of_id, p.instance) if p.repost_of_id else None,
            p.lang,
            _json_text(metrics) if metrics else None,
            p.raw,
            c.question_number,
            c.answers,
            int(c.audience_question),
            cp.promo_level,
            cp.promo_score,
            _json_text(cp.promo_reasons) if cp.promo_reasons else None,
            int(cp.outgoing),
            int(cp.dry_run),
            cp.outbox_id,
            sum(metrics.get(k, 0) for k in ENGAGEMENT_KEYS) if metrics else 0,
            p.reply_to_author_id,
        )

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

    # -- questions -----------------------------------------------------------------------------

    def set_planned_questions(
        self, chat_id: int, questions: Sequence[tuple[int, str, datetime | None]]
    ) -> None:
        """Load the plan's questions (number, text, due time); posted state is kept."""
        with self._lock, self.db.atomic():
            for number, text, due in questions:
                self._conn.execute(
                    "INSERT INTO questions (chat_id, number, text, source, due_at)"
                    " VALUES (?, ?, ?, 'plan', ?) ON CONFLICT(chat_id, number) DO UPDATE SET"
                    " text = excluded.text, source = 'plan', due_at = excluded.due_at",
                    (chat_id, number, text, iso(due) if due else None),
                )

    def questions(self, chat_id: int) -> list[Row]:
        """The chat's questions by number."""
        return list(
            self._rows("SELECT * FROM questions WHERE chat_id = ? ORDER BY number", [chat_id])
        )

    def question_postings(self, chat_id: int) -> list[Row]:
        """Every stored posting of a question (number, native id, text, time), in time order."""
        return list(
            self._rows(
                "SELECT question_number, native_id, text, created_at FROM posts"
                " WHERE chat_id = ? AND question_number IS NOT NULL ORDER BY created_at",
                [chat_id],
            )
        )

    # -- authors -------------------------------------------------------------------------------

    def author(self, key: str) -> Row | None:
        """An author's row, or None."""
        rows = list(self._rows("SELECT * FROM authors WHERE key = ?", [key]))
        return rows[0] if rows else None

    def set_role(self, handle: str, role: Role, network: Network | None = None) -> None:
        """Give the author(s) with this handle a role (from the plan or the command line)."""
        with self._lock, self.db.atomic():
            sql = "UPDATE authors SET role = ? WHERE lower(handle) = lower(?)"
            args: list[Any] = [role.value, handle.lstrip("@")]
            if network:
                sql += " AND network = ?"
                args.append(network.value)
            self._conn.execute(sql, args)

    def muted_authors(self) -> set[str]:
        """Keys of muted authors."""
        return {r[0] for r in self._conn.execute("SELECT key FROM authors WHERE muted = 1")}

    # -- moderation ----------------------------------------------------------------------------

    def record_action(
        self, chat_id: int, moderator: str, action: str, target: str, detail: str = ""
    ) -> None:
        """Log a moderator's action (who, what, when)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, _now(), moderator, action, target, detail),
            )

    def _moderate(
        self, chat_id: int, moderator: str, action: str, target: str, sql: str, args: Iterable[Any]
    ) -> None:
        with self._lock, self.db.atomic():
            self._conn.execute(sql, tuple(args))
            self._conn.execute(
                "INSERT INTO actions (chat_id, at, moderator, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, '')",
                (chat_id, _now(), moderator, action, target),
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
                (chat_id, _now(), moderator, author_key, note),
            )

    def actions(self, chat_id: int, limit: int = 200) -> list[Row]:
        """The newest moderator actions, newest first."""
        return list(
            self._rows(
                "SELECT * FROM actions WHERE chat_id = ? ORDER BY id DESC LIMIT ?", [chat_id, limit]
            )
        )

    # -- cursors -------------------------------------------------------------------------------

    def get_cursor(self, chat_id: int, source: str) -> str | None:
        """Where a source stopped (since_id, min_id, Jetstream cursor...)."""
        row = self._conn.execute(
            "SELECT value FROM cursors WHERE chat_id = ? AND source = ?", (chat_id, source)
        ).fetchone()
        return None if row is None else str(row[0])

    def set_cursor(self, chat_id: int, source: str, value: str) -> None:
        """Persist a source's cursor."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO cursors (chat_id, source, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(chat_id, source) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (chat_id, source, value, _now()),
            )

    # -- costs ---------------------------------------------------------------------------------

    def save_costs(
        self, chat_id: int, counts: dict[str, tuple[int, float]], prices_read_on: str
    ) -> None:
        """Replace the chat's cost totals: kind -> (billable units, estimated USD)."""
        now = _now()
        with self.db.atomic():
            self._conn.execute("DELETE FROM costs WHERE chat_id = ?", (chat_id,))
            self._conn.executemany(
                "INSERT INTO costs (chat_id, kind, count, usd, prices_read_on, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(chat_id, k, n, usd, prices_read_on, now) for k, (n, usd) in counts.items()],
            )

    def costs(self, chat_id: int) -> list[Row]:
        """The chat's cost totals per kind."""
        return self._rows("SELECT * FROM costs WHERE chat_id = ? ORDER BY kind", [chat_id])

    # -- outbox --------------------------------------------------------------------------------

    def enqueue(
        self,
        chat_id: int,
        *,
        network: Network,
        kind: str,
        text: str,
        moderator: str,
        in_reply_to: str | None = None,
        target_key: str | None = None,
        group_key: str | None = None,
        dry_run: bool = False,
    ) -> Row:
        """Write an outbox row (pending) before anything is sent; return it."""
        now = _now()
        row = {
            "chat_id": chat_id,
            "group_key": group_key or uuid.uuid4().hex,
            "network": network.value,
            "kind": kind,
            "text": text,
            "in_reply_to": in_reply_to,
            "target_key": target_key,
            "idempotency_key": uuid.uuid4().hex,
            "status": "pending",
            "attempts": 0,
            "dry_run": int(dry_run),
            "moderator": moderator,
            "created_at": now,
            "updated_at": now,
        }
        with self._lock:
            row["id"] = self.db.table("outbox").insert(row).last_pk
        return row

    def outbox_update(self, outbox_id: int, **fields: Any) -> None:
        """Update an outbox row (status, remote_id, error, attempts...)."""
        fields["updated_at"] = _now()
        with self._lock:
            self.db.table("outbox").update(outbox_id, fields)

    def outbox_matches(self, posts: Sequence[Post]) -> dict[str, tuple[int, bool]]:
        """Posts that are the console's own, come back from the network: key -> (outbox id, dry_run)."""
        out: dict[str, tuple[int, bool]] = {}
        if not posts or not self.has_sent_posts():
            return out
        by_native = {(p.network.value, p.native_id): p.key for p in posts}
        ids = [nid for _, nid in by_native]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for oid, dry, network, remote in self._conn.execute(
                f"SELECT id, dry_run, network, remote_id FROM outbox WHERE remote_id IN ({marks})",
                chunk,
            ):
                key = by_native.get((network, remote))
                if key:
                    out[key] = (int(oid), bool(dry))
        return out

    def has_sent_posts(self) -> bool:
        """Whether any outbox row has come back with a network id (`outbox_matches` can match)."""
        query = "SELECT 1 FROM outbox WHERE remote_id IS NOT NULL LIMIT 1"
        return self._conn.execute(query).fetchone() is not None

    def link_outgoing(
        self, network: Network, remote_id: str, outbox_id: int, dry_run: bool
    ) -> bool:
        """Mark an already stored post as the console's own (it came back before the row was sent)."""
        with self.db.atomic():
            cur = self._conn.execute(
                "UPDATE posts SET outgoing = 1, outbox_id = ?, dry_run = ?"
                " WHERE network = ? AND native_id = ?",
                (outbox_id, int(dry_run), network.value, remote_id),
            )
            return cur.rowcount > 0

    def outbox_row(self, outbox_id: int) -> Row | None:
        """One outbox row."""
        rows = list(self._rows("SELECT * FROM outbox WHERE id = ?", [outbox_id]))
        return rows[0] if rows else None

    def outbox(self, chat_id: int | None = None, statuses: Sequence[str] = ()) -> list[Row]:
        """Outbox rows, oldest first, optionally by chat and status."""
        sql = "SELECT * FROM outbox WHERE 1=1"
        args: list[Any] = []
        if chat_id is not None:
            sql += " AND chat_id = ?"
            args.append(chat_id)
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            args.extend(statuses)
        return list(self._rows(sql + " ORDER BY id", args))

    def last_on_duty(self, chat_id: int) -> str | None:
        """The moderator the last 'on duty' switch of this chat handed the keyboard to."""
        row = self._conn.execute(
            "SELECT target FROM actions WHERE chat_id = ? AND action = 'on duty'"
            " ORDER BY id DESC LIMIT 1",
            (chat_id,),
        ).fetchone()
        return None if row is None else str(row[0])

    def chat_roles(self, chat_id: int) -> list[tuple[str, str]]:
        """(handle, role) of the chat's host, guests and co-moderators as its stored posts were
        classified (not the console's dry runs), first seen first: a chat reopened without a
        plan or `--host`/`--guest` knows its people again."""
        rows = self._conn.execute(
            "SELECT author_handle, role, min(created_at) AS first FROM posts"
            " WHERE chat_id = ? AND role IN ('host', 'guest', 'co-moderator') AND dry_run = 0"
            " GROUP BY lower(author_handle), role ORDER BY first, author_handle",
            (chat_id,),
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def chat_host(self, chat_id: int, network: Network, handle: str | None = None) -> Row | None:
        """The chat's host on `network` as the networks showed her, or None.

        An author of this network with a post in this chat stored as the host's that came from
        the network (not a dry run). With several, the one with `handle` first, then the first
        seen. Row: key, author_id, handle, name, instance (of that post; None on X).
        """
        rows = self._rows(
            "SELECT a.key, a.author_id, a.handle, a.name,"
            " (SELECT p.instance FROM posts p WHERE p.author_key = a.key AND p.chat_id = ?"
            "  AND p.role = 'host' AND p.dry_run = 0 LIMIT 1) AS instance"
            " FROM authors a WHERE a.network = ? AND (a.role = 'host' OR lower(a.handle) = ?)"
            " AND EXISTS (SELECT 1 FROM posts p WHERE p.author_key = a.key AND p.chat_id = ?"
            "  AND p.role = 'host' AND p.dry_run = 0)"
            " ORDER BY lower(a.handle) = ? DESC, a.first_seen, a.key LIMIT 1",
            [
                chat_id,
                network.value,
                (handle or "").lstrip("@").lower(),
                chat_id,
                (handle or "").lstrip("@").lower(),
            ],
        )
        return rows[0] if rows else None

    def host_repost(self, chat_id: int, repost_of_key: str) -> Row | None:
        """The host's stored retweet of that post in this chat (from the stream or a dry run),
        the first one, or None."""
        rows = self._rows(
            "SELECT * FROM posts WHERE chat_id = ? AND repost_of_key = ? AND role = 'host'"
            " AND is_repost = 1 ORDER BY created_at, key LIMIT 1",
            [chat_id, repost_of_key],
        )
        return rows[0] if rows else None


def row_to_post(row: Row) -> Post:
    """Rebuild the normalized Post from a stored row."""
    network = Network(row["network"])
    instance = row.get("instance")

    def native(key: str | None) -> str | None:
        if not key:
            return None
        prefix = (
            f"{network.value}:{instance}:"
            if network is Network.MASTODON and instance
            else f"{network.value}:"
        )
        return key[len(prefix) :] if key.startswith(prefix) else key

    author_id = row["author_key"].split(":", 2 if network is Network.MASTODON and instance else 1)[
        -1
    ]
    return Post(
        network=network,
        native_id=row["native_id"],
        author_id=author_id,
        author_handle=row["author_handle"],
        author_name=row["author_name"] or row["author_handle"],
        text=row["text"],
        created_at=parse_iso(row["created_at"]),
        reply_to_id=native(row.get("reply_to_key")),
        reply_to_author_id=row.get("reply_to_author"),
        conversation_id=native(row.get("root_key")),
        hashtags=tuple(json.loads(row["hashtags"] or "[]")),
        links=tuple(Link(u, e) for u, e in json.loads(row["links"] or "[]")),
        mentions=tuple(json.loads(row["mentions"] or "[]")),
        is_repost=bool(row["is_repost"]),
        repost_of_id=native(row.get("repost_of_key")),
        lang=row.get("lang"),
        instance=instance,
        raw=row.get("raw") or "",
        metrics=json.loads(row["metrics"]) if row.get("metrics") else {},
    )
