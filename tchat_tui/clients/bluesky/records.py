"""Bluesky posts as normalized Posts: post records (Jetstream, the publisher) and post views
(search results), and the AT-URI helpers they need.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tchat_tui.clients.bluesky.facets import read_facets
from tchat_tui.clients.http import parse_time
from tchat_tui.domain.post import Network, Post

POST_COLLECTION = "app.bsky.feed.post"
REPOST_COLLECTION = "app.bsky.feed.repost"


def did_of(at_uri: str) -> str:
    """The repository DID of an AT-URI (`at://did:plc:x/app.bsky.feed.post/rkey`)."""
    return at_uri.removeprefix("at://").split("/", 1)[0]


def web_url(handle: str, at_uri: str) -> str:
    """The bsky.app address of a post."""
    return f"https://bsky.app/profile/{handle}/post/{at_uri.rsplit('/', 1)[-1]}"


def record_to_post(
    uri: str,
    record: Mapping[str, Any],
    *,
    did: str,
    handle: str,
    name: str,
    seen_at: datetime,
    instance: str,
    raw: str,
    metrics: dict[str, int] | None = None,
) -> Post:
    """A post record as a normalized Post (`seen_at`: when the network indexed it).

    Raises:
        KeyError, ValueError, TypeError: the record is not a post.
    """
    text = record["text"]
    if not isinstance(text, str):
        raise TypeError("text is not a string")
    facets = read_facets(text, record.get("facets"), record.get("tags"))
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
    parent = str(reply["parent"]["uri"]) if reply else None
    root = str(reply["root"]["uri"]) if reply else None
    langs = record.get("langs")
    return Post(
        network=Network.BLUESKY,
        native_id=uri,
        author_id=did,
        author_handle=handle,
        author_name=name,
        text=text,
        created_at=seen_at,
        reply_to_id=parent,
        reply_to_author_id=did_of(parent) if parent else None,
        conversation_id=root,
        hashtags=facets.hashtags,
        links=facets.links,
        mentions=facets.mentions,
        lang=str(langs[0]) if isinstance(langs, list) and langs else None,
        instance=instance,
        raw=raw,
        metrics=metrics or {},
    )


def post_uri(did: str, rkey: object) -> str:
    """The AT-URI of a post record from its repository and record key."""
    return f"at://{did}/{POST_COLLECTION}/{rkey}"


def commit_to_post(
    event: Mapping[str, Any], *, handle: str, name: str, instance: str, raw: str
) -> Post:
    """A Jetstream commit event that carries a post record as a Post, seen at the event's
    `time_us` (the live feed and a recorded event both read it here).

    Raises:
        KeyError, ValueError, TypeError: the event does not carry a post record.
    """
    commit = event["commit"]
    record = commit["record"]
    if not isinstance(record, dict):
        raise TypeError("the commit's record is not an object")
    did = str(event.get("did") or "")
    time_us = int(event["time_us"])
    return record_to_post(
        post_uri(did, commit.get("rkey")),
        record,
        did=did,
        handle=handle,
        name=name,
        seen_at=datetime.fromtimestamp(time_us / 1_000_000, UTC),
        instance=instance,
        raw=raw,
    )


def post_view_to_post(view: Mapping[str, Any], instance: str) -> Post:
    """An `app.bsky.feed.defs#postView` (search results, getPosts) as a Post, sorted by indexedAt."""
    author = view["author"]
    record = view["record"]
    seen = parse_time(str(view.get("indexedAt") or record["createdAt"]))
    metrics = {
        name: int(view[key])
        for name, key in (
            ("reply_count", "replyCount"),
            ("repost_count", "repostCount"),
            ("like_count", "likeCount"),
            ("quote_count", "quoteCount"),
        )
        if isinstance(view.get(key), int)
    }
    return record_to_post(
        str(view["uri"]),
        record,
        did=str(author["did"]),
        handle=str(author.get("handle") or author["did"]),
        name=str(author.get("displayName") or author.get("handle") or ""),
        seen_at=seen,
        instance=instance,
        raw=json.dumps(view, ensure_ascii=False, separators=(",", ":")),
        metrics=metrics,
    )
