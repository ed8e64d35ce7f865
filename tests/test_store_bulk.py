"""Store.bulk_load: a large import without the posts indexes, the same database in the end."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import tchat_tui.store.database as store_module
from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.post import Role
from tchat_tui.store.database import Store
from tchat_tui.store.schema import POST_INDEXES
from tests.test_summary import chat_post

INDEX_NAMES = {name for name, _ in POST_INDEXES}


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test-sized load counts as a big one."""
    monkeypatch.setattr(store_module, "BULK_MIN_ROWS", 10)


def make_posts(n: int, start: int = 0) -> list[ChatPost]:
    """n varied posts: host questions, guest and participant answers, amber, starred-worthy."""
    out: list[ChatPost] = []
    for i in range(start, start + n):
        if i % 25 == 0:
            cp = chat_post(str(i), f"Q{i // 25 % 9 + 1}: why? #T", "host", i / 10, role=Role.HOST)
            cp = ChatPost(cp.post, cp.classification.__class__(Role.HOST, question_number=1))
        elif i % 7 == 0:
            cp = chat_post(str(i), f"A1 guest {i} #T", "guest", i / 10, role=Role.GUEST, answers=1)
        elif i % 11 == 0:
            cp = chat_post(str(i), f"buy now {i} #T", f"u{i % 13}", i / 10, promo="amber")
        else:
            cp = chat_post(str(i), f"A1 me {i} #T", f"u{i % 13}", i / 10, answers=1, likes=i % 5)
        out.append(cp)
    return out


def load(store: Store, chat: int, posts: list[ChatPost], batch: int = 40) -> int:
    """Store in batches, as the import does; return how many were new."""
    return sum(
        len(store.add_posts(chat, posts[i : i + batch])) for i in range(0, len(posts), batch)
    )


def index_names(store: Store) -> set[str]:
    rows = store.db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'posts'")
    return {str(r[0]) for r in rows} & INDEX_NAMES


def schema(path: Path) -> set[tuple[str, str, str, str | None]]:
    """Every table and index of the file with its SQL (order apart)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    conn.close()
    return set(rows)


def content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a load writes (received_at apart: the clock of the batch)."""
    with sqlite3.connect(path) as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(posts)") if r[1] != "received_at"]
        out = {
            "posts": conn.execute(f"SELECT {', '.join(cols)} FROM posts ORDER BY key").fetchall(),
            "authors": conn.execute("SELECT * FROM authors ORDER BY key").fetchall(),
            "questions": conn.execute("SELECT * FROM questions ORDER BY number").fetchall(),
        }
    conn.close()
    return out


def test_bulk_load_leaves_the_same_database(tmp_path: Path) -> None:
    """Same rows, same indexes with the same SQL; the indexes are gone only during the load."""
    posts = make_posts(300)
    plain = Store.open(tmp_path / "plain.db")
    chat = plain.ensure_chat("T")
    assert load(plain, chat, posts + posts[:50]) == 300
    plain.close()

    bulk = Store.open(tmp_path / "bulk.db")
    chat = bulk.ensure_chat("T")
    with bulk.bulk_load(expected_rows=len(posts)):
        assert index_names(bulk) == set()
        assert load(bulk, chat, posts + posts[:50]) == 300
        assert load(bulk, chat, posts[100:200]) == 0  # the primary key still refuses duplicates
        assert bulk.count_posts(chat) == 300
    assert index_names(bulk) == INDEX_NAMES
    bulk.close()

    assert schema(tmp_path / "bulk.db") == schema(tmp_path / "plain.db")
    assert content(tmp_path / "bulk.db") == content(tmp_path / "plain.db")
    assert content(tmp_path / "bulk.db")["questions"]


def test_a_small_load_keeps_the_indexes(tmp_path: Path) -> None:
    """Under BULK_MIN_ROWS, or under half as many posts as already stored, nothing is dropped."""
    store = Store.open(tmp_path / "t.db")
    chat = store.ensure_chat("T")
    with store.bulk_load(expected_rows=9):
        assert index_names(store) == INDEX_NAMES
        load(store, chat, make_posts(30))
    with store.bulk_load(expected_rows=14):  # 30 stored already
        assert index_names(store) == INDEX_NAMES
    with store.bulk_load(expected_rows=15):
        assert index_names(store) == set()
    assert index_names(store) == INDEX_NAMES
    store.close()


def test_nested_blocks_leave_it_to_the_outermost(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    chat = store.ensure_chat("T")
    with store.bulk_load(expected_rows=100):
        with store.bulk_load(expected_rows=100):
            load(store, chat, make_posts(50))
        assert index_names(store) == set()
    assert index_names(store) == INDEX_NAMES
    store.close()


def test_an_exception_inside_restores_the_indexes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    chat = store.ensure_chat("T")
    posts = make_posts(100)
    with pytest.raises(RuntimeError, match="parse error"), store.bulk_load(expected_rows=100):
        load(store, chat, posts[:50])
        raise RuntimeError("parse error")
    assert index_names(store) == INDEX_NAMES
    assert not store.db.conn.in_transaction
    # The store goes on as usual: same indexes, same rows as a plain load.
    load(store, chat, posts)
    store.close()
    plain = Store.open(tmp_path / "plain.db")
    load(plain, plain.ensure_chat("T"), posts)
    plain.close()
    assert schema(tmp_path / "t.db") == schema(tmp_path / "plain.db")
    assert content(tmp_path / "t.db") == content(tmp_path / "plain.db")


CRASH = """
import os, sys
import tchat_tui.store.database as store_module
from tchat_tui.store.database import Store
from tests.test_store_bulk import load, make_posts
store_module.BULK_MIN_ROWS = 10
store = Store.open(sys.argv[1])
chat = store.ensure_chat("T")
with store.bulk_load(expected_rows=100):
    load(store, chat, make_posts(100))
    os._exit(0)  # killed inside the block: no exit, no close, no finalizer
"""


def test_a_load_cut_short_is_repaired_at_the_next_open(tmp_path: Path) -> None:
    """The process dies inside the block: the next open re-creates every missing index."""
    path = tmp_path / "t.db"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", CRASH, str(path)], cwd=root, check=True, timeout=60)
    assert {n for _, n, _, _ in schema(path)} & INDEX_NAMES == set()

    again = Store.open(path)
    assert index_names(again) == INDEX_NAMES
    assert again.count_posts(again.ensure_chat("T")) == 100
    again.close()
    plain = Store.open(tmp_path / "plain.db")
    load(plain, plain.ensure_chat("T"), make_posts(100))
    plain.close()
    assert schema(path) == schema(tmp_path / "plain.db")
    assert content(path) == content(tmp_path / "plain.db")


def test_an_index_dropped_by_hand_is_back_at_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = Store.open(path)
    load(store, store.ensure_chat("T"), make_posts(20))
    store.db.execute("DROP INDEX posts_summary_answer")
    store.db.execute('DROP INDEX "idx_posts_author_key"')
    store.close()
    again = Store.open(path)
    assert index_names(again) == INDEX_NAMES
    again.close()


def test_close_inside_the_block_restores_the_indexes(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = Store.open(path)
    chat = store.ensure_chat("T")
    with store.bulk_load(expected_rows=100):
        load(store, chat, make_posts(100))
        store.close()
    assert {n for _, n, _, _ in schema(path)} >= INDEX_NAMES


def test_a_second_connection_during_the_load(tmp_path: Path) -> None:
    """A reader open on the file (the console, a summary) sees the posts as they are stored;
    the file stays in WAL mode with every index; a connection opened meanwhile re-creates the
    indexes (it cannot tell a load from a crash) and the load still ends with the same file."""
    path = tmp_path / "t.db"
    store = Store.open(path)
    chat = store.ensure_chat("T")
    other = Store.open(path)
    posts = make_posts(200)
    with store.bulk_load(expected_rows=200):
        load(store, chat, posts[:100])
        assert other.count_posts(chat) == 100
        assert other.recent_posts(chat, limit=5)[-1]["key"] == posts[99].post.key
        late = Store.open(path)
        assert index_names(late) == INDEX_NAMES
        load(store, chat, posts[100:])
        assert late.count_posts(chat) == 200
        late.close()
    assert index_names(other) == INDEX_NAMES
    assert other.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()
    store.close()
    plain = Store.open(tmp_path / "plain.db")
    load(plain, plain.ensure_chat("T"), posts)
    plain.close()
    assert schema(path) == schema(tmp_path / "plain.db")
    assert content(path) == content(tmp_path / "plain.db")
