"""The X API v2 filtered-stream line format: the live X source, replay files and `record` share it."""

from __future__ import annotations

import json
import re
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


REPLACEMENT = "\ufffd"
"""What stands for a character that cannot be stored: NUL, or half of a surrogate pair."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
"""A JSON escape that decodes to NUL or to a surrogate (a pair is two of them: the slow path
decodes the line and keeps the pair's character; only a lone half is replaced)."""


def clean_text(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by U+FFFD.

    SQLite cuts a C string at NUL, and a lone surrogate cannot be encoded as UTF-8: a post holding
    one fails its whole batch in the store, in a file `record` writes or on the screen.
    """
    if "\x00" in text:
        text = text.replace("\x00", REPLACEMENT)
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub(REPLACEMENT, text)
    return text


def clean_value(value: Any) -> Any:
    """A decoded JSON value with `clean_text` applied to every string (keys too); `value`
    itself when nothing needed it."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        items = [(clean_value(k), clean_value(v)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True)):
            return value
        return dict(items)
    if isinstance(value, list):
        cleaned = [clean_value(v) for v in value]
        if all(v is v0 for v, v0 in zip(cleaned, value, strict=True)):
            return value
        return cleaned
    return value


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def clean_line(line: str) -> str:
    """A JSON line whose strings hold no NUL or lone surrogate, written or escaped (`line`
    itself when it has none; a line that is not JSON gets `clean_text`)."""
    if (
        "\x00" not in line
        and not _BAD_ESCAPE.search(line)
        and (line.isascii() or not _SURROGATE.search(line))
    ):
        return line
    try:
        obj = json.loads(line, strict=False)
        cleaned = clean_value(obj)
    except (ValueError, RecursionError):
        return clean_text(line)
    return line if cleaned is obj else _dumps(cleaned)


def post_from_tweet(tweet: dict[str, Any], users: dict[str, dict[str, Any]], raw: str) -> Post:
    """Build a Post from an X v2 tweet object and the `includes.users` it came with.

    Every string is cleaned first (`clean_text`; `raw` by `clean_line`): what the live source and
    the publisher hand over was decoded by a JSON reader that lets a lone surrogate through.
    """
    try:
        tweet = clean_value(tweet)
        users = clean_value(users)
    except RecursionError:
        raise MalformedLine("nested too deeply") from None
    return _shaped(tweet, users, clean_line(raw))


def _post_from_tweet(tweet: dict[str, Any], users: dict[str, dict[str, Any]], raw: str) -> Post:
    """`post_from_tweet` over strings already clean.

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


def loads_line(line: str) -> tuple[Any, str]:
    """Decode one JSON line, and the line to keep as the post's payload (also for the other
    networks' recorded lines: `tchat_tui.clients.recording_line`).

    orjson for speed. It refuses a lone surrogate escape (and NaN, huge integers, a raw control
    character inside a string): those lines are read by json, every string cleaned, and the
    payload rewritten from the cleaned object, so neither the post nor its stored payload holds
    a lone surrogate or NUL. A NUL escape is the one bad string orjson lets through.
    """
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        pass
    else:
        if "\\u0000" not in line:
            return obj, line
    if "\x00" in line:  # a raw NUL is not JSON at all (orjson refused it): keep the post
        line = line.replace("\x00", REPLACEMENT)
    try:
        obj = json.loads(line, strict=False)
        cleaned = clean_value(obj)
    except json.JSONDecodeError as exc:
        raise MalformedLine(f"not JSON ({exc.msg})") from exc
    except RecursionError:  # json and the cleaning both recurse once per level
        raise MalformedLine("not JSON (nested too deeply)") from None
    return cleaned, (line if cleaned is obj else _dumps(cleaned))


def parse_stream_line(line: str) -> Post | None:
    """Parse one filtered-stream line; None for a blank keep-alive; MalformedLine otherwise.

    A NUL or a lone surrogate in any field (raw or escaped) becomes U+FFFD: the post is kept.
    """
    stripped = line.strip()
    if not stripped:
        return None
    obj, stripped = loads_line(stripped)
    if not isinstance(obj, dict):
        raise MalformedLine("not a JSON object")
    return post_from_stream_object(obj, stripped)


def post_from_stream_object(obj: dict[str, Any], line: str) -> Post:
    """The post of a decoded filtered-stream object (`line`: its JSON text, kept as the payload).

    Raises:
        MalformedLine: the object is not a post.
    """
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
    try:
        return _post_from_tweet(tweet, users, line)
    except MalformedLine:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as exc:  # as in `_shaped`
        raise MalformedLine(f"a field of an unexpected type ({type(exc).__name__})") from exc


def _shaped(tweet: dict[str, Any], users: dict[str, dict[str, Any]], raw: str) -> Post:
    """`_post_from_tweet`, with a field of an unexpected type (a number where X sends a list)
    reported as a malformed line: one bad post, never the end of a file or a stream."""
    try:
        return _post_from_tweet(tweet, users, raw)
    except MalformedLine:
        raise
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise MalformedLine(f"a field of an unexpected type ({type(exc).__name__})") from exc


def stream_line(
    tweet: dict[str, Any], users: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> str:
    """Serialize one post in the stream-line format (what `record` writes), strings cleaned."""
    obj: dict[str, Any] = {"data": tweet, "includes": {"users": users}, "matching_rules": rules}
    return _dumps(clean_value(obj))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
