"""Replay a recorded stream file, paced by the posts' own times.

Each line is read in its own network's format (`tchat_tui.clients.recording_line`), so a chat
recorded on X, Mastodon and Bluesky at once replays as one chat.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tchat_tui.clients.recording_line import parse_recording_line
from tchat_tui.clients.x.stream_line import MalformedLine
from tchat_tui.domain.post import Post
from tchat_tui.sources.base import SourceError, SourceSink, SourceState

SNIFF_LINES = 50
"""How many non-blank lines decide whether a file holds recorded posts at all."""


READ_BUFFER = 1 << 20
"""Bytes read from a replay file at a time."""


@dataclass(slots=True)
class ReplayStats:
    """What a replay has read so far."""

    lines: int = 0
    posts: int = 0
    malformed: int = 0
    examples: list[str] = field(default_factory=list)
    """The first few malformed lines' problems, 'line 12: not JSON'."""


def check_replay_file(path: str | Path) -> None:
    """Raise SourceError (one line) unless `path` is a readable file of recorded posts."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"replay file not found: {p}")
    if p.is_dir():
        raise SourceError(f"replay file is a directory: {p}")
    try:
        with p.open("r", encoding="utf-8-sig", errors="replace") as fh:
            seen = 0
            for line in fh:
                if not line.strip():
                    continue
                seen += 1
                try:
                    if parse_recording_line(line) is not None:
                        return
                except MalformedLine:
                    pass
                if seen >= SNIFF_LINES:
                    break
    except OSError as exc:
        raise SourceError(f"cannot read replay file {p}: {exc.strerror}") from None
    if seen == 0:
        raise SourceError(f"replay file is empty: {p}")
    raise SourceError(
        f"{p} is not a recorded stream: none of its first {seen} lines is a recorded post"
        " (X filtered-stream, Mastodon or Bluesky)"
    )


def read_posts(path: str | Path, stats: ReplayStats | None = None) -> Iterator[Post]:
    """Every post of a replay file in file order; malformed lines are counted in `stats` and skipped."""
    st = stats if stats is not None else ReplayStats()
    # utf-8-sig: a file saved by an editor that starts it with a byte-order mark reads as the
    # same posts (the mark would make the first line malformed JSON).
    # A large buffer: each read from the disk lets another thread take the GIL (the import's
    # writer), and getting it back costs up to a switch interval (5 ms) each time.
    with Path(path).open("r", encoding="utf-8-sig", errors="replace", buffering=READ_BUFFER) as fh:
        for number, line in enumerate(fh, 1):
            st.lines += 1
            try:
                post = parse_recording_line(line)
            except MalformedLine as exc:
                st.malformed += 1
                if len(st.examples) < 5:
                    st.examples.append(f"line {number}: {exc}")
                continue
            if post is not None:
                st.posts += 1
                yield post


class ReplaySource:
    """A recorded chat played back at `speed` times real time (0: as fast as possible)."""

    name = "replay"

    def __init__(
        self,
        path: str | Path,
        *,
        speed: float = 1.0,
        batch_window: float = 0.05,
        max_batch: int = 500,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_replay_file(path)
        self.path = Path(path)
        self.speed = speed
        self.batch_window = batch_window
        self.max_batch = max_batch
        self.clock = clock
        self.stats = ReplayStats()
        self.resume_at: datetime | None = None
        """Posts up to this time were stored by an earlier run: deliver them without pacing."""

    def first_post_time(self) -> datetime | None:
        """When the recording starts (the replay clock's origin)."""
        for post in read_posts(self.path):
            return post.created_at
        return None

    def run(self, sink: SourceSink, stop: threading.Event) -> None:
        """Read the file, pacing posts by `created_at`, and hand them over in small batches."""
        sink.state(SourceState(self.name, "replaying", f"{self.path.name} at {self.speed:g}x"))
        reported_malformed = 0
        batch: list[Post] = []
        first_post_time: float | None = None
        wall_start = self.clock()
        last_flush = wall_start
        for post in read_posts(self.path, self.stats):
            if stop.is_set():
                break
            caught_up = self.resume_at is None or post.created_at > self.resume_at
            if self.speed > 0 and caught_up:
                t = post.created_at.timestamp()
                if first_post_time is None:
                    if self.resume_at is not None:
                        # Resume: pace from where the earlier run stopped, not from the start.
                        first_post_time = self.resume_at.timestamp()
                        wall_start = self.clock()
                    else:
                        first_post_time = t
                due = wall_start + max(0.0, t - first_post_time) / self.speed
                while not stop.is_set():
                    wait = due - self.clock()
                    if wait <= 0:
                        break
                    if batch:
                        sink.posts(batch)
                        batch = []
                        last_flush = self.clock()
                    stop.wait(min(wait, 0.25))
            batch.append(post)
            now = self.clock()
            if len(batch) >= self.max_batch or now - last_flush >= self.batch_window:
                sink.posts(batch)
                batch = []
                last_flush = now
            if self.stats.malformed > reported_malformed:
                sink.malformed(self.stats.malformed - reported_malformed, self.stats.examples[-1])
                reported_malformed = self.stats.malformed
        if batch:
            sink.posts(batch)
        if self.stats.malformed > reported_malformed:
            sink.malformed(self.stats.malformed - reported_malformed, self.stats.examples[-1])
        sink.state(
            SourceState(
                self.name, "ended", f"{self.stats.posts} posts, {self.stats.malformed} malformed"
            )
        )
