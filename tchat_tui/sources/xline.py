"""The X API v2 filtered-stream line format: the live X source, replay files and `record` share it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tchat_tui.domain.post import Link, Network, Post
from tchat_tui.domain.text import extract_hashtags, extract_mentions


class MalformedLine(ValueError):
    """A line that is not a filtered-stream post object."""


def parse_timestamp(value: str) -> datetime:
    """Parse X's `2026-01-15T10:30:00.000Z` into an aware UTC datetime."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise MalformedLine(f"bad created_at {value!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def post_from_tweet(tweet: dict[str, Any], users: dict[str, dict[str, Any]], raw: str) -> Post:
    """Build a Post from an X v2 tweet object and the `includes.users` it came with."""
    try:
        native_id = str(tweet["id"])
        text = tweet["text"]
        author_id = str(tweet["author_id"])
    except (KeyError, TypeError) as exc:
        raise MalformedLine(f"tweet without {exc}") from exc
    if not isinstance(text, str):
        raise MalformedLine("tweet text is not a string")
    note = tweet.get("note_tweet")
    entities = tweet.get("entities") or {}
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text = note["text"]
        entities = note.get("entities") or entities
    if not isinstance(entities, dict):
        entities = {}
    created_raw = tweet.get("created_at")
    if not isinstance(created_raw, str):
        raise MalformedLine("tweet without created_at")
    user = users.get(author_id, {})
    reply_to = repost_of = None
    for ref in tweet.get("referenced_tweets") or ():
        if not isinstance(ref, dict):
            continue
        if ref.get("type") == "replied_to":
            reply_to = str(ref.get("id"))
        elif ref.get("type") == "retweeted":
            repost_of = str(ref.get("id"))
    links = tuple(
        Link(
            url=str(u.get("url", "")),
            expanded_url=str(u.get("unwound_url") or u.get("expanded_url") or u.get("url", "")),
        )
        for u in entities.get("urls") or ()
        if isinstance(u, dict)
    )
    metrics = tweet.get("public_metrics") or {}
    return Post(
        network=Network.X,
        native_id=native_id,
        author_id=author_id,
        author_handle=str(user.get("username") or author_id),
        author_name=str(user.get("name") or user.get("username") or author_id),
        text=text,
        created_at=parse_timestamp(created_raw),
        reply_to_id=reply_to,
        reply_to_author_id=_opt_str(tweet.get("in_reply_to_user_id")),
        conversation_id=_opt_str(tweet.get("conversation_id")),
        hashtags=tuple(
            str(h["tag"])
            for h in entities.get("hashtags") or ()
            if isinstance(h, dict) and "tag" in h
        )
        if "hashtags" in entities
        else tuple(extract_hashtags(text)),
        links=links,
        mentions=tuple(
            str(m["username"])
            for m in entities.get("mentions") or ()
            if isinstance(m, dict) and "username" in m
        )
        if "mentions" in entities
        else tuple(extract_mentions(text)),
        is_repost=repost_of is not None,
        repost_of_id=repost_of,
        lang=_opt_str(tweet.get("lang")),
        raw=raw,
        metrics={k: v for k, v in metrics.items() if isinstance(v, int)}
        if isinstance(metrics, dict)
        else {},
    )


def parse_stream_line(line: str) -> Post | None:
    """Parse one filtered-stream line; None for a blank keep-alive; MalformedLine otherwise."""
    stripped = line.strip()
    if not stripped:
        return None
    try:
        obj = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise MalformedLine(f"not JSON ({exc.msg})") from exc
    if not isinstance(obj, dict):
        raise MalformedLine("not a JSON object")
    tweet = obj.get("data")
    if not isinstance(tweet, dict):
        if "errors" in obj:
            raise MalformedLine("an error object, not a post")
        raise MalformedLine("no 'data' object")
    includes = obj.get("includes") or {}
    users_list = includes.get("users") if isinstance(includes, dict) else None
    users = {str(u["id"]): u for u in users_list or () if isinstance(u, dict) and "id" in u}
    return post_from_tweet(tweet, users, stripped)


def stream_line(
    tweet: dict[str, Any], users: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> str:
    """Serialize one post in the stream-line format (what `record` writes)."""
    obj: dict[str, Any] = {"data": tweet, "includes": {"users": users}, "matching_rules": rules}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
