"""Sends in their undo window: Enter (or `t`) holds a send for a few seconds before the outbox.

A held send is only in memory: it was not accepted yet. The outbox never sees it until its
window ends, so a crash or a kill during the window sends nothing (and nothing needs repairing);
ctrl+z cancels the newest one and gives a draft back to the composer. Once the window ends, the
send goes to the outbox exactly as an immediate send does (its rows, then the worker).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_UNDO_SECONDS = 5.0
"""How long a send waits before it goes to the outbox, unless the plan or `--undo` says."""
CANCEL_KEY = "ctrl+z"
"""The key that cancels the newest held send (shown beside the countdown)."""


@dataclass
class PendingSend:
    """One send waiting out its window."""

    what: str
    """What it is, for the host: `reply to @ana`, `post`, `retweet of @ana`."""
    due: float
    """When it goes to the outbox (the holder's clock)."""
    send: Callable[[], object]
    """Hands it to the outbox (called once, when the window ends or on `release_all`)."""
    cancelled: Callable[[], object] | None = None
    """What cancelling does besides dropping it (a draft goes back to the composer)."""
    key: str = ""
    """What it sends on (a retweet's post key), to refuse the same retweet twice in a window."""
    order: int = field(default=0)


class PendingSends:
    """The sends in their undo window, oldest first.

    `seconds` 0 turns the window off: `hold` then sends at once. `now` is the clock (monotonic
    seconds; tests pass their own).
    """

    def __init__(
        self, seconds: float = DEFAULT_UNDO_SECONDS, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = max(0.0, float(seconds))
        self.now = now
        self.held: list[PendingSend] = []
        self._made = 0
        self._paused_at: float | None = None

    def pause(self) -> None:
        """Stop the clocks of the held sends (the quit question is asked about them)."""
        if self._paused_at is None:
            self._paused_at = self.now()

    def resume(self) -> None:
        """Start the clocks again where they stopped (the host stayed)."""
        if self._paused_at is not None:
            stopped = self.now() - self._paused_at
            for p in self.held:
                p.due += stopped
            self._paused_at = None

    def __len__(self) -> int:
        return len(self.held)

    def hold(
        self,
        what: str,
        send: Callable[[], object],
        cancelled: Callable[[], object] | None = None,
        key: str = "",
    ) -> PendingSend | None:
        """Hold a send for the window; with no window it is sent now and None returned."""
        if self.seconds <= 0:
            send()
            return None
        self._made += 1
        pending = PendingSend(what, self.now() + self.seconds, send, cancelled, key, self._made)
        self.held.append(pending)
        return pending

    def holds_key(self, key: str) -> bool:
        """Whether a held send is on `key` (a retweet of that post waits already)."""
        return bool(key) and any(p.key == key for p in self.held)

    def release_due(self) -> list[PendingSend]:
        """Send every held send whose window ended (oldest first); return them. None while
        paused."""
        if self._paused_at is not None:
            return []
        now = self.now()
        due = [p for p in self.held if p.due <= now]
        for p in due:
            self.held.remove(p)
            p.send()
        return due

    def release_all(self) -> list[PendingSend]:
        """Send every held send now (the host chose to send them on quitting)."""
        self._paused_at = None
        due, self.held = self.held, []
        for p in due:
            p.send()
        return due

    def cancel_newest(self) -> PendingSend | None:
        """Cancel the newest held send (None when there is none); its `cancelled` runs."""
        if not self.held:
            return None
        pending = self.held.pop()
        if pending.cancelled is not None:
            pending.cancelled()
        return pending

    def drop_all(self) -> list[PendingSend]:
        """Forget every held send (quitting without sending them); return them."""
        self._paused_at = None
        dropped, self.held = self.held, []
        return dropped

    def status(self) -> str:
        """The composer's line for the newest held send (the one ctrl+z cancels): `reply to
        @ana: sending in 4 s · ctrl+z cancel`, `· 2 pending` when several; '' when none."""
        if not self.held:
            return ""
        newest = self.held[-1]
        now = self.now() if self._paused_at is None else self._paused_at
        left = max(0, math.ceil(newest.due - now))
        count = f" · {len(self.held)} pending" if len(self.held) > 1 else ""
        return f"{newest.what}: sending in {left} s · {CANCEL_KEY} cancel{count}"
