"""How the live X source waits and resumes: timings, jittered backoff, cursors, snowflake times.

The backoff is `tchat_tui.sources.resume`'s, with X's own jitter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tchat_tui.clients.x.api import STREAM_SILENCE
from tchat_tui.sources.resume import Backoff

if TYPE_CHECKING:
    pass

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


class XBackoff(Backoff):
    """X's backoff: "equal jitter", a wait between half and all of base * 2^n, from `rng`."""

    def __init__(self, base: float, cap: float, rng: random.Random) -> None:
        super().__init__(base, cap, rng.random, floor=0.5)

    @classmethod
    def of(cls, timing: XTiming, rng: random.Random) -> XBackoff:
        """A fresh backoff with the source's timings."""
        return cls(timing.backoff_base, timing.backoff_cap, rng)


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
