"""Follow a hashtag on one Mastodon instance: the SSE hashtag stream, with a REST backfill
after every (re)connect.

The stream is opened first and read only once the backfill is done (its events wait in the
connection meanwhile): a status published while the backfill runs is on the stream, so no status
falls between the two; the ones in both are dropped by uri.

The API it reads (instance document, Statuses as Posts, ids) is `tchat_tui.clients.mastodon.api`;
the reconnect loop shared with Bluesky is `tchat_tui.sources.resume`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from httpx_sse import EventSource, SSEError, aconnect_sse

from tchat_tui.clients.http import (
    DEFAULT_TIMEOUT,
    AuthFailed,
    Clock,
    Rejected,
    Transient,
    loads_clean,
    one_line,
    raise_for,
    response_json,
)
from tchat_tui.clients.mastodon.api import (
    InstanceInfo,
    base_url,
    edit_to_post,
    host_of,
    id_order,
    load_instance,
    rewind_id,
    status_to_post,
)
from tchat_tui.domain.post import Network, Post, make_key
from tchat_tui.sources.base import SourceSink
from tchat_tui.sources.resume import Cursor, ReconnectingSource, SeenIds, Sleep


class MastodonSource(ReconnectingSource):
    """The hashtag on one instance: the SSE stream opened, a backfill over REST, then the stream
    read, forever."""

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
        """Open the stream, backfill, then read the stream until the server closes it; then wait
        a jittered backoff."""
        client = self.client
        assert client is not None
        try:
            if not self.info.loaded:
                self._state(sink, "connecting", self.host)
                await load_instance(client, self.info, self.clock)
            async with self.open_stream(client) as source:
                self._state(sink, "backfilling", f"#{self.tag} on {self.host}")
                await self.backfill(client, sink)
                self.connects += 1
                self._state(sink, "live", f"#{self.tag} on {self.host}")
                async for event in source.aiter_sse():
                    self.handle_event(event.event, event.data, sink)
                    self.backoff.reset()
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
            page = response_json(response)
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

    @asynccontextmanager
    async def open_stream(self, client: httpx.AsyncClient) -> AsyncIterator[EventSource]:
        """The hashtag stream, connected (its events are not read yet); errors propagate."""
        url = f"{self.info.streaming_url or self.base_url}/api/v1/streaming/hashtag"
        async with aconnect_sse(client, "GET", url, params={"tag": self.tag}) as source:
            response = source.response
            if response.status_code >= 300:
                await response.aread()
                raise_for(response, self.clock())
            yield source

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
            status = loads_clean(data)
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
