"""A joined console taking the reading and sending over when the reader is gone (killed, or
quit): the last posts the reader stored, the chat as stored, then the sources from their stored
cursors (no gap) and the outbox worker (it repairs what the reader left `sending`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Protocol

from tchat_tui.pipeline.chat_clock import ChatClock
from tchat_tui.pipeline.replay_start import resume_replay
from tchat_tui.sources.base import SourceState

if TYPE_CHECKING:
    from tchat_tui.pipeline.costs import ChatCosts
    from tchat_tui.pipeline.follow import DatabaseFollower
    from tchat_tui.pipeline.heartbeat import Heartbeat
    from tchat_tui.pipeline.ingest import Pipeline
    from tchat_tui.pipeline.runner import PipelineRunner
    from tchat_tui.publish.outbox import Outbox
    from tchat_tui.sources.replay import ReplaySource
    from tchat_tui.store.database import Store


class SharedSession(Protocol):
    """What taking over needs of the open chat (a `ChatSession`)."""

    store: Store
    chat_id: int
    clock: ChatClock
    runner: PipelineRunner
    pipeline: Pipeline
    outbox: Outbox
    costs: ChatCosts
    heartbeat: Heartbeat
    follower: DatabaseFollower | None
    replay_source: ReplaySource | None
    replay_from: datetime | None
    restored: int

    def start_reading(self, after_warm_up: Callable[[], None] | None) -> None:
        """Start the sources and the outbox worker."""


def share(session: SharedSession) -> None:
    """Start following the database (every console: the others' actions; a joined one also the
    posts) and, for a joined console, be ready to take the reading over."""
    session.heartbeat.on_reading = partial(take_over, session)
    follower = session.follower
    if follower is not None:
        follower.on_outbox = partial(outbox_changed, session)
        follower.on_read = partial(follow_costs, session)
        follower.start()
    if not session.heartbeat.reading:
        reader = session.heartbeat.joined_reader
        where = f"; pid {reader.pid} reads and sends" if reader is not None else ""
        session.runner.state(SourceState("console", "joined", f"following the database{where}"))


def follow_costs(session: SharedSession) -> None:
    """A joined console's cost line follows what the reader saves."""
    if not session.heartbeat.reading:
        session.costs.take_up_saved()


def take_over(session: SharedSession) -> None:
    """Called in the heartbeat's thread once this console holds the reading lease."""
    if session.runner.stop.is_set():  # the console is closing
        return
    try:
        _take_over(session)
    except Exception as exc:  # said in the header (quit and restart that console)
        error = f"taking the reading over failed: {type(exc).__name__}: {exc}".splitlines()[0]
        session.runner.state(SourceState("console", "failed", error))


def _take_over(session: SharedSession) -> None:
    if session.follower is not None:
        session.follower.stop_following_posts()
    session.restored = session.pipeline.restore()
    session.costs.take_up_saved(every=0.0)  # the totals it saved last: this console saves next
    if session.replay_source is not None:
        session.replay_from = resume_replay(
            session.store, session.chat_id, session.replay_source, session.clock
        )
    session.runner.state(SourceState("console", "reading", "took the reading and sending over"))
    session.start_reading(None)


def outbox_changed(session: SharedSession, rows: Sequence[Mapping[str, object]]) -> None:
    """Outbox rows changed (a joined console's send is pending): the reader sends at once."""
    if session.heartbeat.reading and any(r.get("status") == "pending" for r in rows):
        session.outbox.wake.set()
