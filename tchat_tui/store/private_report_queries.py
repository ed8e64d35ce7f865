"""The private report's reads: flagged posts, muted authors, audience questions and their fate.

A chat has a few dozen of each, so these read the `posts` rows directly (the flagged and the
audience questions through the partial `posts_summary_noted` index's condition).
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

Row = dict[str, Any]


def _rows(db: sqlite_utils.Database, sql: str, params: dict[str, Any]) -> list[Row]:
    cur = db.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def flagged_posts(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Posts flagged amber or red, oldest first, with their reasons (JSON), hidden or not, and
    whether a moderator allowed them (an 'allow' action on the post)."""
    return _rows(
        db,
        "SELECT key, native_id, network, instance, author_handle, created_at, text, promo_level,"
        " promo_score, promo_reasons, hidden,"
        " EXISTS(SELECT 1 FROM actions WHERE chat_id = :chat AND action = 'allow'"
        " AND target = posts.key) AS allowed"
        " FROM posts WHERE chat_id = :chat AND promo_level IN ('amber', 'red')"
        " ORDER BY created_at, key",
        {"chat": chat},
    )


def muted_authors(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Muted authors who posted in this chat: handle, network, when and by whom muted."""
    return _rows(
        db,
        "SELECT a.key, a.handle, a.network,"
        " (SELECT moderator FROM actions WHERE chat_id = :chat AND action = 'mute'"
        "  AND target = a.key ORDER BY id DESC LIMIT 1) AS muted_by"
        " FROM authors AS a WHERE a.muted = 1"
        " AND EXISTS(SELECT 1 FROM posts WHERE chat_id = :chat AND author_key = a.key)"
        " ORDER BY lower(a.handle)",
        {"chat": chat},
    )


def audience_questions(db: sqlite_utils.Database, chat: int) -> list[Row]:
    """Audience questions not hidden nor deleted, oldest first: who claimed each, and who marked
    it answered and when (the last 'answered' action on it)."""
    return _rows(
        db,
        "SELECT key, native_id, network, instance, author_handle, created_at, text, claimed_by,"
        " answered,"
        " (SELECT moderator FROM actions WHERE chat_id = :chat AND action = 'answered'"
        "  AND target = posts.key ORDER BY id DESC LIMIT 1) AS answered_by,"
        " (SELECT at FROM actions WHERE chat_id = :chat AND action = 'answered'"
        "  AND target = posts.key ORDER BY id DESC LIMIT 1) AS answered_at"
        " FROM posts WHERE chat_id = :chat AND audience_question = 1 AND hidden = 0"
        " AND deleted = 0 ORDER BY created_at, key",
        {"chat": chat},
    )
