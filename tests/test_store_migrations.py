"""Schema migrations: an older chat database opens at the current version, its data intact."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Role
from tchat_tui.report.build import build_summary
from tchat_tui.store.database import Store
from tchat_tui.store.schema import SCHEMA_VERSION
from tests.factories import make_post
from tests.test_summary import build_chat


def summary_indexes(store: Store) -> set[str]:
    """The names of the summary's indexes (schema v4) in the open database."""
    rows = store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'posts_summary_%'"
    )
    return {str(r[0]) for r in rows}


def test_migration_to_v4_adds_the_summary_indexes(tmp_path: Path) -> None:
    """A schema v3 file gets the summary's indexes; its posts and its summary are unchanged."""
    path = tmp_path / "care.db"
    store, chat = build_chat(path)
    expected = build_summary(store, chat).to_json()
    names = summary_indexes(store)
    assert names == {"posts_summary_visible", "posts_summary_answer", "posts_summary_noted"}
    for name in names:
        store.db.execute(f"DROP INDEX {name}")
    store.db.execute("ALTER TABLE posts DROP COLUMN reply_to_author")  # schema v5's
    store.db.execute("PRAGMA user_version = 3")
    posts = store.db.execute("SELECT count(*) FROM posts").fetchone()[0]
    store.close()

    again = Store.open(path)
    assert again.schema_version == SCHEMA_VERSION == 10
    assert summary_indexes(again) == names
    assert again.db.execute("SELECT count(*) FROM posts").fetchone()[0] == posts
    assert build_summary(again, chat).to_json() == expected


def test_migration_from_v2_backfills_engagement(tmp_path: Path) -> None:
    """A file written before schema v3 gets each post's engagement summed from its metrics."""
    path = tmp_path / "old.db"
    store = Store.open(path)
    chat = store.ensure_chat("T")
    post = replace(
        make_post("1", "hello #T"),
        metrics={"like_count": 3, "retweet_count": 2, "reply_count": 1},
    )
    store.add_posts(chat, [ChatPost(post, Classification(Role.PARTICIPANT))])
    row = store.post("x:1")
    assert row is not None and row["engagement"] == 6
    # A v2 file has neither the v4 indexes nor the column they index.
    for name in summary_indexes(store):
        store.db.execute(f"DROP INDEX {name}")
    store.db.execute("ALTER TABLE posts DROP COLUMN engagement")
    store.db.execute("ALTER TABLE posts DROP COLUMN reply_to_author")  # schema v5's
    store.db.execute("PRAGMA user_version = 2")
    store.close()

    again = Store.open(path)
    assert again.schema_version == SCHEMA_VERSION
    row = again.post("x:1")
    assert row is not None and row["engagement"] == 6
    assert len(summary_indexes(again)) == 3
