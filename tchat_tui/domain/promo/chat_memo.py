"""What the promo rules read again and again in one chat, computed once: the folded chat tag,
the words by which a post asks for a link, a chat question's content stems."""

from __future__ import annotations

from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.content import lexicon_hit
from tchat_tui.domain.promo.words import fold, lower, stems, words


class ChatMemo:
    """Small caches for one chat's scoring (each bounded)."""

    def __init__(self, rules: PromoRules) -> None:
        self.rules = rules
        self._stems: dict[str, frozenset[str]] = {}
        self._tag = ("", "")
        self._asks: dict[str, str | None] = {}

    def folded_tag(self, tag: str) -> str:
        """The chat tag, folded, without `#` (the same for every post)."""
        if self._tag[0] != tag:
            self._tag = (tag, fold(tag.lstrip("#＃")))
        return self._tag[1]

    def asks_for_link(self, text: str) -> str | None:
        """The words by which a post asks for a link or source (parents get many replies)."""
        if text in self._asks:
            return self._asks[text]
        if len(self._asks) > 2000:
            self._asks.clear()
        hit = self._asks[text] = lexicon_hit(self.rules, "ask_link", text, lower(text))
        return hit

    def question_stems(self, question: str) -> frozenset[str]:
        """Content stems of a chat question (every answer asks for them)."""
        cached = self._stems.get(question)
        if cached is None:
            if len(self._stems) > 200:
                self._stems.clear()
            cached = self._stems[question] = frozenset(stems(words(question), self.rules.stopwords))
        return cached
