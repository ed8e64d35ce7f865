"""Follow a hashtag on one Mastodon instance: the SSE hashtag stream, with a REST backfill
after every (re)connect.

The first half of this module is shared by every httpx network client (Mastodon and Bluesky,
sources and publishers): backoff with jitter, rate-limit headers, error classification, and
running an asyncio loop inside a source thread until `stop` is set.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from httpx_sse import SSEError, aconnect_sse

from tchat_tui.domain.html_text import html_to_text
from tchat_tui.domain.post import Network, Post, make_key
from tchat_tui.sources.base import SourceError, SourceSink, SourceState

Sleep = Callable[[float], Awaitable[None]]
"""How a client waits (asyncio.sleep live; a recorder in tests)."""
Clock = Callable[[], datetime]

DEFAULT_TIMEOUT = httpx.Timeout(10.0, read=60.0)
"""Connect/write 10 s; read 60 s, longer than Mastodon's 15 s heartbeat, so a stall is noticed."""
SEEN_LIMIT = 5000
"""How many recent post ids a source remembers to drop duplicates across reconnects."""


# --- shared by the httpx clients -------------------------------------------------------------


class AuthFailed(Exception):
    """401/403: the network refused the credentials; retrying cannot help."""


class RateLimited(Exception):
    """429: wait until `until`."""

    def __init__(self, until: datetime, detail: str = "") -> None:
        super().__init__(detail or f"rate-limited until {until:%H:%M:%S}")
        self.until = until


class Transient(Exception):
    """A failure worth retrying after a backoff (5xx, dropped connection, garbled reply)."""


class Rejected(Exception):
    """The network refused the request itself (4xx other than 401/403/429): do not retry."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


class Backoff:
    """Exponential backoff with full jitter: `base` doubling up to `cap`, reset after success."""

    def __init__(
        self, base: float = 1.0, cap: float = 60.0, rand: Callable[[], float] = random.random
    ) -> None:
        self.base = base
        self.cap = cap
        self.rand = rand
        self.attempt = 0

    def next(self) -> float:
        """The next delay in seconds (uniform in [0, min(cap, base * 2**attempt)])."""
        ceiling = min(self.cap, self.base * (1 << min(self.attempt, 30)))
        self.attempt += 1
        return self.rand() * ceiling

    def reset(self) -> None:
        """A good event arrived: start from `base` again."""
        self.attempt = 0


def reset_time(headers: Mapping[str, str], now: datetime, default: float = 60.0) -> datetime:
    """When a 429 ends, from `Retry-After` (seconds or HTTP date), `X-RateLimit-Reset` (ISO time,
    Mastodon) or `RateLimit-Reset` (epoch or delta seconds, Bluesky); `default` seconds if none."""
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("retry-after")
    if value:
        if value.strip().isdigit():
            return now + timedelta(seconds=int(value))
        try:
            return parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    for name in ("x-ratelimit-reset", "ratelimit-reset"):
        value = lowered.get(name)
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            try:
                return parse_time(value)
            except ValueError:
                continue
        if number > 1_000_000_000:  # an epoch timestamp, not a delta
            return datetime.fromtimestamp(number, UTC)
        return now + timedelta(seconds=number)
    return now + timedelta(seconds=default)


def error_detail(response: httpx.Response) -> str:
    """The server's one-line reason (`error` / `message` in JSON bodies), never a credential."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        for name in ("error", "message", "error_description"):
            value = body.get(name)
            if isinstance(value, str) and value and value not in parts:
                parts.append(value)
    reason = ": ".join(parts) or response.reason_phrase or "error"
    return f"HTTP {response.status_code} {reason}".splitlines()[0][:200]


def raise_for(response: httpx.Response, now: datetime) -> None:
    """Turn a non-2xx reply into AuthFailed, RateLimited, Transient or Rejected (needs a read body)."""
    status = response.status_code
    if status < 300:
        return
    detail = error_detail(response)
    if status in (401, 403):
        raise AuthFailed(detail)
    if status == 429:
        raise RateLimited(reset_time(response.headers, now), detail)
    if status >= 500 or status == 408:
        raise Transient(detail)
    raise Rejected(status, detail)


async def run_until_stopped(main: Coroutine[Any, Any, None], stop: threading.Event) -> None:
    """Run `main` until it returns or `stop` is set (then it is cancelled)."""
    task = asyncio.ensure_future(main)
    while not task.done():
        if stop.is_set():
            task.cancel()
        await asyncio.wait({task}, timeout=0.05)
    if task.cancelled():
        return
    task.result()


def parse_time(value: str) -> datetime:
    """An ISO 8601 time ('Z' or offset) as an aware UTC datetime."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


class Cursor(Protocol):
    """Where a source keeps its resume point (the store's cursors table in the app)."""

    def load(self) -> str | None:
        """The saved value, or None before the first run."""

    def save(self, value: str) -> None:
        """Persist a new value."""


class MemoryCursor:
    """A cursor kept in memory (tests, one-off runs)."""

    def __init__(self, value: str | None = None) -> None:
        self.value = value

    def load(self) -> str | None:
        """The current value."""
        return self.value

    def save(self, value: str) -> None:
        """Remember a new value."""
        self.value = value


class SeenIds:
    """A bounded set of recently seen ids: drops duplicates across reconnects and backfills."""

    def __init__(self, limit: int = SEEN_LIMIT) -> None:
        self.limit = limit
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, value: object) -> bool:
        return value in self._ids

    def add(self, value: str) -> bool:
        """Remember `value`; False if it was already known."""
        if value in self._ids:
            self._ids.move_to_end(value)
            return False
        self._ids[value] = None
        if len(self._ids) > self.limit:
            self._ids.popitem(last=False)
        return True


def base_url(instance: str) -> str:
    """'mastodon.social' or 'https://mastodon.social/' -> 'https://mastodon.social'."""
    value = instance.strip().rstrip("/")
    if "://" not in value:
        value = f"https://{value}"
    return value


def host_of(instance: str) -> str:
    """The host name of an instance ('https://mastodon.social' -> 'mastodon.social')."""
    return urlsplit(base_url(instance)).netloc.lower()


# --- Mastodon ----------------------------------------------------------------------------------


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


class MastodonSource:
    """The hashtag on one instance: backfill over REST, then the SSE stream, forever."""

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
        self.base_url = base_url(instance)
        self.host = host_of(instance)
        self.name = "mastodon"
        self.tag = tag.lstrip("#＃")
        self.cursor = cursor or MemoryCursor()
        self.info = info or InstanceInfo(self.host)
        self.transport = transport
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.backoff = Backoff(rand=rand)
        self.rewind_seconds = rewind_seconds
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.seen = SeenIds()
        self.connects = 0
        """How many times the stream was opened (for tests and the header)."""
        self._token = token

    def __repr__(self) -> str:  # never show the token
        return f"MastodonSource({self.host!r}, tag={self.tag!r})"

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Backfill and stream until `stop` is set; raise SourceError on 401/403."""
        asyncio.run(run_until_stopped(self.follow(sink), stop))

    def _state(
        self, sink: SourceSink, state: str, detail: str = "", until: datetime | None = None
    ) -> None:
        sink.state(SourceState(self.name, state, detail, until))

    async def follow(self, sink: SourceSink) -> None:
        """The reconnect loop (runs until cancelled or the credentials are refused)."""
        headers = {"Authorization": f"Bearer {self._token}"}
        async with httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            transport=self.transport,
            timeout=self.timeout,
            follow_redirects=True,
        ) as client:
            while True:
                try:
                    if not self.info.loaded:
                        self._state(sink, "connecting", self.host)
                        await load_instance(client, self.info, self.clock)
                    self._state(sink, "backfilling", f"#{self.tag} on {self.host}")
                    await self.backfill(client, sink)
                    await self.stream(client, sink)
                    delay = self.backoff.next()
                    self._state(sink, "reconnecting", "stream closed by the server")
                except AuthFailed as exc:
                    self._state(sink, "failed", f"Mastodon {self.host} refused the token: {exc}")
                    raise SourceError(
                        f"Mastodon {self.host} refused the token ({exc}); check TCHAT_MASTODON_TOKEN"
                    ) from None
                except RateLimited as exc:
                    delay = max(0.0, (exc.until - self.clock()).total_seconds())
                    self._state(sink, "rate-limited", str(exc), exc.until)
                except Rejected as exc:
                    if exc.status == 404:  # wrong streaming host: ask the instance again
                        self.info.loaded = False
                    delay = self.backoff.next()
                    self._state(sink, "reconnecting", str(exc))
                except (httpx.HTTPError, Transient, SSEError, ValueError) as exc:
                    delay = self.backoff.next()
                    self._state(sink, "reconnecting", one_line(exc))
                await self.sleep(delay)

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


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
