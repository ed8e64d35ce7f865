"""Small builders of posts and stream lines for tests (no network, no disk)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tchat_tui.domain.post import Link, Network, Post

T0 = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def make_post(
    native_id: str,
    text: str,
    handle: str = "ada",
    *,
    minute: float = 0,
    reply_to: str | None = None,
    conversation: str | None = None,
    repost_of: str | None = None,
    links: tuple[str, ...] = (),
    author_id: str | None = None,
) -> Post:
    """A post on X by `handle` at T0 + minute."""
    return Post(
        network=Network.X,
        native_id=native_id,
        author_id=author_id or f"id-{handle}",
        author_handle=handle,
        author_name=handle.title(),
        text=text,
        created_at=T0 + timedelta(minutes=minute),
        reply_to_id=reply_to,
        conversation_id=conversation,
        links=tuple(Link(f"https://t.co/{i:010d}", u) for i, u in enumerate(links)),
        is_repost=repost_of is not None,
        repost_of_id=repost_of,
    )


def stream_line(
    native_id: str,
    text: str,
    handle: str = "ada",
    *,
    minute: float = 0,
    reply_to: str | None = None,
    name: str | None = None,
) -> str:
    """One X filtered-stream line as the API sends it."""
    tweet: dict[str, Any] = {
        "id": native_id,
        "text": text,
        "author_id": f"id-{handle}",
        "created_at": (T0 + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z"),
        "edit_history_tweet_ids": [native_id],
        "conversation_id": native_id,
        "lang": "en",
    }
    if reply_to:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
        tweet["conversation_id"] = reply_to
    users = [{"id": f"id-{handle}", "username": handle, "name": name or handle.title()}]
    return json.dumps({"data": tweet, "includes": {"users": users}, "matching_rules": []})
