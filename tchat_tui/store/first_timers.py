"""Finding a chat's first-timers: the earlier chats with its tag, in this database and in the
other chat databases of the data folder and of this database's folder (the rule itself, what
counts as earlier and as the same person, is `domain.first_timers`).

Other databases are opened read-only and never migrated (another console may have one open); a
file that is not a tchat-live database is passed over, one that cannot be read is named in
`FirstTimers.unreadable`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from tchat_tui.domain.first_timers import EarlierChat, FirstTimers, author_identity
from tchat_tui.store.people import PeopleTable, people_reader
from tchat_tui.store.rows import Row, parse_iso
from tchat_tui.store.schema import APPLICATION_ID


def first_timers(
    store: PeopleTable, chat_id: int, data_dir: Path | None = None, *, other_databases: bool = True
) -> FirstTimers:
    """The first-timers of chat `chat_id` of `store` (a `Store`): its authors never seen in an
    earlier chat with its tag, in this database or (with `other_databases`) in another `*.db`
    of `data_dir` or of the store's folder. Every database is read on a read-only connection of
    its own.

    Returns a `FirstTimers` that also answers for authors who post later (`is_first_timer`).
    """
    with people_reader(store.path, store) as here:
        return _first_timers(here, chat_id, data_dir, other_databases)


def _first_timers(
    here: PeopleTable, chat_id: int, data_dir: Path | None, other_databases: bool
) -> FirstTimers:
    tag = here.chat_tag(chat_id)
    first = here.first_post(chat_id)
    before = first[1] if first else None
    earlier: list[EarlierChat] = []
    seen: set[str] = set()
    unreadable: list[str] = []

    def look(table: PeopleTable, where: str, skip: int | None) -> None:
        ids = []
        for other, first_at in table.chats_with_tag(tag):
            if other == skip or first_at is None or (before is not None and first_at >= before):
                continue
            if first is not None and table.holds_post(other, first[0]):
                continue  # a copy of this very chat
            ids.append(other)
            earlier.append(EarlierChat(where, other, parse_iso(first_at)))
        if ids:
            seen.update(_seen(table.chat_authors(ids)))

    look(here, Path(here.path).name, chat_id)
    for path in _other_databases(here.path, data_dir) if other_databases else ():
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        except (sqlite3.Error, OSError):
            unreadable.append(path.name)
            continue
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                continue
            look(PeopleTable(conn, str(path)), path.name, None)
        except sqlite3.Error:
            unreadable.append(path.name)
        finally:
            conn.close()
    earlier.sort(key=lambda c: (c.first_post_at, c.where, c.chat_id))
    result = FirstTimers(tag, tuple(earlier), frozenset(seen), unreadable=tuple(unreadable))
    authors = frozenset(
        a["author_key"]
        for a in here.chat_authors([chat_id])
        if result.is_first_timer(
            a["author_key"],
            a["network"],
            a["handle"] or "",
            a["instance"],
            "host" if a["team"] else "participant",
        )
    )
    return FirstTimers(tag, result.earlier, result.seen, authors, result.unreadable)


def _seen(authors: list[Row]) -> Iterator[str]:
    """The author keys and identities of these authors."""
    for a in authors:
        yield str(a["author_key"])
        yield author_identity(str(a["network"]), str(a["handle"] or ""), a["instance"])


def _other_databases(path: str, data_dir: Path | None) -> Iterator[Path]:
    """The `*.db` files of `data_dir` and of the folder of `path`, each once, `path` left out."""
    here = Path(path)
    folders = [data_dir] if data_dir is not None else []
    if path != ":memory:":
        folders.append(here.parent)
    done: set[tuple[int, int]] = set()
    try:
        done.add(_file_id(here))
    except OSError:
        pass
    for folder in folders:
        try:
            files = sorted(folder.glob("*.db"))
        except OSError:
            continue
        for other in files:
            try:
                if not other.is_file() or _file_id(other) in done:
                    continue
                done.add(_file_id(other))
            except OSError:
                continue
            yield other


def _file_id(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino
