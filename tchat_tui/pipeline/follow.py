"""Following the chat database: what other consoles wrote (their actions, claims and sends, and
for a joined console the posts the reader stored) queued for the screen, as the runner queues
what its sources stored.

A thread polls SQLite's `data_version` every FOLLOW_INTERVAL seconds (one cheap PRAGMA); only
when another connection committed does it read, and then only what is new: posts by rowid,
changes by sequence number (`store.changes`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from tchat_tui.store.changes import Change, ChangeFeed
from tchat_tui.store.rows import Row

FOLLOW_INTERVAL = 0.25
"""Seconds between two looks at the database's commit counter."""


class DatabaseFollower:
    """Queues what other connections wrote to the chat since the console opened."""

    def __init__(self, path: str | Path, chat_id: int, *, posts: bool) -> None:
        self.chat_id = chat_id
        self.feed = ChangeFeed(path)
        self.follows_posts = posts
        """Whether it queues posts (a joined console: the reader stores them, not this one)."""
        self.posts: deque[Row] = deque()
        """Posts another console stored, in storing order, waiting for the screen."""
        self.changes: deque[Change] = deque()
        """Posts, authors and questions changed anywhere, waiting for the screen."""
        self.actions: deque[Row] = deque()
        """Moderator actions logged anywhere (the `actions` rows), waiting for the screen."""
        self.outbox: deque[Row] = deque()
        """Outbox rows added or changed anywhere, waiting for the screen."""
        self.on_outbox: Callable[[list[Row]], None] | None = None
        """Called in the follower's thread with changed outbox rows (the reader wakes its sender)."""
        self.on_read: Callable[[], None] | None = None
        """Called in the follower's thread after each read (the database had changed)."""
        self.polls = 0
        """Reads done (the database had changed)."""
        self._rowid, self._seq = self.feed.marks()
        self._version = self.feed.data_version()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Follow in a daemon thread until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="follow", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(FOLLOW_INTERVAL):
            try:
                if self.poll() and self.on_read is not None:
                    self.on_read()
            except Exception:  # the database closed at shutdown; a busy moment: next poll
                if self._stop.is_set():
                    return

    def poll(self, *, force: bool = False) -> bool:
        """Read what is new if the database changed since the last look; whether it read."""
        with self._lock:
            version = self.feed.data_version()
            if version == self._version and not force:
                return False
            self._version = version
            self.polls += 1
            if self.follows_posts:
                while True:
                    rows, after = self.feed.posts_after(self.chat_id, self._rowid)
                    if after == self._rowid:
                        break
                    self._rowid = after
                    self.posts.extend(rows)
            changes = self.feed.changes_after(self._seq)
            if not changes:
                return True
            self._seq = changes[-1].seq
            ids: dict[str, list[int]] = {"outbox": [], "action": []}
            for change in changes:
                if change.kind in ids:
                    ids[change.kind].append(int(change.target))
                else:
                    self.changes.append(change)
            self.actions.extend(self.feed.rows("actions", ids["action"]))
            rows = self.feed.rows("outbox", sorted(set(ids["outbox"])))
            self.outbox.extend(rows)
        if rows and self.on_outbox is not None:
            self.on_outbox(rows)
        return True

    def stop_following_posts(self) -> None:
        """This console now stores the posts itself (it took the reading over): queue the last
        ones the reader stored, then follow changes only."""
        self.poll(force=True)
        with self._lock:
            self.follows_posts = False

    def stop(self) -> None:
        """Stop following and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(FOLLOW_INTERVAL + 2.0)
        with self._lock:
            self.feed.close()
