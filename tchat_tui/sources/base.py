"""What every source does: run in a worker thread and hand posts and state changes to a sink."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tchat_tui.domain.errors import TchatError
from tchat_tui.domain.post import Post


class SourceError(TchatError):
    """A source cannot go on (bad credentials, unreadable file); the message is one line."""


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the header shows about a source: 'live', 'backfilling', 'rate-limited until 17:42'..."""

    source: str
    state: str
    detail: str = ""
    until: datetime | None = None


class SourceSink(Protocol):
    """Where a source hands what it receives (the pipeline runner)."""

    def posts(self, posts: list[Post]) -> None:
        """New posts, in arrival order (duplicates are fine: the store drops them)."""

    def state(self, state: SourceState) -> None:
        """The source's state changed."""

    def malformed(self, count: int, example: str) -> None:
        """Lines or payloads that could not be parsed were skipped."""

    def edited(self, post: Post) -> None:
        """A stored post was edited on its network."""

    def deleted(self, key: str) -> None:
        """A post was deleted on its network."""


class Source(Protocol):
    """A stream of posts for one chat. `run` blocks until done or until `stop` is set."""

    name: str

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Deliver posts to the sink until the source ends or `stop` is set."""
