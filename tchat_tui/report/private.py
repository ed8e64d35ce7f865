"""The private report: what the host team needs after the hour and the public must not read.

Moderation figures, each flagged post with its reasons, the muted authors, the audience
questions with who claimed and who answered them (and when), the unanswered ones as a follow-up
list, and what the hour cost on X. `summary --private` adds it after the public recap; the
public recap never holds any of it. Its labels are English: it is the team's working note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tchat_tui.domain.summary import Summary
from tchat_tui.store import private_report_queries as q
from tchat_tui.store.database import Store


@dataclass(frozen=True, slots=True)
class NotedPost:
    """A post the private report lists (flagged, or an audience question)."""

    native_id: str
    network: str
    instance: str | None
    author: str
    created_at: datetime
    text: str
    level: str = ""
    """'amber' or 'red' for a flagged post."""
    reasons: tuple[str, ...] = ()
    hidden: bool = False
    allowed: bool = False
    claimed_by: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    answered: bool = False


@dataclass(frozen=True, slots=True)
class PrivateReport:
    """The private part of the after-chat report."""

    flagged: tuple[NotedPost, ...]
    muted: tuple[tuple[str, str | None], ...]
    """(handle, muted by) of each muted author who posted in the chat."""
    audience: tuple[NotedPost, ...]

    @property
    def unanswered(self) -> tuple[NotedPost, ...]:
        """The audience questions nobody marked answered: the follow-up list."""
        return tuple(a for a in self.audience if not a.answered)


def _reasons(value: str | None) -> tuple[str, ...]:
    try:
        data = json.loads(value or "[]")
    except json.JSONDecodeError:
        return ()
    return tuple(str(r) for r in data) if isinstance(data, list) else ()


def _time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _noted(r: Mapping[str, Any], **extra: Any) -> NotedPost:
    """A listed post from its row: who wrote it, when and what (and what `extra` adds)."""
    return NotedPost(
        native_id=str(r["native_id"]),
        network=str(r["network"]),
        instance=r["instance"],
        author=str(r["author_handle"]),
        created_at=datetime.fromisoformat(r["created_at"]),
        text=str(r["text"] or ""),
        **extra,
    )


def build_private(store: Store, chat: int) -> PrivateReport:
    """The private report of `chat`."""
    db = store.db
    flagged = tuple(
        _noted(
            r,
            level=str(r["promo_level"]),
            reasons=_reasons(r["promo_reasons"]),
            hidden=bool(r["hidden"]),
            allowed=bool(r["allowed"]),
        )
        for r in q.flagged_posts(db, chat)
    )
    audience = tuple(
        _noted(
            r,
            claimed_by=r["claimed_by"],
            answered_by=r["answered_by"],
            answered_at=_time(r["answered_at"]),
            answered=bool(r["answered"]),
        )
        for r in q.audience_questions(db, chat)
    )
    muted = tuple((str(r["handle"] or r["key"]), r["muted_by"]) for r in q.muted_authors(db, chat))
    return PrivateReport(flagged, muted, audience)


def moderation_figures(s: Summary) -> list[tuple[str, str]]:
    """(label, value) of the moderation counts."""
    st = s.stats
    return [
        ("Hidden by a moderator", f"{st.hidden:,}"),
        ("Deleted by their authors", f"{st.deleted:,}"),
        ("Flagged as promotion", f"{st.flagged:,} ({st.flagged_red:,} red)"),
        ("Authors muted", f"{st.muted_authors:,}"),
    ]


def audience_fate(s: Summary, a: NotedPost) -> str:
    """'claimed by tom; answered by tom at 19:42' / 'not claimed; not answered'."""
    claimed = f"claimed by {a.claimed_by}" if a.claimed_by else "not claimed"
    if a.answered:
        by = f" by {a.answered_by}" if a.answered_by else ""
        at = f" at {s.local(a.answered_at):%H:%M}" if a.answered_at else ""
        return f"{claimed}; answered{by}{at}"
    return f"{claimed}; not answered"


def flag_note(f: NotedPost) -> str:
    """'red, hidden, allowed by a moderator'."""
    parts = [f.level]
    if f.hidden:
        parts.append("hidden")
    if f.allowed:
        parts.append("allowed by a moderator")
    return ", ".join(parts)
