"""The pacing clock of the question queue: which question is next and how it stands (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tchat_tui.store.question_texts import versions_of

DEFAULT_GAP = timedelta(minutes=7)
"""Questions come about every 7 minutes when no plan gives due times."""


def span(delta: timedelta) -> str:
    """A duration as m:ss (or h:mm:ss), never negative."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class QuestionState:
    """One prepared or posted question as the queue shows it."""

    number: int
    text: str
    posted_at: datetime | None
    due_at: datetime | None
    versions: tuple[tuple[str, str], ...] = ()
    """Its texts one per language, (language, text), when it has several (one post each)."""


def question_states(rows: list[dict[str, Any]]) -> list[QuestionState]:
    """Stored question rows as states, by number."""
    out = []
    for r in rows:
        out.append(
            QuestionState(
                number=int(r["number"]),
                text=r.get("text") or "",
                posted_at=datetime.fromisoformat(r["posted_at"]) if r.get("posted_at") else None,
                due_at=datetime.fromisoformat(r["due_at"]) if r.get("due_at") else None,
                versions=tuple(versions_of(r)) if r.get("texts") else (),
            )
        )
    return sorted(out, key=lambda q: q.number)


def current_question(states: list[QuestionState]) -> int | None:
    """The question posted last."""
    posted = [q for q in states if q.posted_at is not None]
    if not posted:
        return None
    return max(posted, key=lambda q: (q.posted_at, q.number)).number


def next_question(
    states: list[QuestionState], gap: timedelta = DEFAULT_GAP, ends_at: datetime | None = None
) -> tuple[int, datetime | None] | None:
    """The next question to post and when it is due (its plan time, else the last one + gap).

    Without a plan the chat's questions are not known in advance: after the last one posted,
    `Q(n+1)` is guessed due a gap later, but not past `ends_at` (the end of the hour), when no
    further question is expected (its due time is then None: nothing is late).
    """
    posted = [q for q in states if q.posted_at is not None]
    last = max(posted, key=lambda q: (q.posted_at, q.number)) if posted else None
    waiting = [
        q for q in states if q.posted_at is None and (last is None or q.number > last.number)
    ]
    if waiting:
        q = waiting[0]
        if q.due_at is not None:
            return q.number, q.due_at
        return q.number, (last.posted_at + gap) if last and last.posted_at else None
    if last is None or last.posted_at is None:
        return None
    if any(q.due_at for q in states):
        return None  # the plan is done
    due = last.posted_at + gap
    return last.number + 1, (None if ends_at is not None and due > ends_at else due)


def pacing_label(number: int, due: datetime | None, now: datetime) -> str:
    """'Q4 due in 0:45' before its time, 'Q4 running 2:10 late' after it."""
    if due is None:
        return f"Q{number} next"
    if now <= due:
        return f"Q{number} due in {span(due - now)}"
    return f"Q{number} running {span(now - due)} late"
