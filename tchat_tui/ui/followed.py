"""What the database follower queued (`pipeline.follow`), turned into the screen's news: posts
another console stored enter the stream as live ones do; other consoles' stars, hides, claims,
mutes, question and outbox changes are applied to what the screen holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.store.rows import Row
from tchat_tui.ui.stream_entry import StreamEntry


@dataclass(slots=True)
class Followed:
    """One tick's worth of what other consoles wrote."""

    entries: list[StreamEntry] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    muted_changed: bool = False
    questions_changed: bool = False


def follow_database(session: ChatSession, allowed: set[str]) -> Followed:
    """Drain the follower's queues; `allowed` takes the posts another moderator allowed."""
    follower = session.follower
    out = Followed()
    if follower is None:
        return out
    posts = follower.posts
    for _ in range(len(posts)):
        out.entries.append(StreamEntry.from_row(posts.popleft()))
    changes = follower.changes
    for _ in range(len(changes)):
        change = changes.popleft()
        if change.kind == "post":
            out.edited.append(change.target)
        elif change.kind == "author":
            out.muted_changed = True
        else:  # a question, or a table a later version logs: the queue reads it again
            out.questions_changed = True
    actions = follower.actions
    for _ in range(len(actions)):
        action: Row = actions.popleft()
        if action.get("action") == "allow":
            allowed.add(str(action.get("target")))
            out.edited.append(str(action.get("target")))
        out.questions_changed = True  # the queue's own actions (planned question edits...)
    rows = follower.outbox
    for _ in range(len(rows)):
        row = rows.popleft()
        # The reader hears of its own failures from its outbox; a joined console of the rows
        # its moderators wrote.
        if (
            row.get("status") == "failed"
            and not session.heartbeat.reading
            and row.get("moderator") in session.moderators
        ):
            out.failed.append(row)
    return out
