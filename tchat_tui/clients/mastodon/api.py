"""The Mastodon API as both sides use it: instance addresses, the instance document (streaming
host, status limits), Statuses as Posts, and the order of Mastodon ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from tchat_tui.clients.http import Clock, parse_time, raise_for
from tchat_tui.clients.mastodon.html import html_to_text
from tchat_tui.domain.post import Network, Post


def base_url(instance: str) -> str:
    """'mastodon.social' or 'https://mastodon.social/' -> 'https://mastodon.social'."""
    value = instance.strip().rstrip("/")
    if "://" not in value:
        value = f"https://{value}"
    return value


def host_of(instance: str) -> str:
    """The host name of an instance ('https://mastodon.social' -> 'mastodon.social')."""
    return urlsplit(base_url(instance)).netloc.lower()


@dataclass
class InstanceInfo:
    """What `/api/v2/instance` says; shared by the source (streaming host) and the publisher."""

    host: str
    streaming_url: str = ""
    max_characters: int = 500
    url_weight: int = 23
    loaded: bool = False

    def update(self, data: Mapping[str, Any]) -> None:
        """Read the streaming URL and the status limits from an instance document."""
        config = data.get("configuration") or {}
        streaming = str((config.get("urls") or {}).get("streaming") or "")
        if streaming.startswith("wss://"):
            streaming = "https://" + streaming[len("wss://") :]
        elif streaming.startswith("ws://"):
            streaming = "http://" + streaming[len("ws://") :]
        self.streaming_url = streaming.rstrip("/")
        statuses = config.get("statuses") or {}
        self.max_characters = int(statuses.get("max_characters") or 500)
        self.url_weight = int(statuses.get("characters_reserved_per_url") or 23)
        self.loaded = True


async def load_instance(client: httpx.AsyncClient, info: InstanceInfo, clock: Clock) -> None:
    """Fetch `/api/v2/instance` into `info` (the streaming host defaults to the REST host)."""
    response = await client.get("/api/v2/instance")
    raise_for(response, clock())
    info.update(response.json())
    if not info.streaming_url:
        info.streaming_url = str(client.base_url).rstrip("/")


def _account_handle(account: Mapping[str, Any], host: str) -> str:
    acct = str(account.get("acct") or account.get("username") or "")
    return acct if "@" in acct else f"{acct}@{host}"


def status_to_post(status: Mapping[str, Any], host: str) -> Post:
    """A Mastodon Status as a normalized Post read through `host` (ids are that server's ids).

    Raises:
        KeyError, ValueError, TypeError: the payload is not a Status.
    """
    reblog = status.get("reblog")
    shown: Mapping[str, Any] = reblog if isinstance(reblog, dict) else status
    account = status["account"]
    content = html_to_text(str(shown.get("content") or ""))
    text = content.text
    spoiler = str(shown.get("spoiler_text") or "")
    if spoiler:
        text = f"CW: {spoiler}\n{text}"
    hashtags = content.hashtags or tuple(str(t["name"]) for t in shown.get("tags") or ())
    mentions = tuple(str(m["acct"]) for m in shown.get("mentions") or ()) or content.mentions
    metrics = {
        name: int(shown[field])
        for name, field in (
            ("reply_count", "replies_count"),
            ("repost_count", "reblogs_count"),
            ("like_count", "favourites_count"),
        )
        if isinstance(shown.get(field), int)
    }
    return Post(
        network=Network.MASTODON,
        native_id=str(status["id"]),
        author_id=str(account["id"]),
        author_handle=_account_handle(account, host),
        author_name=str(account.get("display_name") or account.get("username") or ""),
        text=text,
        created_at=parse_time(str(status["created_at"])),
        reply_to_id=_opt(shown.get("in_reply_to_id")),
        reply_to_author_id=_opt(shown.get("in_reply_to_account_id")),
        hashtags=hashtags,
        links=content.links,
        mentions=mentions,
        is_repost=isinstance(reblog, dict),
        repost_of_id=str(reblog["id"]) if isinstance(reblog, dict) else None,
        lang=_opt(shown.get("language")),
        instance=host,
        raw=json.dumps(status, ensure_ascii=False, separators=(",", ":")),
        metrics=metrics,
    )


def edit_to_post(status: Mapping[str, Any], host: str) -> Post:
    """An edited Status as the Post handed to `sink.edited`: `created_at` carries the edit time."""
    post = status_to_post(status, host)
    edited = status.get("edited_at")
    return replace(post, created_at=parse_time(str(edited))) if edited else post


def _opt(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def id_order(value: str) -> tuple[int, str]:
    """Sort key for Mastodon ids: numeric strings of the same length sort as text."""
    return (len(value), value)


def rewind_id(status_id: str, seconds: float) -> str:
    """A Mastodon id `seconds` older than `status_id` (ids are ms timestamps << 16).

    Remote statuses get ids from their own creation time, so a post federated late can land
    below the cursor; backfilling from a little earlier (deduplicated by uri) catches it.
    """
    if seconds <= 0 or not status_id.isdigit() or int(status_id) < 1 << 40:
        return status_id
    ms = (int(status_id) >> 16) - int(seconds * 1000)
    return str(max(ms, 0) << 16)
