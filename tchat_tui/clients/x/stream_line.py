"""The X API v2 filtered-stream line format: the live X source, replay files and `record` share it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import orjson

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Link, Network, Post
from tchat_tui.domain.text.twitter.hashtags import extract_hashtags
from tchat_tui.domain.text.twitter.mentions import extract_mentions


class MalformedLine(TchatError, ValueError):
    """A line that is not a filtered-stream post object."""


def parse_timestamp(value: str) -> datetime:
    """Parse X's `2026-01-15T10:30:00.000Z` into an aware UTC datetime."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise MalformedLine(f"bad created_at {value!r}") from exc
    if dt.tzinfo is UTC:  # X's own form: nothing to convert
        return dt
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def post_from_tweet(tweet: dict[str, Any], users: dict[str, dict[str, Any]], raw: str) -> Post:
    """Build a Post from an X v2 tweet object and the `includes.users` it came with.

    Hashtags and mentions come from the payload's `entities` when it has any: X omits an empty
    entity list, so a missing `mentions` beside `hashtags` means the post mentions no one. A
    payload without entities (not requested, or hand-made) has them extracted from the text.
    """
    try:
        native_id = str(tweet["id"])
        text = tweet["text"]
        author_id = str(tweet["author_id"])
    except (KeyError, TypeError) as exc:
        raise MalformedLine(f"tweet without {exc}") from exc
    if not isinstance(text, str):
        raise MalformedLine("tweet text is not a string")
    get = tweet.get
    entities = get("entities") or {}
    note = get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        text = note["text"]
        entities = note.get("entities") or entities
    if not isinstance(entities, dict):
        entities = {}
    created_raw = get("created_at")
    if not isinstance(created_raw, str):
        raise MalformedLine("tweet without created_at")
    user = users.get(author_id) or {}
    reply_to = repost_of = None
    refs = get("referenced_tweets")
    if refs:
        for ref in refs:
            if not isinstance(ref, dict):
                continue
            kind = ref.get("type")
            if kind == "replied_to":
                reply_to = str(ref.get("id"))
            elif kind == "retweeted":
                repost_of = str(ref.get("id"))
    if entities:
        hashtags = _entity_values(entities.get("hashtags"), "tag")
        mentions = _entity_values(entities.get("mentions"), "username")
        urls = entities.get("urls")
    else:
        hashtags = tuple(extract_hashtags(text))
        mentions = tuple(extract_mentions(text))
        urls = None
    links = (
        tuple(
            Link(
                url=str(u.get("url", "")),
                expanded_url=str(u.get("unwound_url") or u.get("expanded_url") or u.get("url", "")),
            )
            for u in urls
            if isinstance(u, dict)
        )
        if urls
        else ()
    )
    metrics = get("public_metrics")
    handle = user.get("username")
    return Post(
        network=Network.X,
        native_id=native_id,
        author_id=author_id,
        author_handle=str(handle or author_id),
        author_name=str(user.get("name") or handle or author_id),
        text=text,
        created_at=parse_timestamp(created_raw),
        reply_to_id=reply_to,
        reply_to_author_id=_opt_str(get("in_reply_to_user_id")),
        conversation_id=_opt_str(get("conversation_id")),
        hashtags=hashtags,
        links=links,
        mentions=mentions,
        is_repost=repost_of is not None,
        repost_of_id=repost_of,
        lang=_opt_str(get("lang")),
        raw=raw,
        metrics={k: v for k, v in metrics.items() if isinstance(v, int)}
        if metrics and isinstance(metrics, dict)
        else {},
    )


def _entity_values(entities: Any, name: str) -> tuple[str, ...]:
    """The `name` of each entity in a list of entity objects (a tag, a username)."""
    if not entities:
        return ()
    return tuple([str(e[name]) for e in entities if isinstance(e, dict) and name in e])


def _loads(line: str) -> Any:
    """Decode one JSON line: orjson for speed, json for what orjson refuses (NaN, huge ints)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedLine(f"not JSON ({exc.msg})") from exc


def parse_stream_line(line: str) -> Post | None:
    """Parse one filtered-stream line; None for a blank keep-alive; MalformedLine otherwise."""
    stripped = line.strip()
    if not stripped:
        return None
    obj = _loads(stripped)
    if not isinstance(obj, dict):
        raise MalformedLine("not a JSON object")
    tweet = obj.get("data")
    if not isinstance(tweet, dict):
        if "errors" in obj:
            raise MalformedLine("an error object, not a post")
        raise MalformedLine("no 'data' object")
    includes = obj.get("includes")
    users_list = includes.get("users") if includes and isinstance(includes, dict) else None
    users = (
        {str(u["id"]): u for u in users_list if isinstance(u, dict) and "id" in u}
        if users_list
        else {}
    )
    return post_from_tweet(tweet, users, stripped)


def stream_line(
    tweet: dict[str, Any], users: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> str:
    """Serialize one post in the stream-line format (what `record` writes)."""
    obj: dict[str, Any] = {"data": tweet, "includes": {"users": users}, "matching_rules": rules}
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
