"""Test doubles shared by the Mastodon and Bluesky tests: a recording sink, a fake sleep, chunked bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceState

NOW = datetime(2025, 11, 20, 18, 10, tzinfo=UTC)
SSE_HEADERS = {"content-type": "text/event-stream", "cache-control": "no-store"}


class Done(Exception):
    """Raised by FakeSleep to end a source's endless reconnect loop in a test."""


class RecordingSink:
    """A SourceSink that remembers everything it was handed."""

    def __init__(self) -> None:
        self.received: list[Post] = []
        self.states: list[SourceState] = []
        self.bad: list[tuple[int, str]] = []
        self.edits: list[Post] = []
        self.deletes: list[str] = []

    def posts(self, posts: list[Post]) -> None:
        self.received.extend(posts)

    def state(self, state: SourceState) -> None:
        self.states.append(state)

    def malformed(self, count: int, example: str) -> None:
        self.bad.append((count, example))

    def edited(self, post: Post) -> None:
        self.edits.append(post)

    def deleted(self, key: str) -> None:
        self.deletes.append(key)

    @property
    def ids(self) -> list[str]:
        return [p.native_id for p in self.received]

    @property
    def state_names(self) -> list[str]:
        return [s.state for s in self.states]


class FakeSleep:
    """Records the delays a client asks for; raises Done on call number `stop_after`."""

    def __init__(self, stop_after: int) -> None:
        self.stop_after = stop_after
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if len(self.delays) >= self.stop_after:
            raise Done


def read_fixture(folder: Path, name: str) -> bytes:
    """A fixture file's bytes."""
    return (folder / "fixtures" / name).read_bytes()


async def chunked(raw: bytes, size: int = 7) -> AsyncIterator[bytes]:
    """A streaming body in small pieces, cutting lines and multi-byte characters apart."""
    for i in range(0, len(raw), size):
        yield raw[i : i + size]


async def dropped(raw: bytes, size: int = 7) -> AsyncIterator[bytes]:
    """A streaming body that breaks after `raw`, like a reset connection."""
    async for piece in chunked(raw, size):
        yield piece
    raise httpx.ReadError("connection reset by peer")
