"""One console per chat: the open session's heartbeat row, renewed every few seconds."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tchat_tui.store.consoles import BEAT_SECONDS, in_use_error, new_owner, this_host

if TYPE_CHECKING:
    from tchat_tui.store.database import Store


class Heartbeat:
    """This session's row in `consoles`: written at open (refused if another console holds the
    chat), renewed every `BEAT_SECONDS` once the console runs, removed at shutdown."""

    def __init__(self, store: Store, *, now: Callable[[], float] = time.time) -> None:
        self.store = store
        self.owner = new_owner()
        """The console's id; its outbox claims rows under the same one."""
        self.now = now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self) -> None:
        """Write the row, or raise ChatInUse (one line) naming the console that holds the chat."""
        holder = self.store.register_console(self.owner, os.getpid(), this_host(), self.now())
        if holder is not None:
            raise in_use_error(holder)

    def start(self) -> None:
        """Beat in a thread until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(BEAT_SECONDS):
            try:
                if not self.store.console_beat(self.owner, self.now()):
                    self.register()  # removed as stale (the machine slept): take it back
            except Exception:  # the database closed at shutdown, or another console took over
                return

    def stop(self) -> None:
        """Stop beating and remove the row (the console closes)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(BEAT_SECONDS + 1.0)
        try:
            self.store.leave_console(self.owner)
        except Exception:  # closing anyway: a row left behind goes stale
            pass
