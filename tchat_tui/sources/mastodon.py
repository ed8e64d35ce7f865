"""Follow a hashtag on one Mastodon instance: the SSE hashtag stream, with a REST backfill
after every (re)connect.

The plumbing shared with Bluesky (backoff, rate limits, error classification, the reconnect
loop) is in `tchat_tui.sources.netutil`; the names the publishers and tests import from here
are re-exported.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import SSEError, aconnect_sse

from tchat_tui.clients.mastodon.html import html_to_text
from tchat_tui.domain.post import Network, Post, make_key
from tchat_tui.sources.base import SourceSink
from tchat_tui.sources.netutil import DEFAULT_TIMEOUT, Cursor, ReconnectingSource, Sleep
from tchat_tui.sources.netutil import AuthFailed as AuthFailed
from tchat_tui.sources.netutil import Backoff as Backoff
from tchat_tui.sources.netutil import Clock as Clock
from tchat_tui.sources.netutil import MemoryCursor as MemoryCursor
from tchat_tui.sources.netutil import RateLimited as RateLimited
from tchat_tui.sources.netutil import Rejected as Rejected
from tchat_tui.sources.netutil import SeenIds as SeenIds
from tchat_tui.sources.netutil import Transient as Transient
from tchat_tui.sources.netutil import one_line as one_line
from tchat_tui.sources.netutil import parse_time as parse_time
from tchat_tui.sources.netutil import raise_for as raise_for
from tchat_tui.sources.netutil import reset_time as reset_time


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


class MastodonSource(ReconnectingSource):
    """The hashtag on one instance: backfill over REST, then the SSE stream, forever."""

    name = "mastodon"
    retry_on = (httpx.HTTPError, Transient, Rejected, SSEError, ValueError)
    credentials_hint = "check TCHAT_MASTODON_TOKEN"

    def __init__(
        self,
        instance: str,
        token: str,
        tag: str,
        *,
        cursor: Cursor | None = None,
        info: InstanceInfo | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Clock = lambda: datetime.now(UTC),
        rewind_seconds: float = 300.0,
        page_limit: int = 40,
        max_pages: int = 50,
    ) -> None:
        super().__init__(tag, cursor, sleep, rand, clock)
        self.base_url = base_url(instance)
        self.host = host_of(instance)
        self.info = info or InstanceInfo(self.host)
        self.transport = transport
        self.timeout = timeout
        self.rewind_seconds = rewind_seconds
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.seen = SeenIds()
        self.connects = 0
        """How many times the stream was opened (for tests and the header)."""
        self._token = token

    def __repr__(self) -> str:  # never show the token
        return f"MastodonSource({self.host!r}, tag={self.tag!r})"

    def refused(self, exc: AuthFailed) -> tuple[str, str]:
        """Name the instance: several may be configured over time."""
        return (
            f"Mastodon {self.host} refused the token: {exc}",
            f"Mastodon {self.host} refused the token ({exc}); {self.credentials_hint}",
        )

    def retry_detail(self, exc: Exception) -> str:
        """A refused request is said as the server said it (the other errors with their type)."""
        return str(exc) if isinstance(exc, Rejected) else one_line(exc)

    def open_client(self) -> httpx.AsyncClient:
        """One client for the run, on the instance with the token."""
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self._token}"},
            transport=self.transport,
            timeout=self.timeout,
            follow_redirects=True,
        )

    async def once(self, sink: SourceSink) -> float:
        """Backfill, then stream until the server closes it; then wait a jittered backoff."""
        client = self.client
        assert client is not None
        try:
            if not self.info.loaded:
                self._state(sink, "connecting", self.host)
                await load_instance(client, self.info, self.clock)
            self._state(sink, "backfilling", f"#{self.tag} on {self.host}")
            await self.backfill(client, sink)
            await self.stream(client, sink)
        except Rejected as exc:
            if exc.status == 404:  # wrong streaming host: ask the instance again
                self.info.loaded = False
            raise
        delay = self.backoff.next()
        self._state(sink, "reconnecting", "stream closed by the server")
        return delay

    async def backfill(self, client: httpx.AsyncClient, sink: SourceSink) -> int:
        """Fetch what the tag timeline has after the cursor, page by page until empty."""
        saved = self.cursor.load()
        min_id = rewind_id(saved, self.rewind_seconds) if saved else None
        delivered = 0
        for _ in range(self.max_pages):
            params: dict[str, str | int] = {"limit": self.page_limit}
            if min_id:
                params["min_id"] = min_id
            response = await client.get(f"/api/v1/timelines/tag/{self.tag}", params=params)
            raise_for(response, self.clock())
            page = response.json()
            if not isinstance(page, list) or not page:
                break
            posts, bad = self._parse(page)
            ids = [str(s["id"]) for s in page if isinstance(s, dict) and "id" in s]
            if bad:
                sink.malformed(bad, "Mastodon status without the expected fields")
            fresh = sorted(posts, key=lambda p: id_order(p.native_id))
            if fresh:
                sink.posts(fresh)
                delivered += len(fresh)
            if not ids:
                break
            newest = max(ids, key=id_order)
            self._advance(newest)
            if not min_id:
                break  # first run: the latest page is enough history
            min_id = newest
        return delivered

    async def stream(self, client: httpx.AsyncClient, sink: SourceSink) -> None:
        """Read the hashtag stream until the server closes it (errors propagate)."""
        url = f"{self.info.streaming_url or self.base_url}/api/v1/streaming/hashtag"
        async with aconnect_sse(client, "GET", url, params={"tag": self.tag}) as source:
            response = source.response
            if response.status_code >= 300:
                await response.aread()
                raise_for(response, self.clock())
            self.connects += 1
            self._state(sink, "live", f"#{self.tag} on {self.host}")
            async for event in source.aiter_sse():
                self.handle_event(event.event, event.data, sink)
                self.backoff.reset()

    def handle_event(self, event: str, data: str, sink: SourceSink) -> None:
        """One SSE event: `update` (new post), `status.update` (edit), `delete` (bare id)."""
        if event == "delete":
            native = data.strip()
            if native:
                sink.deleted(make_key(Network.MASTODON, native, self.host))
            return
        if event not in ("update", "status.update"):
            return
        try:
            status = json.loads(data)
            post = (
                status_to_post(status, self.host)
                if event == "update"
                else edit_to_post(status, self.host)
            )
        except (KeyError, ValueError, TypeError) as exc:
            sink.malformed(1, f"Mastodon {event} event: {one_line(exc)}")
            return
        if event == "status.update":
            sink.edited(post)
            return
        if self.seen.add(str(status.get("uri") or post.native_id)):
            sink.posts([post])
        self._advance(post.native_id)

    def _parse(self, page: list[Any]) -> tuple[list[Post], int]:
        """The page's statuses as posts, with how many were malformed; duplicates dropped."""
        posts: list[Post] = []
        bad = 0
        for status in page:
            try:
                post = status_to_post(status, self.host)
            except (KeyError, ValueError, TypeError):
                bad += 1
                continue
            if self.seen.add(str(status.get("uri") or post.native_id)):
                posts.append(post)
        return posts, bad

    def _advance(self, status_id: str) -> None:
        current = self.cursor.load()
        if current is None or id_order(status_id) > id_order(current):
            self.cursor.save(status_id)
