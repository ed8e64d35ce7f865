"""Bluesky live: Jetstream carries every new post of the network; we keep those with the tag,
and look up their authors' handles through the user's PDS.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
from websockets.exceptions import WebSocketException

from tchat_tui.clients.bluesky.facets import has_hashtag
from tchat_tui.clients.bluesky.records import POST_COLLECTION, record_to_post
from tchat_tui.clients.bluesky.xrpc import BlueskyAuth, xrpc
from tchat_tui.clients.http import CALL_FAILURES, DEFAULT_TIMEOUT, Clock, Transient, one_line
from tchat_tui.domain.post import Network, Post, make_key
from tchat_tui.sources.base import SourceSink
from tchat_tui.sources.bluesky.rounds import BlueskyRounds
from tchat_tui.sources.resume import Cursor, SeenIds, Sleep

JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"
Messages = AsyncIterator[str]
Connector = Callable[[str], AbstractAsyncContextManager[Messages]]
"""Opens a WebSocket URL and yields its text messages (websockets live, a list in tests)."""
ProfileLookup = Callable[[list[str]], Awaitable[dict[str, tuple[str, str]]]]
"""DIDs -> {did: (handle, display name)}; missing DIDs stay unknown."""

_TIME_US = re.compile(r'"time_us"\s*:\s*(\d+)')


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

    Resumes from the saved `time_us` cursor (rewound a little; duplicates are dropped by AT-URI).
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
        endpoint: str = JETSTREAM,
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
        self.endpoint = endpoint
        self.rewind_us = rewind_us
        self.save_every_us = save_every_us
        self.last_time_us: int | None = None
        self._saved_us = 0
        self._names: dict[str, tuple[str, str]] = {}
        self.connects = 0

    def url(self) -> str:
        """The subscribe URL: post records only, from the saved cursor minus the rewind."""
        query: dict[str, str] = {"wantedCollections": POST_COLLECTION}
        last = self.last_time_us
        if last is None:
            saved = self.cursor.load()
            last = int(saved) if saved and saved.isdigit() else None
        if last is not None:
            query["cursor"] = str(max(0, last - self.rewind_us))
        return f"{self.endpoint}?{urlencode(query)}"

    async def once(self, sink: SourceSink) -> float:
        """One connection: read messages until it drops; then wait a jittered backoff."""
        url = self.url()
        self._state(sink, "connecting", "Bluesky Jetstream")
        try:
            async with self.connect(url) as messages:
                self.connects += 1
                self._state(sink, "live", f"#{self.tag} on Bluesky (Jetstream)")
                async for message in messages:
                    post = self.handle_message(message, sink)
                    if post is not None:
                        sink.posts([await self._named(post)])
                    self.backoff.reset()
        except (WebSocketException, OSError, TimeoutError, EOFError) as exc:
            raise Transient(one_line(exc)) from None
        finally:
            self._save(force=True)
        self._state(sink, "reconnecting", "Jetstream closed the connection")
        return self.backoff.next()

    def handle_message(self, message: str, sink: SourceSink) -> Post | None:
        """One Jetstream event: a new post with the tag comes back; edits and deletes go to the sink."""
        # Most of the network's posts are not ours: skip them without parsing the JSON.
        if self._needle and '"delete"' not in message and self._needle not in message.casefold():
            found = _TIME_US.search(message)
            if found:
                self._advance(int(found.group(1)))
            return None
        try:
            event = json.loads(message)
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
        uri = f"at://{did}/{POST_COLLECTION}/{commit.get('rkey')}"
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
            post = record_to_post(
                uri,
                record,
                did=did,
                handle=handle,
                name=name,
                seen_at=datetime.fromtimestamp(time_us / 1_000_000, UTC),
                instance="jetstream",
                raw=message,
            )
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
