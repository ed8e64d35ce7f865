"""Schema for consoles that share one chat (issue 17): each console's role, and the change log
that the others poll (`changes`, filled by triggers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

CHANGE_TRIGGERS = {
    "posts_changed": (
        "AFTER UPDATE ON posts WHEN OLD.starred IS NOT NEW.starred OR OLD.hidden IS NOT NEW.hidden"
        " OR OLD.claimed_by IS NOT NEW.claimed_by OR OLD.answered IS NOT NEW.answered"
        " OR OLD.text IS NOT NEW.text OR OLD.deleted IS NOT NEW.deleted"
        " OR OLD.outgoing IS NOT NEW.outgoing",
        "'post', NEW.key",
    ),
    "authors_changed": (
        "AFTER UPDATE ON authors WHEN OLD.muted IS NOT NEW.muted OR OLD.notes IS NOT NEW.notes",
        "'author', NEW.key",
    ),
    "questions_added": ("AFTER INSERT ON questions", "'question', NEW.number"),
    "questions_changed": ("AFTER UPDATE ON questions", "'question', NEW.number"),
    "outbox_added": ("AFTER INSERT ON outbox", "'outbox', NEW.id"),
    "outbox_changed": (
        "AFTER UPDATE ON outbox WHEN OLD.status IS NOT NEW.status",
        "'outbox', NEW.id",
    ),
    "actions_added": ("AFTER INSERT ON actions", "'action', NEW.id"),
}
"""Trigger name -> (when, what it logs in `changes`): every change another console must show,
whoever wrote it (any module, any process). A post stored is not logged: posts only grow, and a
console follows them by rowid. Part of a released migration: add triggers in a new one."""


def shared_consoles(db: sqlite_utils.Database) -> None:
    """Co-moderators at their own console: a console is the chat's `reader` (it reads the
    networks and sends the outbox) or `joined` (it follows the database), under its moderator's
    name; every change another console must show is logged in `changes` (`seq` grows).

    Additive, and written to run again on a file that has them already."""
    have = {r[1] for r in db.execute("PRAGMA table_info(consoles)").fetchall()}
    if "role" not in have:
        db.execute("ALTER TABLE consoles ADD COLUMN role TEXT NOT NULL DEFAULT 'reader'")
    if "moderator" not in have:
        db.execute("ALTER TABLE consoles ADD COLUMN moderator TEXT")
    db.execute(
        "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        " kind TEXT NOT NULL, target TEXT NOT NULL)"
    )
    for name, (when, values) in CHANGE_TRIGGERS.items():
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN"
            f" INSERT INTO changes (kind, target) VALUES ({values}); END"
        )
