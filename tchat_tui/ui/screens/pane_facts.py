"""What the header and the question queue show, read from the session and the feed (no widgets)."""

from __future__ import annotations

from datetime import datetime

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.ui.chat_time import chat_ended, hour_clock
from tchat_tui.ui.inbox import Inbox
from tchat_tui.ui.pacing import DEFAULT_GAP, next_question, pacing_label
from tchat_tui.ui.widgets.panes import HeaderFacts
from tchat_tui.ui.widgets.queue import QueueFacts, overdue_audience


def pane_facts(
    session: ChatSession, feed: Inbox, now: datetime, cost: str
) -> tuple[HeaderFacts, QueueFacts]:
    """The header's facts and the queue's at `now` (`cost`: the header's cost text)."""
    from tchat_tui.pipeline.connect import header_note

    s = session
    started = feed.started_at or feed.first_post_at
    current = feed.current_question
    ends = started + s.duration if started is not None else None
    nxt = next_question(feed.questions, DEFAULT_GAP, ends)
    question = ""
    if current is not None:
        text = next((q.text for q in feed.questions if q.number == current), "")
        question = f"Q{current}: {text}" if text else f"Q{current}"
    pacing = ""
    # A chat long over says when it ended: no question is late, none has been open for days.
    ended = chat_ended(started, s.duration, now)
    if nxt is not None and nxt[1] is not None and not ended:
        pacing = pacing_label(nxt[0], nxt[1], now)
    header = HeaderFacts(
        tag=s.tag,
        topic=s.topic,
        clock=hour_clock(started, s.duration, now),
        question=question,
        pacing=pacing,
        on_duty=s.on_duty,
        sources=feed.source_line(),
        per_minute=feed.per_minute(now),
        note=header_note(s.network_note),
        malformed=s.runner.malformed_count if s.is_open else 0,
        cost=cost,
        audience_waiting=len(overdue_audience(feed.audience, now)),
    )
    queue = QueueFacts(
        questions=feed.questions,
        current=current,
        next_number=nxt[0] if nxt else None,
        next_due=nxt[1] if nxt else None,
        audience=feed.audience,
        now=None if ended else now,
    )
    return header, queue
