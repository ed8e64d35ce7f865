"""What the moderators can undo: the chat's muted authors and hidden posts, with who did it and when
(read from the action log, newest first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

MUTE_LOOKBACK = 5000
"""Newest moderator actions searched for when and by whom each muted author was muted."""
HIDE_LOOKBACK = 5000
"""Newest moderator actions searched for the chat's hidden posts (a hide is always logged)."""


def muted_in_chat(store: Store, chat_id: int) -> list[dict[str, Any]]:
    """The muted authors who posted in this chat or were muted in it, newest mute first.

    Each is the author's row plus `muted_at` and `muted_by` from their latest mute in the action
    log (None when it is not there: muted in another chat, or long ago).
    """
    muted = store.muted_authors()
    if not muted:
        return []
    latest: dict[str, dict[str, Any]] = {}
    for action in store.actions(chat_id, MUTE_LOOKBACK):  # newest first
        key = action["target"]
        if action["action"] == "mute" and key in muted and key not in latest:
            latest[key] = action
    rows = []
    for key in muted:
        mute = latest.get(key)
        if mute is None and not store.posts_by_author(chat_id, key, limit=1):
            continue
        author = store.author(key) or {"key": key}
        rows.append(
            {
                **author,
                "muted_at": mute["at"] if mute else None,
                "muted_by": mute["moderator"] if mute else None,
                "mute_id": mute["id"] if mute else 0,
            }
        )
    rows.sort(key=lambda r: (-r["mute_id"], (r.get("handle") or r["key"]).lower()))
    return rows


def hidden_in_chat(store: Store, chat_id: int) -> list[dict[str, Any]]:
    """This chat's posts still hidden, newest hide first: each post's row plus `hidden_at` and
    `hidden_by` from its latest hide in the action log."""
    latest: dict[str, dict[str, Any]] = {}
    for action in store.actions(chat_id, HIDE_LOOKBACK):  # newest first
        key = action["target"]
        if action["action"] in ("hide", "unhide") and key not in latest:
            latest[key] = action
    rows = []
    for key, action in latest.items():
        if action["action"] != "hide":
            continue
        post = store.post(key)
        if post is None or not post.get("hidden") or post.get("chat_id") != chat_id:
            continue
        rows.append({**post, "hidden_at": action["at"], "hidden_by": action["moderator"]})
    return rows
