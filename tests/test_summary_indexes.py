"""The summary reads narrow indexes, inside one read transaction; its figures never depend on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tchat_tui.report.build import build_summary
from tchat_tui.store import summary_queries as q
from tchat_tui.store.database import Store
from tests.test_summary import build_chat, chat_post


@pytest.fixture
def care(tmp_path: Path) -> tuple[Store, int]:
    """The reference chat of tests/test_summary.py."""
    return build_chat(tmp_path / "care.db")


@pytest.mark.parametrize("muted", [False, True])
def test_no_summary_query_reads_the_post_rows(care: tuple[Store, int], muted: bool) -> None:
    """Every query on posts reads a covering index, or a few quoted posts by rowid: no scan.

    Also with a muted author (their posts are left out of the highlights on top of the index's
    condition, which must still be met term for term)."""
    store, chat = care
    if muted:
        store.set_muted(chat, "x:id-cyd", "tom", True)
    conn = store.db.conn
    traced: list[str] = []
    conn.set_trace_callback(traced.append)
    try:
        build_summary(store, chat)
    finally:
        conn.set_trace_callback(None)
    on_posts = [sql for sql in traced if "FROM posts" in sql]
    assert len(on_posts) >= 6
    assert any("muted = 1" in sql and "posts_summary" not in sql for sql in on_posts)
    for sql in on_posts:
        plan = [str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        steps = [p for p in plan if p.startswith(("SCAN posts", "SEARCH posts"))]
        assert steps, (sql, plan)
        for step in steps:
            assert "COVERING INDEX" in step or "INTEGER PRIMARY KEY" in step, (sql, plan)


def test_figures_do_not_depend_on_the_indexes(care: tuple[Store, int]) -> None:
    """Without the summary's indexes (a slower read), the summary is the same."""
    store, chat = care
    expected = build_summary(store, chat).to_json()
    rows = store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'posts_summary_%'"
    ).fetchall()
    assert rows
    for (name,) in rows:
        store.db.execute(f"DROP INDEX {name}")
    assert build_summary(store, chat).to_json() == expected


def test_figures_hold_still_while_the_console_writes(care: tuple[Store, int]) -> None:
    """Inside the read transaction, posts stored meanwhile by another connection are not seen."""
    store, chat = care
    writer = Store.open(store.path)
    db = store.db
    with q.read_snapshot(db):
        before = q.per_minute(db, chat)
        writer.add_posts(chat, [chat_post("99", "late #CareChat", "zed", 30)])
        assert q.per_minute(db, chat) == before
        assert db.conn.in_transaction
    assert not db.conn.in_transaction
    assert q.per_minute(db, chat) != before
    writer.close()


def test_a_transaction_already_open_is_left_open(care: tuple[Store, int]) -> None:
    """The summary reads inside the caller's transaction and neither commits nor ends it."""
    store, chat = care
    db = store.db
    db.execute("BEGIN")
    try:
        with q.read_snapshot(db):
            q.moderation(db, chat)
        assert db.conn.in_transaction
    finally:
        db.execute("ROLLBACK")
