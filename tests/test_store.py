"""The database is the record: batches, no doubles, migrations, moderation log, outbox."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Network, Role
from tchat_tui.store.database import Store
from tchat_tui.store.errors import NotAChatDatabase, StoreError
from tchat_tui.store.rows import parse_iso, row_to_post
from tchat_tui.store.schema import SCHEMA_VERSION
from tests.factories import make_post


def cp(native_id: str, text: str = "hello #T", **kw: object) -> ChatPost:
    return ChatPost(make_post(native_id, text, **kw), Classification(Role.PARTICIPANT))  # type: ignore[arg-type]


def test_new_database_is_migrated_and_marked(tmp_path: Path) -> None:
    """A new database gets the current schema version and WAL journaling."""
    store = Store.open(tmp_path / "sub" / "chat.db")
    assert store.schema_version == SCHEMA_VERSION
    mode = store.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert {"chats", "posts", "authors", "questions", "actions", "outbox", "cursors"} <= set(
        store.db.table_names()
    )


def test_posts_are_never_stored_twice(tmp_path: Path) -> None:
    """The same post in two batches, or twice in one batch, is stored once."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("#T")
    assert [c.post.key for c in store.add_posts(chat, [cp("1"), cp("2"), cp("1")])] == [
        "x:1",
        "x:2",
    ]
    assert [c.post.key for c in store.add_posts(chat, [cp("2"), cp("3")])] == ["x:3"]
    assert store.count_posts(chat) == 3


def test_reopen_keeps_everything(tmp_path: Path) -> None:
    """Close and reopen: posts, chat and raw payloads are there."""
    path = tmp_path / "c.db"
    store = Store.open(path)
    chat = store.ensure_chat("T", topic="Care")
    store.add_posts(chat, [cp("1", "raw kept #T")])
    store.close()
    again = Store.open(path)
    assert again.ensure_chat("#t") == chat
    row = again.post("x:1")
    assert row is not None and row["text"] == "raw kept #T"
    assert row_to_post(row).key == "x:1"


def test_not_a_chat_database(tmp_path: Path) -> None:
    """Another application's SQLite file, or a text file, is refused in one line."""
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(NotAChatDatabase):
        Store.open(other)
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all" * 100)
    with pytest.raises(NotAChatDatabase):
        Store.open(text)


def test_unwritable_path(tmp_path: Path) -> None:
    """A directory, or a folder that cannot be created, is a StoreError."""
    with pytest.raises(StoreError):
        Store.open(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        Store.open(blocker / "sub" / "chat.db")


def test_moderation_actions_are_logged_with_the_moderator(tmp_path: Path) -> None:
    """Star, hide, mute and notes change the rows and leave who/what/when in the log."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("T")
    store.add_posts(chat, [cp("1")])
    store.set_starred(chat, "x:1", "alice", True)
    store.set_hidden(chat, "x:1", "bob", True)
    store.set_muted(chat, "x:id-ada", "alice", True)
    store.set_note(chat, "x:id-ada", "bob", "sells courses")
    row = store.post("x:1")
    assert row is not None and row["starred"] == 1 and row["hidden"] == 1
    assert store.muted_authors() == {"x:id-ada"}
    log = [(a["moderator"], a["action"]) for a in reversed(store.actions(chat))]
    assert log == [("alice", "star"), ("bob", "hide"), ("alice", "mute"), ("bob", "note")]


def test_outbox_rows_and_matching(tmp_path: Path) -> None:
    """Outbox rows get unique idempotency keys; a sent row's remote id matches the echoed post."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("T")
    a = store.enqueue(chat, network=Network.X, kind="post", text="hi #T", moderator="m")
    b = store.enqueue(chat, network=Network.X, kind="post", text="hi #T", moderator="m")
    assert a["idempotency_key"] != b["idempotency_key"]
    store.outbox_update(a["id"], status="sent", remote_id="777")
    echoed = make_post("777", "hi #T", "hostess")
    assert store.outbox_matches([echoed]) == {"x:777": (a["id"], False)}
    assert [r["id"] for r in store.outbox(chat, ("pending",))] == [b["id"]]


def test_cursor_round_trip(tmp_path: Path) -> None:
    """A source's cursor survives a reopen."""
    path = tmp_path / "c.db"
    store = Store.open(path)
    chat = store.ensure_chat("T")
    store.set_cursor(chat, "x-search", "1799")
    store.set_cursor(chat, "x-search", "1800")
    store.close()
    assert Store.open(path).get_cursor(chat, "x-search") == "1800"


def test_next_weeks_chat_on_the_same_tag_is_a_new_chat(tmp_path: Path) -> None:
    """A live chat idle for more than 12 hours is over; within that window it resumes."""
    store = Store.open(tmp_path / "c.db")
    first = store.ensure_chat("T")
    start = parse_iso(store.chat(first)["created_at"])
    assert store.ensure_chat("T", now=start + timedelta(hours=2)) == first
    assert store.ensure_chat("T", now=start + timedelta(days=7)) != first


@pytest.mark.parametrize(
    "value",
    [
        ('a\x00\x1f\x7f\n\t"\\/é😀\u2028',),
        {"like_count": 3, "retweet_count": -1},
        [["https://t.co/x", "https://example.org/?a=1&b=2"]],
        ("\ud800",),
        {"huge": 2**70},
    ],
)
def test_json_columns_are_written_as_the_standard_encoder_writes_them(value: object) -> None:
    """The fast encoder's text is byte for byte the standard one's, and falls back to it."""
    from tchat_tui.store.rows import _json, json_text

    assert json_text(value) == _json(value)


def test_a_big_batch_is_stored_whole_and_in_order(tmp_path: Path) -> None:
    """A batch longer than one INSERT statement holds is stored whole, in order, once."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("#T")
    items = [cp(str(n), f"post {n} #T") for n in range(1, 1001)] + [cp("7")]
    assert len(store.add_posts(chat, items)) == 1000
    rows = store.db.execute("SELECT native_id, text FROM posts ORDER BY rowid").fetchall()
    assert rows[0] == ("1", "post 1 #T") and rows[-1] == ("1000", "post 1000 #T")
    assert len(rows) == 1000


def test_has_sent_posts_once_an_outbox_row_has_a_network_id(tmp_path: Path) -> None:
    """Only a sent outbox row (with its network id) can match a post coming back."""
    store = Store.open(tmp_path / "c.db")
    chat = store.ensure_chat("#T")
    row = store.enqueue(chat, network=Network.X, kind="post", text="hi #T", moderator="m")
    assert not store.has_sent_posts()
    store.outbox_update(row["id"], status="sent", remote_id="777")
    assert store.has_sent_posts()


def test_new_databases_get_large_pages_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    """A database this version creates has 16 KiB pages; an existing one is left as it was."""
    from tchat_tui.store.database import PAGE_SIZE

    new = Store.open(tmp_path / "new.db")
    assert new.db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    new.close()
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("VACUUM")
    conn.close()
    store = Store.open(old)
    assert store.db.execute("PRAGMA page_size").fetchone()[0] == 4096


@pytest.mark.parametrize("instance", ["mastodon.example", "127.0.0.1:8080", None])
def test_a_mastodon_post_comes_back_whole_from_its_row(
    tmp_path: Path, instance: str | None
) -> None:
    """Author and reply ids survive the store, whatever the instance (a port holds a colon)."""
    from dataclasses import replace

    post = replace(
        make_post("115", "A1 oui #T", author_id="109"),
        network=Network.MASTODON,
        instance=instance,
        reply_to_id="114",
    )
    store = Store.open(tmp_path / "chat.db")
    chat = store.ensure_chat("T")
    store.add_posts(chat, [ChatPost(post, Classification(Role.PARTICIPANT))])
    back = row_to_post(store.recent_posts(chat, 1)[0])
    assert (back.author_id, back.native_id, back.reply_to_id) == ("109", "115", "114")
