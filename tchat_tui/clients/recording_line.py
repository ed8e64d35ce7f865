"""The recording line format: one post a line, as its network delivered it.

`record` writes it; replay, `import` and `flag` read it. A line's format is told by the line
itself, so one file can hold a chat followed on several networks:

- X: the API v2 filtered-stream object as it came (`data`, `includes.users`, `matching_rules`);
  no `network` key (`"network": "x"` is accepted too). The bundled demo and every recording made
  before Mastodon and Bluesky could be recorded are in this form.
- Mastodon: `{"network": "mastodon", "instance": HOST, "status": STATUS}`: the Status as the
  instance HOST (whose ids it carries) sent it.
- Bluesky: `{"network": "bluesky", "instance": HOST, "post": POST_VIEW}` for a post found by
  search (a `postView` as `searchPosts` returns it), or `{"network": "bluesky", "instance":
  "jetstream", "event": EVENT, "author": {"handle": H, "displayName": N}}` for one from the live
  feed: the Jetstream commit event, with the author the console looked up (events carry only
  the DID).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from tchat_tui.clients.x.stream_line import (
    MalformedLine,
    clean_line,
    clean_value,
    loads_line,
    post_from_stream_object,
)
from tchat_tui.domain.post import Network, Post

_HOST = re.compile(r"[0-9A-Za-z.\-\[\]:_]{1,260}")
"""What an `instance` may be: a host name, with a port (no scheme, path, space or control)."""
_SHAPE_ERRORS = (KeyError, ValueError, TypeError, AttributeError, IndexError)
"""What a payload of the wrong shape raises while it is read as a post."""


def recording_line(post: Post) -> str:
    """The line `record` writes for a post received from its network (no newline).

    Raises:
        MalformedLine: the post carries no payload to write.
    """
    raw = post.raw.strip()
    if not raw:
        raise MalformedLine("a post without its payload")
    if post.network is Network.X:
        return clean_line(raw)
    payload, _ = loads_line(raw)
    envelope: dict[str, Any] = {"network": post.network.value, "instance": post.instance or ""}
    if post.network is Network.MASTODON:
        envelope["status"] = payload
    elif isinstance(payload, dict) and "commit" in payload:  # Jetstream: the author beside it
        envelope["event"] = payload
        envelope["author"] = {"handle": post.author_handle, "displayName": post.author_name}
    else:
        envelope["post"] = payload
    return json.dumps(clean_value(envelope), ensure_ascii=False, separators=(",", ":"))


def parse_recording_line(line: str) -> Post | None:
    """Parse one recorded line of any network; None for a blank line.

    A NUL or a lone surrogate in any string becomes U+FFFD (the post is kept).

    Raises:
        MalformedLine: the line is not a post (not JSON, an unknown network, a payload of the
            wrong shape); its message is one line, safe to print.
    """
    stripped = line.strip()
    if not stripped:
        return None
    obj, text = loads_line(stripped)
    if not isinstance(obj, dict):
        raise MalformedLine("not a JSON object")
    network = obj.get("network")
    if network is None or network == "x":
        return post_from_stream_object(obj, text)
    if network == "mastodon":
        return _mastodon(obj)
    if network == "bluesky":
        return _bluesky(obj)
    if isinstance(network, str):
        raise MalformedLine(f"unknown network {network[:40]!r} (x, mastodon or bluesky)")
    raise MalformedLine(f"'network' is a {type(network).__name__}, not a name")


def _instance(obj: dict[str, Any]) -> str:
    instance = obj.get("instance")
    if not isinstance(instance, str) or not _HOST.fullmatch(instance):
        raise MalformedLine(f"a {obj['network']} line without a valid 'instance'")
    return instance


def _payload(obj: dict[str, Any], name: str) -> dict[str, Any]:
    value = obj.get(name)
    if not isinstance(value, dict):
        raise MalformedLine(f"a {obj['network']} line whose '{name}' is not an object")
    return value


def _dumps(value: Any) -> str:
    """A payload as the live source keeps it (compact, UTF-8 as is)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # an integer beyond 64 bits: json writes it
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _mastodon(obj: dict[str, Any]) -> Post:
    # Imported on the first such line: an X recording (the demo) never loads httpx.
    from tchat_tui.clients.mastodon.api import status_to_post

    instance = _instance(obj)
    status = _payload(obj, "status")
    try:
        return status_to_post(status, instance)
    except _SHAPE_ERRORS as exc:
        raise MalformedLine(f"a Mastodon status of an unexpected shape ({_why(exc)})") from None


def _bluesky(obj: dict[str, Any]) -> Post:
    from tchat_tui.clients.bluesky.records import commit_to_post, post_view_to_post

    instance = _instance(obj)
    if "event" in obj:
        event = _payload(obj, "event")
        author = obj.get("author")
        if not isinstance(author, dict):
            author = {}
        did = str(event.get("did") or "")
        handle = author.get("handle")
        handle = handle if isinstance(handle, str) and handle else did
        name = author.get("displayName")
        name = name if isinstance(name, str) and name else handle
        try:
            return commit_to_post(
                event, handle=handle, name=name, instance=instance, raw=_dumps(event)
            )
        except _SHAPE_ERRORS as exc:
            raise MalformedLine(f"a Jetstream event of an unexpected shape ({_why(exc)})") from None
    view = _payload(obj, "post")
    try:
        return post_view_to_post(view, instance)
    except _SHAPE_ERRORS as exc:
        raise MalformedLine(f"a Bluesky post of an unexpected shape ({_why(exc)})") from None


def _why(exc: BaseException) -> str:
    """What was wrong, in a few safe words: the missing field, or the error's kind."""
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        return f"no {exc.args[0][:40]!r}"
    return type(exc).__name__
