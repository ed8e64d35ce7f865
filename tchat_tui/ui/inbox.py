"""What the screen drains from the workers each tick, and the running facts it keeps (no widgets)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tchat_tui.domain.post import Network, make_key
from tchat_tui.pipeline.session import ChatSession
from tchat_tui.sources.base import SourceState
from tchat_tui.store.outbox_status import DONE
from tchat_tui.ui.chat_time import clock_time
from tchat_tui.ui.followed import follow_database
from tchat_tui.ui.pacing import QuestionState, current_question, question_states
from tchat_tui.ui.stream_entry import StreamEntry

PER_MINUTE_WINDOW = 60.0
AUDIENCE_KEPT = 2000
"""Audience questions kept for the queue (the newest; the database keeps them all)."""


@dataclass(slots=True)
class Drained:
    """One tick's worth of news from the workers."""

    entries: list[StreamEntry] = field(default_factory=list)
    questions_changed: bool = False
    sources_changed: bool = False
    failed: list[dict[str, Any]] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    """Keys of stored posts changed (an edit, a deletion, another console's star or claim)."""
    muted_changed: bool = False
    """An author was muted or unmuted (in another console)."""


class Inbox:
    """Drains the pipeline's and the outbox's queues; keeps sources, pace, questions, audience."""

    def __init__(self, session: ChatSession) -> None:
        self.session = session
        self.sources: dict[str, SourceState] = {}
        self._arrivals: deque[float] = deque()
        self.audience: list[StreamEntry] = []
        self.questions: list[QuestionState] = []
        self.allowed: set[str] = set()
        self.first_post_at: datetime | None = None
        self.started_at: datetime | None = None
        """When the chat started by its plan (read with the questions, not on every tick)."""
        self.total = 0
        """Posts drained since the screen opened."""

    # -- start-up ----------------------------------------------------------------------------

    def load(self, limit: int) -> list[StreamEntry]:
        """The stored state on (re)start: recent posts, questions, audience questions, decisions."""
        store, chat = self.session.store, self.session.chat_id
        self.allowed = {
            a["target"] for a in store.actions(chat, 1_000_000) if a["action"] == "allow"
        }
        entries = [
            self._with_decisions(StreamEntry.from_row(r)) for r in store.recent_posts(chat, limit)
        ]
        by_key = {e.key: e for e in entries}
        self.audience = [
            by_key.get(r["key"]) or StreamEntry.from_row(r) for r in store.audience_questions(chat)
        ]
        first = next(store.iter_posts(chat, batch=1), None)
        if first is not None:
            self.first_post_at = datetime.fromisoformat(first["created_at"])
        for e in entries:
            self._arrivals.append(e.created_at.timestamp())
        if entries:
            self.session.clock.observe(max(e.created_at for e in entries))
        self.reload_questions()
        return entries

    def _with_decisions(self, entry: StreamEntry) -> StreamEntry:
        entry.allowed = entry.key in self.allowed
        return entry

    def reload_questions(self) -> None:
        """Read the (small) questions table again."""
        self.questions = question_states(self.session.store.questions(self.session.chat_id))
        self.started_at = self.session.started_at

    @property
    def current_question(self) -> int | None:
        """The question posted last."""
        return current_question(self.questions)

    # -- each tick ---------------------------------------------------------------------------

    def drain(self) -> Drained:
        """Everything the workers queued since the last tick."""
        out = Drained()
        runner = self.session.runner
        fresh = runner.fresh
        for _ in range(len(fresh)):
            cp = fresh.popleft()
            out.entries.append(StreamEntry.from_chat_post(cp))
        events = runner.events
        for _ in range(len(events)):
            state = events.popleft()
            self.sources[state.source] = state
            out.sources_changed = True
        edits = runner.edits
        for _ in range(len(edits)):
            out.edited.append(edits.popleft())
        if self.session.follower is not None:  # what other consoles wrote
            other = follow_database(self.session, self.allowed)
            out.entries.extend(other.entries)
            out.edited.extend(other.edited)
            out.failed.extend(other.failed)
            out.muted_changed = other.muted_changed
            out.questions_changed = other.questions_changed
        finished = self.session.outbox.finished
        for _ in range(len(finished)):
            row = finished.popleft()
            if row.get("status") in DONE and row.get("remote_id"):
                stored = self.session.store.post(
                    make_key(Network(row["network"]), str(row["remote_id"]))
                )
                if stored is not None:
                    out.entries.append(StreamEntry.from_row(stored))
            elif row.get("status") == "failed":
                out.failed.append(row)
        for e in out.entries:
            self._arrivals.append(e.created_at.timestamp())
            self.session.clock.observe(e.created_at)  # a replay's clock follows its posts
            if e.question_number is not None:
                out.questions_changed = True
            if e.audience:
                self.audience.append(e)
            if self.first_post_at is None or e.created_at < self.first_post_at:
                self.first_post_at = e.created_at
        if len(self.audience) > AUDIENCE_KEPT + 200:
            del self.audience[: len(self.audience) - AUDIENCE_KEPT]
        self.total += len(out.entries)
        if out.questions_changed:
            self.reload_questions()
        return out

    def per_minute(self, now: datetime) -> int:
        """Posts written in the last minute of chat time."""
        cutoff = now.timestamp() - PER_MINUTE_WINDOW
        arrivals = self._arrivals
        while arrivals and arrivals[0] < cutoff:
            arrivals.popleft()
        end = now.timestamp()
        return sum(1 for t in arrivals if t <= end) if len(arrivals) < 5000 else len(arrivals)

    def source_line(self) -> str:
        """'replay: ended (412 posts, 0 malformed)' or 'x: rate-limited until 17:42'."""
        parts = []
        for name, st in self.sources.items():
            text = f"{name}: {st.state}"
            if st.until is not None:
                text += f" until {clock_time(st.until)[:5]}"
            if st.detail:
                text += f" ({st.detail})"
            parts.append(text)
        return " · ".join(parts)
