"""Schema v9: steering the question queue during the hour (a migration of `store.schema`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def queue_steering(db: sqlite_utils.Database) -> None:
    """Steering the question queue during the hour (issue 16): a question's texts in several
    languages (`questions.texts`: JSON `[[language, text], ...]`, NULL for one text) and
    `queue_steered`: once a moderator has edited, skipped, moved or added a question, a restart
    keeps the chat's queue as steered (the plan's questions no longer rewrite it).

    Additive (a column and a table) and safe to run again on a file that has them."""
    have = {r[1] for r in db.execute("PRAGMA table_info(questions)").fetchall()}
    if "texts" not in have:
        db.execute("ALTER TABLE questions ADD COLUMN texts TEXT")
    db.execute(
        "CREATE TABLE IF NOT EXISTS queue_steered (chat_id INTEGER PRIMARY KEY,"
        " at TEXT NOT NULL, moderator TEXT NOT NULL)"
    )
