"""What the network clients share: jittered backoff, resume cursors, rate-limit reset times,
error classification for httpx replies, and the reconnect loop of the asyncio sources.

Mastodon and Bluesky (sources and publishers) use all of it; the X source, which runs tweepy in
threads, uses the backoff and the cursors.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from tchat_tui.domain.errors import TchatError
from tchat_tui.sources.base import SourceError, SourceSink, SourceState

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

Sleep = Callable[[float], Awaitable[None]]
"""How a client waits (asyncio.sleep live; a recorder in tests)."""
Clock = Callable[[], datetime]

DEFAULT_TIMEOUT = httpx.Timeout(10.0, read=60.0)
"""Connect/write 10 s; read 60 s, longer than Mastodon's 15 s heartbeat, so a stall is noticed."""
SEEN_LIMIT = 5000
"""How many recent post ids a source remembers to drop duplicates across reconnects."""


# --- failures --------------------------------------------------------------------------------


class AuthFailed(TchatError):
    """401/403: the network refused the credentials; retrying cannot help."""


class RateLimited(TchatError):
    """429: wait until `until`."""

    def __init__(self, until: datetime, detail: str = "") -> None:
        super().__init__(detail or f"rate-limited until {until:%H:%M:%S}")
        self.until = until


class Transient(TchatError):
    """A failure worth retrying after a backoff (5xx, dropped connection, garbled reply)."""


class Rejected(TchatError):
    """The network refused the request itself (4xx other than 401/403/429): do not retry."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


CALL_FAILURES: tuple[type[Exception], ...] = (
    httpx.HTTPError,
    AuthFailed,
    RateLimited,
    Rejected,
    Transient,
    ValueError,
    KeyError,
)
"""Every way one request can fail, a garbled reply included (for best-effort calls)."""


def one_line(exc: BaseException) -> str:
    """An exception as one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def parse_time(value: str) -> datetime:
    """An ISO 8601 time ('Z' or offset) as an aware UTC datetime."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


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
