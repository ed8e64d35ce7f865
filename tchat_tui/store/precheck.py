"""Can this path hold a chat database? Checked with plain sqlite3, before the console starts.

The console paints its first frame before it opens the store (and imports sqlite-utils), so the
errors a user can fix (a folder, an unwritable place, somebody else's SQLite file) are found here
first and reported as one line, before the screen takes over the terminal. `Store.open` repeats
every check.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tchat_tui.store.errors import NotAChatDatabase, StoreError

APPLICATION_ID = 0x74636874
"""Same as `schema.APPLICATION_ID` (kept apart so this module loads without sqlite-utils)."""


def prepare_folder(path: str) -> None:
    """Refuse a folder as the database and create the database's folder (StoreError, one line)."""
    if path == ":memory:":
        return
    target = Path(path)
    if target.is_dir():
        raise StoreError(f"cannot open database {path}: it is a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for {path}: {exc.strerror}") from None


def check_database_path(path: str | Path) -> None:
    """Raise StoreError (one line) if `path` cannot be a tchat-live chat database."""
    p = str(path)
    if p == ":memory:":
        return
    prepare_folder(p)
    target = Path(p)
    if not target.exists():
        probe = target.parent
        if not probe.is_dir():
            raise StoreError(f"cannot open database {p}: {probe} is not a folder")
        return
    try:
        conn = sqlite3.connect(f"file:{target.resolve()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'")
            has_tables = tables.fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        msg = str(exc)
        if "not a database" in msg or "file is encrypted" in msg:
            raise NotAChatDatabase(f"{p} is not a tchat-live chat database") from None
        raise StoreError(f"cannot open database {p}: {msg}") from None
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and has_tables):
        raise NotAChatDatabase(f"{p} is not a tchat-live chat database")
