"""The screen's priority over background ingestion (no Textual here).

The console's pipeline runs in a source thread and shares the interpreter lock with the screen.
During a flood it holds the lock most of the time, so a keystroke waited behind it: the key was
handled, then painted, in slices between the pipeline's own. `Foreground` lets the screen claim a
short window after each input event; the pipeline steps aside at its next checkpoint (a sleep
releases the lock) and catches up after. Nothing is dropped: posts wait in the source's batch.
"""

from __future__ import annotations

import time

HOLD_SECONDS = 0.03
"""How long the pipeline steps aside after an input event (a key's handling and its frame)."""

MAX_WAIT_SECONDS = 0.05
"""The longest one checkpoint waits, so a held key (auto-repeat) cannot stop ingestion: after
each wait the pipeline processes at least one more step before it can wait again."""


class Foreground:
    """A claim by the screen on the next few milliseconds (thread-safe: one float, set whole)."""

    def __init__(self) -> None:
        self._until = 0.0
        self.waited = 0.0
        """Seconds the pipeline spent stepping aside (for the benchmark and tests)."""

    def touch(self, seconds: float = HOLD_SECONDS) -> None:
        """The host just pressed a key or used the mouse: claim the next `seconds`."""
        self._until = time.monotonic() + seconds

    def claimed(self) -> bool:
        """Whether the screen's claim is running now."""
        return time.monotonic() < self._until

    def step_aside(self) -> None:
        """Called by background work between steps: sleep while the screen's claim runs."""
        until = self._until
        if not until:
            return
        now = time.monotonic()
        if now >= until:
            return
        deadline = now + MAX_WAIT_SECONDS
        started = now
        while now < until and now < deadline:
            time.sleep(min(until, deadline) - now)
            now = time.monotonic()
            until = self._until
        self.waited += now - started
