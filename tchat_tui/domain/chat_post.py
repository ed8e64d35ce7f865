"""A post as the chat sees it: the post, what it is in the chat, and its promo flag."""

from __future__ import annotations

from dataclasses import dataclass

from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Post


@dataclass(slots=True)
class ChatPost:
    """One post ready to be stored: the normalized post plus the chat's judgement of it."""

    post: Post
    classification: Classification
    promo_level: str = "none"
    """'none', 'amber' (promotional) or 'red' (spam-like)."""
    promo_score: float = 0.0
    promo_reasons: tuple[str, ...] = ()
    outgoing: bool = False
    """Written by this console (through the outbox)."""
    dry_run: bool = False
    """Never sent to a network: recorded only."""
    outbox_id: int | None = None
