"""The chat's time: the wall clock live, the recording's own time in a replay."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta


class ChatClock:
    """The chat's time: the wall clock live, the recording's own time in a replay."""

    def __init__(self, wall: Callable[[], datetime], speed: float | None = None) -> None:
        self._wall = wall
        self.speed = speed
        self._origin: datetime | None = None
        self._mono0 = 0.0
        self._latest: datetime | None = None
        self._settled: tuple[datetime, datetime] | None = None
        """(chat time, wall time) when the recording ended, once it has."""

    def observe(self, created_at: datetime) -> None:
        """A replayed post arrived: anchor or advance the replay clock."""
        if self.speed is None:
            return
        if self._origin is None:
            self._origin = created_at
            self._mono0 = time.monotonic()
        if self._latest is None or created_at > self._latest:
            self._latest = created_at

    def rebase(self, at: datetime) -> None:
        """Make `at` the chat time now (a resumed replay goes on from there)."""
        if self.speed is not None:
            self._origin = at
            self._mono0 = time.monotonic()

    def settle(self) -> None:
        """The recording ended: from its last post on, the chat's time runs at real time (a
        post the host sends afterwards is stamped a moment after the chat, not hours later at
        the replay's speed)."""
        if self.speed is None or self._origin is None or self._settled is not None:
            return
        # Measured on the wall clock from here on (a frozen one in tests stays frozen).
        self._settled = (self._latest or self.now(), self._wall())
        self.speed = 1.0

    def now(self) -> datetime:
        """The current chat time."""
        if self.speed is None or self._origin is None:
            return self._wall()
        if self._settled is not None:
            chat, wall = self._settled
            settled = chat + (self._wall() - wall)
            # A post arriving afterwards (another source) still moves the chat's time on.
            return max(settled, self._latest) if self._latest is not None else settled
        if self.speed <= 0:
            return self._latest or self._origin
        return self._origin + timedelta(seconds=(time.monotonic() - self._mono0) * self.speed)
