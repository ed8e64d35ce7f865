"""Can this path hold a chat database? Checked with plain sqlite3, before the console starts
(and before a report opens the file: `is_chat_database`).

The console paints its first frame before it opens the store (and imports sqlite-utils), so the
errors a user can fix (a folder, an unwritable place, somebody else's SQLite file) are found here
first and reported as one line, before the screen takes over the terminal. `Store.open` repeats
every check.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tchat_tui.store.errors import NotAChatDatabase, StoreError
from tchat_tui.store.schema import APPLICATION_ID


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


def check_folder_exists(path: str | Path) -> None:
    """Refuse (StoreError, one line) a database path that is a folder or whose folder is missing.

    A mistyped `--db` in a folder that does not exist would otherwise start an empty chat
    instead of resuming the one meant; the command line never creates a folder the user named
    (the default data folder is created where its path is made: `default_db_path`).
    """
    p = str(path)
    if p == ":memory:":
        return
    target = Path(p)
    if target.is_dir():
        raise StoreError(f"cannot open database {p}: it is a directory")
    folder = target.parent
    if not folder.exists():
        above = next((a for a in folder.parents if a.exists()), None)
        if above is not None and not above.is_dir():  # a file in the way: no folder can be made
            raise StoreError(f"cannot create the folder for {p}: {above} is not a folder")
        raise StoreError(
            f"cannot open database {p}: the folder {folder} does not exist;"
            " create it or choose another --db"
        )
    if not folder.is_dir():
        raise StoreError(f"cannot open database {p}: {folder} is not a folder")


def check_database_path(path: str | Path) -> None:
    """Raise StoreError (one line) if `path` cannot be a tchat-live chat database.

    Nothing is created: a missing folder is refused (`check_folder_exists`).
    """
    p = str(path)
    if p == ":memory:":
        return
    check_folder_exists(p)
    target = Path(p)
    if not target.exists():
        return
    try:
        app_id, has_tables = _read_identity(f"file:{target.resolve()}?mode=ro")
    except sqlite3.DatabaseError as exc:
        raise database_error(p, exc) from None
    check_identity(p, app_id, has_tables)


def is_chat_database(path: Path) -> bool:
    """Whether `path` is an SQLite file marked as a tchat-live chat database, read without
    writing: unlike `Store.open`, an empty SQLite file (no id yet) is not one."""
    try:
        app_id, _ = _read_identity(f"{path.resolve().as_uri()}?mode=ro")
    except sqlite3.Error:
        return False
    return bool(app_id == APPLICATION_ID)


def _read_identity(uri: str) -> tuple[int, bool]:
    """The application id of the database at `uri` (opened read-only), and whether it has tables.

    Raises:
        sqlite3.Error: not an SQLite database, or it cannot be read.
    """
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'")
        return app_id, tables.fetchone()[0] > 0
    finally:
        conn.close()


def check_identity(path: str, app_id: int, has_tables: bool) -> None:
    """Refuse a database another application wrote (its id, or tables without ours)."""
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and has_tables):
        raise NotAChatDatabase(f"{path} is not a tchat-live chat database")


def database_error(path: str, exc: sqlite3.DatabaseError) -> StoreError:
    """SQLite's complaint about opening `path`, as the one line the user reads."""
    msg = str(exc)
    if "not a database" in msg or "file is encrypted" in msg:
        return NotAChatDatabase(f"{path} is not a tchat-live chat database")
    return StoreError(f"cannot open database {path}: {msg}")
