"""Recorded X payloads (tests/x/fixtures) and a sink that records what a source hands over."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceState

FIXTURES = Path(__file__).parent / "fixtures"
API = "https://api.twitter.com"
SEARCH = f"{API}/2/tweets/search/recent"
STREAM = f"{API}/2/tweets/search/stream"
RULES = f"{API}/2/tweets/search/stream/rules"

BEARER = "AAAAAAAAAAAAAAAAAAAAAtest-bearer-0123456789"
KEYS = {
    "consumer_key": "ck-test-0123456789",
    "consumer_secret": "cs-test-0123456789",
    "access_token": "1000-at-test-0123456789",
    "access_token_secret": "ats-test-0123456789",
}
SECRETS = [BEARER, *KEYS.values()]


def fixture(name: str) -> Any:
    """A recorded JSON payload."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def fixture_text(name: str) -> str:
    """A recorded payload as text (stream lines)."""
    return (FIXTURES / name).read_bytes().decode("utf-8")


class RecordingSink:
    """A SourceSink that keeps everything and can stop the source on a condition."""

    def __init__(self, stop: threading.Event, until: Callable[[RecordingSink], bool]) -> None:
        self.stop = stop
        self.until = until
        self.received: list[Post] = []
        self.states: list[SourceState] = []
        self.bad: list[tuple[int, str]] = []

    def _check(self) -> None:
        if self.until(self):
            self.stop.set()

    def posts(self, posts: list[Post]) -> None:
        """Keep the posts."""
        self.received.extend(posts)
        self._check()

    def state(self, state: SourceState) -> None:
        """Keep the state."""
        self.states.append(state)
        self._check()

    def malformed(self, count: int, example: str) -> None:
        """Keep the count."""
        self.bad.append((count, example))

    def edited(self, post: Post) -> None:
        """Not used by X."""

    def deleted(self, key: str) -> None:
        """Not used by X."""

    @property
    def ids(self) -> list[str]:
        """Native ids received, in order."""
        return [p.native_id for p in self.received]

    def state_names(self) -> list[str]:
        """The states, in order."""
        return [s.state for s in self.states]
