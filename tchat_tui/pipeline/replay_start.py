"""Where a replay starts: after the posts the chat already stored (a restart, or a joined
console taking the reading over), its clock set there."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tchat_tui.pipeline.chat_clock import ChatClock

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tchat_tui.domain.roster import Roster
    from tchat_tui.sources.base import Source
    from tchat_tui.sources.replay import ReplaySource
    from tchat_tui.store.database import Store


def open_replay(
    path: Path, speed: float, practice: bool, roster: Callable[[], Roster]
) -> tuple[ReplaySource, Source]:
    """The recording's source, and the source that runs: itself, or in a rehearsal the same
    wrapped so the recorded host team's posts are held back (`roster`: the chat's people now)."""
    from tchat_tui.pipeline.practice import PracticeSource
    from tchat_tui.sources.replay import ReplaySource

    replay = ReplaySource(path, speed=speed)
    return replay, (PracticeSource(replay, roster) if practice else replay)


def resume_replay(
    store: Store, chat_id: int, replay: ReplaySource, clock: ChatClock
) -> datetime | None:
    """Resume `replay` after the chat's stored posts; return the chat time it starts at (the
    clock is rebased there when the replay starts)."""
    latest = store.latest_post_time(chat_id)
    replay.resume_at = latest
    start_at = replay.first_post_time()
    if start_at is not None:
        # The replay clock starts at the recording's first post (or where we resume).
        clock.observe(start_at)
        if latest is not None and latest > start_at:
            clock.observe(latest)
            clock.rebase(latest)
    return max(start_at, latest) if start_at and latest else start_at
