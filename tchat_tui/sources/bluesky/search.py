"""Bluesky by search: `app.bsky.feed.searchPosts` polled through the user's PDS, resuming from
the newest time seen (a little earlier, deduplicated by AT-URI).

The cursor is saved from the first poll on, found or not: an empty first search records where
the chat starts (its start time, else the time of the poll), so the next ones page back to it
instead of reading one page as a first run would. A poll pages back until it meets a post an
earlier poll of its own returned: a post the live feed (Jetstream) delivered meanwhile is
dropped as a duplicate, but says nothing of the older ones, so it does not end the catch-up.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from tchat_tui.clients.bluesky.records import post_view_to_post
from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, xrpc
from tchat_tui.clients.http import DEFAULT_TIMEOUT, Clock, parse_time
from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceSink
from tchat_tui.sources.bluesky.rounds import BlueskyRounds
from tchat_tui.sources.resume import Cursor, SeenIds, Sleep


def _sort_at(view: Mapping[str, Any]) -> str:
    """What `since` compares with: the earlier of createdAt and indexedAt (ISO, UTC)."""
    times = [view.get("indexedAt"), (view.get("record") or {}).get("createdAt")]
    parsed = []
    for value in times:
        try:
            parsed.append(parse_time(str(value)))
        except ValueError:
            continue
    return min(parsed).isoformat(timespec="milliseconds").replace("+00:00", "Z") if parsed else ""


class BlueskySearchSource(BlueskyRounds):
    """Polls `app.bsky.feed.searchPosts?q=#tag&sort=latest` through the user's PDS."""

    def __init__(
        self,
        auth: BlueskyAuth,
        tag: str,
        *,
        cursor: Cursor | None = None,
        known: SeenIds | None = None,
        interval: float = 15.0,
        rewind: timedelta = timedelta(minutes=2),
        page_limit: int = 50,
        max_pages: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Clock = lambda: datetime.now(UTC),
        start: datetime | None = None,
    ) -> None:
        super().__init__(tag, cursor, known, sleep, rand, clock)
        self.start = start
        """When the chat starts: the first poll pages back to it (None: one page of history)."""
        self.polled = SeenIds()
        """AT-URIs this source's own polls returned: where a later poll may stop paging."""
        self.auth = auth
        self.interval = interval
        self.rewind = rewind
        self.page_limit = page_limit
        self.max_pages = max_pages
        self.transport = transport
        self.timeout = timeout
        self.polls = 0

    def open_client(self) -> httpx.AsyncClient:
        """One client for the whole run (the PDS can change at login, so no base URL)."""
        return httpx.AsyncClient(transport=self.transport, timeout=self.timeout)

    async def once(self, sink: SourceSink) -> float:
        """Poll once and deliver what is new; wait `interval` (with a little jitter) after."""
        assert self.client is not None
        if self.polls == 0:
            self._state(sink, "backfilling", f"#{self.tag} on Bluesky")
        await self.poll(self.client, sink)
        self.polls += 1
        self.backoff.reset()
        self._state(sink, "live", f"#{self.tag} on Bluesky (search every {self.interval:g} s)")
        return self.interval * (0.9 + 0.2 * self.backoff.rand())

    async def poll(self, client: httpx.AsyncClient, sink: SourceSink) -> int:
        """Fetch the newest posts after the cursor (a little earlier, deduplicated by AT-URI)."""
        polled_at = self.clock()
        saved = self.cursor.load()
        floor = saved or self._start_floor(polled_at)
        params: dict[str, Any] = {"q": f"#{self.tag}", "sort": "latest", "limit": self.page_limit}
        if floor:
            since = parse_time(floor) - self.rewind
            params["since"] = _iso(since)
        host = urlsplit(self.auth.pds).netloc or self.auth.pds
        fresh: list[Post] = []
        newest = floor or ""
        bad = 0
        this_poll: set[str] = set()
        for _ in range(self.max_pages if floor else 1):
            data = await xrpc(client, self.auth, "GET", "app.bsky.feed.searchPosts", params=params)
            views = data.get("posts") or []
            reached_polled = False
            for view in views:
                try:
                    post = post_view_to_post(view, host)
                except (KeyError, ValueError, TypeError):
                    bad += 1
                    continue
                sort_at = _sort_at(view)
                if sort_at and (not newest or parse_time(sort_at) > parse_time(newest)):
                    newest = sort_at
                # a page may repeat the one before (new posts push the offsets down): only a
                # post an earlier poll returned means the rest was read then
                if post.native_id in self.polled and post.native_id not in this_poll:
                    reached_polled = True
                this_poll.add(post.native_id)
                if self.known.add(post.native_id):
                    fresh.append(post)
            next_cursor = data.get("cursor")
            if reached_polled or not next_cursor or len(views) < self.page_limit:
                break
            params["cursor"] = next_cursor
        for uri in this_poll:
            self.polled.add(uri)
        if bad:
            sink.malformed(bad, "Bluesky search result without the expected fields")
        if fresh:
            fresh.sort(key=lambda p: p.created_at)
            sink.posts(fresh)
        if not newest:
            newest = _iso(polled_at)  # nothing yet: the chat starts no later than this poll
        if newest != saved:
            self.cursor.save(newest)
        return len(fresh)

    def _start_floor(self, now: datetime) -> str | None:
        """Where a first poll pages back to: the chat's start, never later than now."""
        if self.start is None:
            return None
        return _iso(min(self.start.astimezone(UTC), now))


def _iso(moment: datetime) -> str:
    """A time as searchPosts writes them (UTC, milliseconds, Z)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
