"""How the live X source waits and resumes: timings, jittered backoff, cursors, snowflake times."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from tchat_tui.store.store import Store
from tchat_tui.xclient import STREAM_SILENCE

SOURCE_NAME = "x"
TWITTER_EPOCH_MS = 1288834974657
"""Snowflake ids carry their creation time: (id >> 22) + this, in milliseconds."""


@dataclass(frozen=True, slots=True)
class XTiming:
    """Every wait the source makes; tests shrink them to milliseconds."""

    silence: float = STREAM_SILENCE
    backoff_base: float = 1.0
    backoff_cap: float = 320.0
    poll_start: float = 15.0
    poll_min: float = 5.0
    poll_max: float = 60.0
    busy_poll: int = 50
    """A poll returning this many posts halves the interval; an empty one lengthens it."""
    rate_limit_default: float = 60.0
    """Wait when X says 429 without a reset time."""
    rate_limit_min: float = 1.0
    drain_every: float = 0.1
    backfill_margin: float = 5.0
    """Seconds before the cursor re-read on catch-up (the stream's order is only roughly by id)."""
    stable_after: float = 30.0
    """A connection that lived this long resets the backoff."""


class Backoff:
    """Exponential backoff with 'equal jitter': a wait between half and all of base * 2^n."""

    def __init__(self, base: float, cap: float, rng: random.Random) -> None:
        self.base, self.cap, self.rng = base, cap, rng
        self.failures = 0

    def next(self) -> float:
        """The wait before the next attempt."""
        ceiling = min(self.cap, self.base * (2**self.failures))
        self.failures += 1
        return self.rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """A success: start again from the base."""
        self.failures = 0


class Cursor(Protocol):
    """Where the source keeps the newest post id it has fully caught up to."""

    def get(self) -> str | None:
        """The stored cursor, or None."""

    def set(self, value: str) -> None:
        """Persist a new cursor."""


class StoreCursor:
    """The cursor in the chat database."""

    def __init__(self, store: Store, chat_id: int, source: str = SOURCE_NAME) -> None:
        self.store, self.chat_id, self.source = store, chat_id, source

    def get(self) -> str | None:
        """The stored since_id."""
        return self.store.get_cursor(self.chat_id, self.source)

    def set(self, value: str) -> None:
        """Persist the since_id."""
        self.store.set_cursor(self.chat_id, self.source, value)


class MemoryCursor:
    """A cursor that lives as long as the process (`record`)."""

    def __init__(self, value: str | None = None) -> None:
        self.value = value

    def get(self) -> str | None:
        """The current since_id."""
        return self.value

    def set(self, value: str) -> None:
        """Remember the since_id."""
        self.value = value


@dataclass(frozen=True, slots=True)
class Gap:
    """What a catch-up search must cover: posts after `since_id`, or since `start_time`."""

    since_id: str | None = None
    start_time: datetime | None = None


def snowflake_time(native_id: str) -> datetime | None:
    """When an X id was created (None for an id that is not a snowflake)."""
    try:
        ms = (int(native_id) >> 22) + TWITTER_EPOCH_MS
    except ValueError:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC) if ms > TWITTER_EPOCH_MS else None


def snowflake_before(native_id: str, seconds: float) -> str:
    """An id `seconds` older than `native_id` (to re-read a short overlap)."""
    value = int(native_id) - (int(seconds * 1000) << 22)
    return str(max(value, 1))


def _id_key(native_id: str) -> int:
    try:
        return int(native_id)
    except ValueError:
        return -1
