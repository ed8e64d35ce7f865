"""Who has the chat open: the session's heartbeat row, renewed every few seconds.

Without `--join` there is one console per chat (a second one is refused). A joined console's row
says `joined`: it follows the database, and when the reader (the console that reads the networks
and sends the outbox) is gone, the first joined console to notice takes the reading over: the
reader's row is its lease.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tchat_tui.store.consoles import (
    BEAT_SECONDS,
    ConsoleRow,
    in_use_error,
    new_owner,
    this_host,
)

if TYPE_CHECKING:
    from tchat_tui.store.database import Store

TAKEOVER_CHECK = 0.5
"""How often a joined console looks whether the reader is still there."""


class Heartbeat:
    """This session's row in `consoles`: written at open (refused if another console holds the
    chat, unless joining), renewed every `BEAT_SECONDS` once the console runs, removed at
    shutdown. A joined console's beat also watches the reader (`on_reading`)."""

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], float] = time.time,
        join: bool = False,
        moderator: str = "",
        joinable: bool = False,
    ) -> None:
        self.store = store
        self.owner = new_owner()
        """The console's id; its outbox claims rows under the same one."""
        self.now = now
        self.join = join
        self.joinable = joinable
        """A refusal says how to join (a console; not an import)."""
        self.moderator = moderator
        self.reading = not join
        """Whether this console reads the networks and sends the outbox."""
        self.joined_reader: ConsoleRow | None = None
        """The reader a joined console found when it joined (None: none was running)."""
        self.on_reading: Callable[[], None] | None = None
        """Called in the heartbeat's thread when a joined console has taken the reading over."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self) -> None:
        """Write the row, or raise ChatInUse (one line) naming the console that holds the chat."""
        if self.join:
            self.joined_reader = self.store.join_console(
                self.owner, os.getpid(), this_host(), self.now(), self.moderator
            )
            if self.reading:  # it had taken the reading over before its row went (a sleep)
                self.store.take_reading(self.owner, self.now())
            return
        holder = self.store.register_console(self.owner, os.getpid(), this_host(), self.now())
        if holder is not None:
            raise in_use_error(holder, joinable=self.joinable)

    def start(self) -> None:
        """Beat in a thread until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        beat_at = time.monotonic()
        while not self._stop.wait(TAKEOVER_CHECK if not self.reading else BEAT_SECONDS):
            try:
                if not self.reading:
                    self._watch_reader()
                if self.reading or time.monotonic() - beat_at >= BEAT_SECONDS:
                    beat_at = time.monotonic()
                    if not self.store.console_beat(self.owner, self.now()):
                        self.register()  # removed as stale (the machine slept): take it back
            except Exception:  # the database closed at shutdown, or another console took over
                if self._stop.is_set() or self.reading:
                    return  # (a joined console's watch goes on after a busy moment)

    def _watch_reader(self) -> None:
        """Take the reading over when no live console reads (one of the joined ones wins)."""
        now = self.now()
        if self.store.reading_console(now) is not None:
            return
        if self.store.take_reading(self.owner, now):
            self.reading = True
            if self.on_reading is not None:
                self.on_reading()

    def stop(self) -> None:
        """Stop beating and remove the row (the console closes)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(BEAT_SECONDS + 1.0)
        try:
            self.store.leave_console(self.owner)
        except Exception:  # closing anyway: a row left behind goes stale
            pass
