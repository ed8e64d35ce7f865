"""The Store: the only place that reads and writes the chat database.

`Store` is one object composed of its tables (`ChatsTable`, `PostsTable`... one module each,
all on one `Connection`); this module opens, migrates and closes the file, and runs bulk loads.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tchat_tui.store.acknowledged import AcknowledgedTable
from tchat_tui.store.author_handles import AuthorHandlesTable
from tchat_tui.store.authors import AuthorsTable
from tchat_tui.store.chats import ChatsTable
from tchat_tui.store.connection import Connection
from tchat_tui.store.costs import CostsTable
from tchat_tui.store.cursors import CursorsTable
from tchat_tui.store.errors import StoreError
from tchat_tui.store.moderation import ModerationTable
from tchat_tui.store.outbox import OutboxTable
from tchat_tui.store.people import PeopleTable
from tchat_tui.store.post_search import PostSearchTable
from tchat_tui.store.posts import PostsTable
from tchat_tui.store.precheck import check_identity, database_error, prepare_folder
from tchat_tui.store.promo_state import PromoStateTable
from tchat_tui.store.question_queue import QuestionQueueTable
from tchat_tui.store.questions import QuestionsTable
from tchat_tui.store.schema import APPLICATION_ID, MIGRATIONS, POST_INDEXES, SCHEMA_VERSION
from tchat_tui.store.sharing import SharingTable

PAGE_SIZE = 16384
"""Bytes per database page, for databases this version creates."""
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


def _locked(cls: type[Store]) -> type[Store]:
    """Every public method runs under the store's lock: the UI, the sources and the outbox share
    one connection, and a transaction opened by one thread must not take in another's writes.

    The methods come from the table classes too: each public name is looked up as `cls` resolves
    it (its MRO) and the wrapper is set on `cls` itself, leaving the table classes as written."""
    for name in dir(cls):
        fn = inspect.getattr_static(cls, name)
        if name.startswith("_") or not inspect.isfunction(fn) or inspect.isgeneratorfunction(fn):
            continue

        def wrapper(self: Store, *args: Any, __fn: Any = fn, **kwargs: Any) -> Any:
            with self._lock:
                return __fn(self, *args, **kwargs)

        functools.update_wrapper(wrapper, fn)
        setattr(cls, name, wrapper)
    return cls


@_locked
class Store(
    ChatsTable,
    PostsTable,
    QuestionsTable,
    QuestionQueueTable,
    AuthorsTable,
    AuthorHandlesTable,
    ModerationTable,
    CursorsTable,
    CostsTable,
    OutboxTable,
    PromoStateTable,
    PeopleTable,
    AcknowledgedTable,
    SharingTable,
    PostSearchTable,
    Connection,
):
    """A chat database. Thread-safe: one connection guarded by a lock, one transaction per batch."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        super().__init__(conn, path)
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

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

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
