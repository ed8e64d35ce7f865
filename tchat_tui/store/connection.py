"""One open chat database: the connection every table of the store shares, its lock, its writes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from tchat_tui.store.rows import Row


class Connection:
    """The base of `Store` and of each of its tables: one sqlite3 connection guarded by a lock,
    a write transaction (`_write`) and a row reader (`_rows`)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.path = path
        self._conn = conn
        # No plugin scan: sqlite-utils would read every installed package's entry points on
        # each open (70 ms), and tchat-live uses no sqlite-utils plugins.
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._lock = threading.RLock()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        """The chat's time, as the moderators' actions are logged (a replay's clock in a replay)."""
        self._authors_known: dict[str, tuple[str, str, str]] = {}
        """Authors written in this session: (handle, name, role); unchanged ones are not rewritten."""

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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several of the store's writes as one transaction, which commits at the end of the
        block or not at all (an outbox row and the post it sent). Holds the store's lock
        throughout, so no other thread's write joins it."""
        with self._lock, self._write():
            yield

    def _rows(self, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        """Run a query under the lock and return its rows as dicts."""
        with self._lock:
            return list(self.db.query(sql, args))
