"""A post as the stream keeps it: what the screen knows about it, and the stream's filters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.post_search import PostSearch
from tchat_tui.ui.chat_time import clock_time
from tchat_tui.ui.safe import one_line


class StreamFilter(StrEnum):
    """What the stream pane shows."""

    ALL = "all"
    TO_US = "questions to us"
    GUESTS = "guests"
    CURRENT = "answers to the current question"
    STARRED = "starred"
    FLAGGED = "flagged"


ROLE_BADGES = {"host": "HOST", "guest": "GUEST", "co-moderator": "CO-MOD"}
ROLE_STYLES = {"host": "bold magenta", "guest": "bold cyan", "co-moderator": "bold blue"}
PROMO_MARKS = {"amber": ("!", "bold black on dark_orange"), "red": ("‼", "bold white on red")}


@dataclass(slots=True, eq=False)
class StreamEntry:
    """A post as the stream pane shows it; text fields are already neutralised for display."""

    key: str
    network: str
    native_id: str
    author_key: str
    handle: str
    name: str
    role: str
    text: str
    raw_text: str
    """The post's text as written (for a retweet and the detail panel), never shown unescaped."""
    created_at: datetime
    question_number: int | None = None
    answers: int | None = None
    audience: bool = False
    claimed_by: str | None = None
    answered: bool = False
    promo_level: str = "none"
    promo_reasons: tuple[str, ...] = ()
    allowed: bool = False
    """A moderator allowed the flagged post: the flag is shown as cleared."""
    starred: bool = False
    hidden: bool = False
    is_repost: bool = False
    reply: bool = False
    """A reply: its leading mentions are the network's, collapsed in the stream."""
    outgoing: bool = False
    dry_run: bool = False
    first_timer: bool = False
    """First chat with this tag for its author (`domain.first_timers`; set by the people desk)."""
    version: int = 0
    """Bumped on every change so cached lines are rebuilt."""

    @property
    def flagged(self) -> bool:
        """Amber or red, and not allowed by a moderator."""
        return self.promo_level in PROMO_MARKS and not self.allowed

    def as_reply_target(self) -> dict[str, object]:
        """What the outbox needs to reply to or repost this post."""
        return {"key": self.key, "network": self.network, "native_id": self.native_id}

    def changed(self) -> None:
        """Mark the entry changed (its line is rendered again)."""
        self.version += 1

    @classmethod
    def from_chat_post(cls, cp: ChatPost) -> StreamEntry:
        """An entry for a post the pipeline has just stored."""
        p, c = cp.post, cp.classification
        return cls(
            key=p.key,
            network=p.network.value,
            native_id=p.native_id,
            author_key=p.author_key,
            handle=one_line(p.author_handle),
            name=one_line(p.author_name),
            role=c.role.value,
            text=one_line(p.text),
            raw_text=p.text,
            created_at=p.created_at,
            question_number=c.question_number,
            answers=c.answers,
            audience=c.audience_question,
            promo_level=cp.promo_level,
            promo_reasons=tuple(cp.promo_reasons),
            is_repost=p.is_repost,
            reply=p.reply_to_id is not None,
            outgoing=cp.outgoing,
            dry_run=cp.dry_run,
        )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StreamEntry:
        """An entry for a stored post row."""
        reasons = json.loads(row["promo_reasons"]) if row.get("promo_reasons") else []
        return cls(
            key=row["key"],
            network=row["network"],
            native_id=row["native_id"],
            author_key=row["author_key"],
            handle=one_line(row["author_handle"] or ""),
            name=one_line(row["author_name"] or row["author_handle"] or ""),
            role=row["role"] or "participant",
            text=one_line(row["text"] or ""),
            raw_text=row["text"] or "",
            created_at=datetime.fromisoformat(row["created_at"]),
            question_number=row.get("question_number"),
            answers=row.get("answers"),
            audience=bool(row.get("audience_question")),
            claimed_by=row.get("claimed_by"),
            answered=bool(row.get("answered")),
            promo_level=row.get("promo_level") or "none",
            promo_reasons=tuple(str(r) for r in reasons),
            starred=bool(row.get("starred")),
            hidden=bool(row.get("hidden")),
            is_repost=bool(row.get("is_repost")),
            reply=bool(row.get("reply_to_key")),
            outgoing=bool(row.get("outgoing")),
            dry_run=bool(row.get("dry_run")),
        )


def matches(entry: StreamEntry, flt: StreamFilter, current_question: int | None) -> bool:
    """Whether the entry passes the filter (hidden posts and muted authors are handled apart)."""
    if flt is StreamFilter.ALL:
        return True
    if flt is StreamFilter.TO_US:
        return entry.audience
    if flt is StreamFilter.GUESTS:
        return entry.role == "guest"
    if flt is StreamFilter.CURRENT:
        return current_question is not None and current_question in (
            entry.answers,
            entry.question_number,
        )
    if flt is StreamFilter.STARRED:
        return entry.starred
    return entry.flagged


def found_by(search: PostSearch, e: StreamEntry) -> bool:
    """Whether a post in the pane is one the search finds (as the store's search would)."""
    return search.matches(e.raw_text, e.handle, e.name, e.question_number, e.answers)


def local_time(moment: datetime) -> str:
    """A post time as the host reads it: HH:MM:SS in the chat's time zone."""
    return clock_time(moment)
