"""The host's own draft, scored before it is sent: content signals only (no chat history)."""

from __future__ import annotations

import re

from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.content import content_signals
from tchat_tui.domain.promo.signals import PromoResult, level_of

_DRAFT_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_DRAFT_TAG = re.compile(r"(?<![\w&])[#＃](\w+)")


def score_draft(
    text: str, chat_tag: str, rules: PromoRules, author_handle: str = "", author_name: str = ""
) -> PromoResult:
    """Score the host's own draft: content signals only, warned ("amber") from the draft threshold."""
    urls = [u.rstrip(".,;:!?)»\"'") for u in _DRAFT_URL.findall(text)]
    tags = tuple(_DRAFT_TAG.findall(text))
    facts = content_signals(rules, text, tags, urls, chat_tag, author_handle, author_name)
    score = round(max(0.0, sum(s.weight for s in facts.signals)), 2)
    level = level_of(rules, score, facts.signals, rules.draft)
    return PromoResult(level, score, tuple(facts.signals), rules.version)
