"""Bluesky live: Jetstream carries every new post of the network; we keep those with the tag,
and look up their authors' handles through the user's PDS.

A connection with a cursor replays what came after it, then goes on live, in one stream: so each
reconnect asks from the newest event seen (a little earlier; duplicates are dropped by AT-URI),
or, before any event, from when the source first tried to connect, or from the chat's start. The
address is a setting (`TCHAT_BLUESKY_JETSTREAM`: one URL or a comma list, see
`jetstream_endpoints`); a connection that fails before its first event moves on to the next
instance in the list, in order, the cursor with it.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import httpx
from websockets.exceptions import WebSocketException

from tchat_tui.clients.bluesky.facets import has_hashtag
from tchat_tui.clients.bluesky.records import POST_COLLECTION, commit_to_post, post_uri
from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, xrpc
from tchat_tui.clients.http import (
    CALL_FAILURES,
    DEFAULT_TIMEOUT,
    Clock,
    Transient,
    loads_clean,
    one_line,
)
from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Network, Post, make_key
from tchat_tui.sources.base import SourceSink
from tchat_tui.sources.bluesky.rounds import BlueskyRounds
from tchat_tui.sources.resume import Cursor, SeenIds, Sleep

JETSTREAMS = (
    "wss://jetstream2.us-east.bsky.network/subscribe",
    "wss://jetstream1.us-east.bsky.network/subscribe",
    "wss://jetstream1.us-west.bsky.network/subscribe",
    "wss://jetstream2.us-west.bsky.network/subscribe",
)
"""Bluesky's public Jetstream instances, in the order they are tried."""
SETTING = "TCHAT_BLUESKY_JETSTREAM"
INSTANCE = "jetstream"
"""The `instance` of a post the live feed delivered."""
MAX_REPLAY = timedelta(minutes=15)
"""The furthest back a first connection replays to reach the chat's start: Jetstream carries the
whole network, so an older start is left to the search (which pages back to it)."""
Messages = AsyncIterator[str]
Connector = Callable[[str], AbstractAsyncContextManager[Messages]]
"""Opens a WebSocket URL and yields its text messages (websockets live, a list in tests)."""
ProfileLookup = Callable[[list[str]], Awaitable[dict[str, tuple[str, str]]]]
"""DIDs -> {did: (handle, display name)}; missing DIDs stay unknown."""

_TIME_US = re.compile(r'"time_us"\s*:\s*(\d+)')


class JetstreamAddressError(TchatError, ValueError):
    """The Jetstream setting is not a list of WebSocket URLs."""


def jetstream_endpoints(value: str | None) -> tuple[str, ...]:
    """The instances to try, in order, from the setting: one URL or a comma list; a bare host
    means `wss://HOST/subscribe`, a URL without a path gets `/subscribe`. Empty: the public ones.

    Raises:
        JetstreamAddressError: an entry is not a ws(s):// URL (one line naming the setting).
    """
    found: list[str] = []
    for item in (value or "").split(","):
        entry = item.strip()
        if not entry:
            continue
        url = entry if "://" in entry else f"wss://{entry}"
        try:
            parts = urlsplit(url)
            usable = parts.scheme in ("ws", "wss") and bool(parts.hostname) and parts.port != 0
        except ValueError:  # a bad port or IPv6 address
            usable = False
        if not usable or parts.query or parts.fragment:
            raise JetstreamAddressError(
                f"{SETTING} must be ws:// or wss:// URLs separated by commas, like"
                f" {JETSTREAMS[0]}; not {entry!r}"
            )
        if parts.path in ("", "/"):
            url = f"{url.rstrip('/')}/subscribe"
        if url not in found:
            found.append(url)
    return tuple(found) or JETSTREAMS


@asynccontextmanager
async def websocket_messages(url: str) -> AsyncIterator[Messages]:
    """Text messages of a WebSocket (the `websockets` package)."""
    from websockets.asyncio.client import connect

    async with connect(url, open_timeout=10, ping_interval=20, max_size=1 << 22) as ws:

        async def messages() -> Messages:
            async for message in ws:
                yield message if isinstance(message, str) else message.decode("utf-8", "replace")

        yield messages()


def profile_lookup(
    auth: BlueskyAuth, transport: httpx.AsyncBaseTransport | None = None
) -> ProfileLookup:
    """Handles and names through `app.bsky.actor.getProfiles` on the user's PDS (25 at a time)."""

    async def lookup(dids: list[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        async with httpx.AsyncClient(transport=transport, timeout=DEFAULT_TIMEOUT) as client:
            for i in range(0, len(dids), 25):
                data = await xrpc(
                    client,
                    auth,
                    "GET",
                    "app.bsky.actor.getProfiles",
                    params={"actors": dids[i : i + 25]},
                )
                for profile in data.get("profiles") or []:
                    handle = str(profile.get("handle") or profile["did"])
                    found[str(profile["did"])] = (handle, str(profile.get("displayName") or handle))
        return found

    return lookup


class JetstreamSource(BlueskyRounds):
    """The live feed: Jetstream carries every new post; we keep those with the tag.

    Resumes from the saved `time_us` cursor (rewound a little; duplicates are dropped by AT-URI);
    see the module docstring for the first connection and the fallback across instances.
    """

    name = "bluesky-live"

    def __init__(
        self,
        tag: str,
        *,
        cursor: Cursor | None = None,
        known: SeenIds | None = None,
        connect: Connector = websocket_messages,
        profiles: ProfileLookup | None = None,
        endpoint: str | Sequence[str] = JETSTREAMS,
        start: datetime | None = None,
        rewind_us: int = 5_000_000,
        save_every_us: int = 5_000_000,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(tag, cursor, known, sleep, rand, clock)
        self._needle = self.tag.casefold() if self.tag.isascii() else ""
        self.connect = connect
        self.profiles = profiles
        self.endpoints = (endpoint,) if isinstance(endpoint, str) else tuple(endpoint)
        """The instances to try, in order; `current` indexes the one in use."""
        if not self.endpoints:
            raise JetstreamAddressError("no Jetstream instance to connect to")
        self.current = 0
        self.start = start
        """When the chat starts: a first run replays from there (at most MAX_REPLAY back)."""
        self.floor_us: int | None = None
        """Where a connection replays from while no event has arrived and no cursor was saved:
        the chat's start, else when the source first tried to connect (so a first connection
        that fails, or ends, before its first event leaves no gap)."""
        self.rewind_us = rewind_us
        self.save_every_us = save_every_us
        self.last_time_us: int | None = None
        self._saved_us = 0
        self._names: dict[str, tuple[str, str]] = {}
        self.connects = 0

    @property
    def endpoint(self) -> str:
        """The instance in use."""
        return self.endpoints[self.current]

    def url(self) -> str:
        """The subscribe URL: post records only, from the saved cursor minus the rewind (else
        from `floor_us`; with neither, live from now)."""
        query: dict[str, str] = {"wantedCollections": POST_COLLECTION}
        last = self.last_time_us
        if last is None:
            saved = self.cursor.load()
            last = int(saved) if saved and saved.isdigit() else None
        if last is None:
            last = self.floor_us
        if last is not None:
            query["cursor"] = str(max(0, last - self.rewind_us))
        return f"{self.endpoint}?{urlencode(query)}"

    def start_us(self) -> int | None:
        """The chat's start in microseconds, no later than now and no further back than MAX_REPLAY."""
        if self.start is None:
            return None
        now = self.clock()
        start = min(max(self.start, now - MAX_REPLAY), now)
        return int(start.timestamp() * 1_000_000)

    async def once(self, sink: SourceSink) -> float:
        """One connection: read messages until it drops; then wait a jittered backoff.

        A connection that fails or ends before its first message moves on to the next instance
        at once; after a whole round of the list, the backoff applies.
        """
        first = self.floor_us is None
        if first:
            self.floor_us = self.start_us()  # None: the first connection is live from now
        url = self.url()
        if first and self.floor_us is None:
            self.floor_us = int(self.clock().timestamp() * 1_000_000)
        self._state(sink, "connecting", f"Bluesky Jetstream {self._host()}")
        received = False
        try:
            async with self.connect(url) as messages:
                self.connects += 1
                self._state(sink, "live", f"#{self.tag} on Bluesky (Jetstream)")
                async for message in messages:
                    received = True
                    post = self.handle_message(message, sink)
                    if post is not None:
                        sink.posts([await self._named(post)])
                    self.backoff.reset()
        except (WebSocketException, OSError, TimeoutError, EOFError) as exc:
            if received or len(self.endpoints) == 1:
                raise Transient(one_line(exc)) from None
            return self._next_instance(sink, one_line(exc))
        finally:
            self._save(force=True)
        if not received and len(self.endpoints) > 1:
            return self._next_instance(sink, "closed before any event")
        self._state(sink, "reconnecting", "Jetstream closed the connection")
        return self.backoff.next()

    def _next_instance(self, sink: SourceSink, why: str) -> float:
        """Move on to the next instance: at once, unless the whole list has just failed."""
        failed = self._host()
        self.current = (self.current + 1) % len(self.endpoints)
        if self.current == 0:
            raise Transient(f"every Jetstream instance failed, the last {failed}: {why}")
        self._state(sink, "reconnecting", f"Jetstream {failed}: {why}; trying {self._host()}")
        return 0.0

    def _host(self) -> str:
        return urlsplit(self.endpoint).netloc or self.endpoint

    def handle_message(self, message: str, sink: SourceSink) -> Post | None:
        """One Jetstream event: a new post with the tag comes back; edits and deletes go to the sink."""
        # Most of the network's posts are not ours: skip them without parsing the JSON.
        if self._needle and '"delete"' not in message and self._needle not in message.casefold():
            found = _TIME_US.search(message)
            if found:
                self._advance(int(found.group(1)))
            return None
        try:
            event = loads_clean(message)
            time_us = int(event["time_us"])
        except (ValueError, KeyError, TypeError):
            sink.malformed(1, "Jetstream message that is not an event")
            return None
        self._advance(time_us)
        commit = event.get("commit")
        if event.get("kind") != "commit" or not isinstance(commit, dict):
            return None
        if commit.get("collection") != POST_COLLECTION:
            return None
        did = str(event.get("did") or "")
        uri = post_uri(did, commit.get("rkey"))
        operation = commit.get("operation")
        if operation == "delete":
            if uri in self.known:
                sink.deleted(make_key(Network.BLUESKY, uri))
            return None
        record = commit.get("record")
        if not isinstance(record, dict):
            return None
        text = record.get("text")
        if not isinstance(text, str) or not has_hashtag(
            text, record.get("facets"), record.get("tags"), self.tag
        ):
            return None
        try:
            handle, name = self._names.get(did, (did, did))
            post = commit_to_post(event, handle=handle, name=name, instance=INSTANCE, raw=message)
        except (KeyError, ValueError, TypeError):
            sink.malformed(1, "Jetstream post record without the expected fields")
            return None
        if operation == "update":
            sink.edited(post)
            return None
        if operation != "create" or not self.known.add(uri):
            return None
        self._save(force=True)
        return post

    async def _named(self, post: Post) -> Post:
        """The post with its author's handle and name (looked up once per DID)."""
        did = post.author_id
        if did not in self._names and self.profiles is not None:
            try:
                self._names.update(await self.profiles([did]))
            except CALL_FAILURES:
                pass  # the DID stands in for the handle
        handle, name = self._names.get(did, (did, did))
        if handle == post.author_handle:
            return post
        return replace(post, author_handle=handle, author_name=name)

    def _advance(self, time_us: int) -> None:
        if self.last_time_us is None or time_us > self.last_time_us:
            self.last_time_us = time_us
        self._save()

    def _save(self, force: bool = False) -> None:
        last = self.last_time_us
        if last is None:
            return
        if force or last - self._saved_us >= self.save_every_us:
            self.cursor.save(str(last))
            self._saved_us = last
