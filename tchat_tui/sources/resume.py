"""How a network source keeps going: jittered backoff, resume cursors, the ids already seen, and
the reconnect loop of the asyncio sources.

Mastodon and Bluesky use all of it; the X source, which runs tweepy in threads, uses the backoff
and the cursors.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from tchat_tui.clients.http import AuthFailed, Clock, RateLimited, Rejected, Transient, one_line
from tchat_tui.sources.base import SourceError, SourceSink, SourceState

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

Sleep = Callable[[float], Awaitable[None]]
"""How a source waits (asyncio.sleep live; a recorder in tests)."""
SEEN_LIMIT = 5000
"""How many recent post ids a source remembers to drop duplicates across reconnects."""


# --- waiting ---------------------------------------------------------------------------------


class Backoff:
    """Exponential backoff with jitter: the ceiling doubles from `base` up to `cap`, and each wait
    is drawn between `floor` times the ceiling and the ceiling; a success starts again.

    `floor` 0 is "full jitter" (Mastodon, Bluesky); 0.5 is "equal jitter" (X).
    """

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 60.0,
        rand: Callable[[], float] = random.random,
        *,
        floor: float = 0.0,
    ) -> None:
        self.base = base
        self.cap = cap
        self.rand = rand
        """A uniform draw in [0, 1) (random.random, or a Random instance's `random`)."""
        self.floor = floor
        self.attempt = 0
        """Failures since the last success."""

    def next(self) -> float:
        """The next wait in seconds (uniform in [floor * ceiling, ceiling])."""
        ceiling = min(self.cap, self.base * (1 << min(self.attempt, 30)))
        self.attempt += 1
        low = ceiling * self.floor
        return low + (ceiling - low) * self.rand()

    def reset(self) -> None:
        """A good event arrived: start from `base` again."""
        self.attempt = 0


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


# --- resuming --------------------------------------------------------------------------------


class Cursor(Protocol):
    """Where a source keeps its resume point (the store's cursors table in the app)."""

    def load(self) -> str | None:
        """The saved value, or None before the first run."""

    def save(self, value: str) -> None:
        """Persist a new value."""


class MemoryCursor:
    """A cursor kept in memory (tests, one-off runs such as `record`)."""

    def __init__(self, value: str | None = None) -> None:
        self.value = value

    def load(self) -> str | None:
        """The current value."""
        return self.value

    def save(self, value: str) -> None:
        """Remember a new value."""
        self.value = value


class StoreCursor:
    """A source's resume point in the chat database's cursors table."""

    def __init__(self, store: Store, chat_id: int, source: str) -> None:
        self.store = store
        self.chat_id = chat_id
        self.source = source

    def load(self) -> str | None:
        """The saved value, or None."""
        return self.store.get_cursor(self.chat_id, self.source)

    def save(self, value: str) -> None:
        """Persist a new value."""
        self.store.set_cursor(self.chat_id, self.source, value)


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


# --- the reconnect loop ----------------------------------------------------------------------


class ReconnectingSource:
    """An asyncio source following one tag from its worker thread: rounds of `once` with a wait
    between, a jittered backoff after an error, the reset time after a 429, and a stop
    (SourceError) when the credentials are refused."""

    name = "source"
    retry_on: tuple[type[Exception], ...] = (httpx.HTTPError, Transient, Rejected, ValueError)
    """Errors that end a round but not the source (a backoff, then another round)."""
    credentials_hint = "check the credentials"
    """How to fix refused credentials, ending the SourceError message."""

    def __init__(
        self, tag: str, cursor: Cursor | None, sleep: Sleep, rand: Callable[[], float], clock: Clock
    ) -> None:
        self.tag = tag.lstrip("#＃")
        self.cursor = cursor or MemoryCursor()
        self.sleep = sleep
        self.clock = clock
        self.backoff = Backoff(rand=rand)
        self.client: httpx.AsyncClient | None = None
        """The HTTP client of the current run (see `open_client`)."""

    def _state(
        self, sink: SourceSink, state: str, detail: str = "", until: datetime | None = None
    ) -> None:
        sink.state(SourceState(self.name, state, detail, until))

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Follow the tag until `stop` is set; raise SourceError when the credentials are refused."""
        asyncio.run(run_until_stopped(self.follow(sink), stop))

    def open_client(self) -> httpx.AsyncClient | None:
        """A client to keep open for the whole run (None: the source needs none)."""
        return None

    async def follow(self, sink: SourceSink) -> None:
        """Run `once` until cancelled or the credentials are refused, in `open_client()`."""
        client = self.open_client()
        if client is None:
            await self._rounds(sink)
            return
        async with client:
            self.client = client
            try:
                await self._rounds(sink)
            finally:
                self.client = None

    async def _rounds(self, sink: SourceSink) -> None:
        """Run `once` forever: waits between rounds, backs off on errors, stops on 401/403."""
        while True:
            try:
                delay = await self.once(sink)
            except AuthFailed as exc:
                detail, message = self.refused(exc)
                self._state(sink, "failed", detail)
                raise SourceError(message) from None
            except RateLimited as exc:
                delay = max(0.0, (exc.until - self.clock()).total_seconds())
                self._state(sink, "rate-limited", str(exc), exc.until)
            except self.retry_on as exc:
                delay = self.backoff.next()
                self._state(sink, "reconnecting", self.retry_detail(exc))
            await self.sleep(delay)

    async def once(self, sink: SourceSink) -> float:
        """One round; returns how long to wait before the next."""
        raise NotImplementedError

    def refused(self, exc: AuthFailed) -> tuple[str, str]:
        """The 'failed' state's detail and the SourceError message for refused credentials."""
        return str(exc), f"{exc}; {self.credentials_hint}"

    def retry_detail(self, exc: Exception) -> str:
        """What the 'reconnecting' state says about an error."""
        return one_line(exc)
