"""Who has the chat open: each console keeps a heartbeat row (`consoles`, schema v6), and a row
is live while its beat is fresh and, on this machine, its process exists.

Plain sqlite3 here: the console checks for another one before it loads the store and paints.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tchat_tui.store.errors import StoreError

BEAT_SECONDS = 2.0
"""How often a running console renews its heartbeat."""
STALE_SECONDS = 3 * BEAT_SECONDS + 1.0
"""A heartbeat older than this (three beats missed) is a console that is gone."""
LEASE_SECONDS = 30.0
"""How long a claimed outbox row stays its sender's without a renewal (renewed during the call)."""


class ChatInUse(StoreError):
    """Another console holds this chat database open (one sender per chat)."""


@dataclass(frozen=True, slots=True)
class ConsoleRow:
    """One console's heartbeat: who, which process on which machine, since when, last beat."""

    owner: str
    pid: int
    host: str
    started_at: str
    beat_at: float
    role: str = "reader"
    """`reader` (reads the networks, sends the outbox) or `joined` (follows the database)."""
    moderator: str | None = None
    """The moderator a joined console acts as."""


def this_host() -> str:
    """This machine's name, as heartbeat rows record it."""
    return socket.gethostname()


def new_owner() -> str:
    """A sender's id (a console's heartbeat and the rows it claims): this machine, this process,
    and a random part."""
    return f"{this_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_gone(owner: str) -> bool:
    """Whether the process an owner id names is known to be gone (it ran on this machine and
    no longer exists): its rows are debris even if its heartbeat row was removed."""
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or parts[0] != this_host():
        return False
    return int(parts[1]) != os.getpid() and not _process_exists(int(parts[1]))


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: it exists
        return True
    except OSError:
        return False
    return True


def is_live(row: ConsoleRow, now: float) -> bool:
    """Whether the console of `row` is still running: a fresh beat and, when it runs on this
    machine, its process (a console killed a second ago has a fresh beat but no process)."""
    if now - row.beat_at > STALE_SECONDS:
        return False
    return row.host != this_host() or _process_exists(row.pid)


def is_this_process(row: ConsoleRow) -> bool:
    """Whether `row` was written by this process (a session reopened in the same process, as
    tests do, is not another console)."""
    return row.pid == os.getpid() and row.host == this_host()


def other_console(rows: list[ConsoleRow], now: float) -> ConsoleRow | None:
    """The first live console among `rows` that is not this process, if any."""
    for row in rows:
        if not is_this_process(row) and is_live(row, now):
            return row
    return None


def in_use_error(row: ConsoleRow, *, joinable: bool = False) -> ChatInUse:
    """The one-line refusal naming the console that holds the chat (for a console, `joinable`:
    saying how to open one beside it)."""
    try:
        since = datetime.fromisoformat(row.started_at).astimezone().strftime("%H:%M")
    except ValueError:
        since = "?"
    where = "" if row.host == this_host() else f" on {row.host}"
    return ChatInUse(
        f"this chat is open in another console (pid {row.pid}{where}, since {since}); quit it"
        + (
            " first, or open yours beside it: add --join (and --moderator NAME)"
            if joinable
            else " first (co-moderators open theirs beside it with --join)"
        )
    )


def read_consoles(conn: sqlite3.Connection) -> list[ConsoleRow]:
    """Every heartbeat row of the database open on `conn` (none before schema v6; every one a
    reader before v8)."""
    columns = "owner, pid, host, started_at, beat_at"
    try:
        rows = conn.execute(
            f"SELECT {columns}, role, moderator FROM consoles ORDER BY started_at"
        ).fetchall()
    except sqlite3.OperationalError:  # no such column (before v8), or no such table (before v6)
        try:
            rows = conn.execute(
                f"SELECT {columns}, 'reader', NULL FROM consoles ORDER BY started_at"
            ).fetchall()
        except sqlite3.OperationalError:
            return []
    return [
        ConsoleRow(str(o), int(p), str(h), str(s), float(b), str(r), m)
        for o, p, h, s, b, r, m in rows
    ]


def check_no_other_console(
    path: str | Path, now: float | None = None, *, joinable: bool = False
) -> None:
    """Raise ChatInUse (one line) if a live console other than this process holds `path`.

    Read without writing, before the console starts; `Store`'s registration repeats the check in
    a write transaction (two consoles started at the same instant)."""
    p = str(path)
    if p == ":memory:" or not Path(p).is_file():
        return
    try:
        conn = sqlite3.connect(f"{Path(p).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error:
        return  # `Store.open` says what is wrong with the file
    try:
        found = other_console(read_consoles(conn), time.time() if now is None else now)
    except sqlite3.Error:
        return
    finally:
        conn.close()
    if found is not None:
        raise in_use_error(found, joinable=joinable)
