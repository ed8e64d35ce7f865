"""The chat's cross-author text index: which accounts posted each normalised text (what the rule
"same text as other accounts" and a coordinated author's flag read)."""

from __future__ import annotations

from collections import deque


class TextIndex(dict[int, str | set[str]]):
    """Normalised-text hash -> the author key that posted it, or the set of them (most texts have
    one author: a set each would cost 200 bytes). At most `cap` texts: the oldest leaves first.

    A dict itself, so that scoring a post looks a text up with one `get`.
    """

    __slots__ = ("cap", "order", "promo")

    def __init__(self, cap: int = 20_000) -> None:
        """An empty index keeping at most `cap` texts."""
        super().__init__()
        self.cap = cap
        self.order: deque[int] = deque()
        """The texts' hashes, oldest first."""
        self.promo: set[int] = set()
        """The texts of promotional posts."""

    def add(self, text_hash: int, akey: str, promo: bool) -> None:
        """Add an author to the accounts that posted a normalised text (oldest text dropped)."""
        group = self.get(text_hash)
        if group is None:
            self[text_hash] = akey
            self.order.append(text_hash)
        elif isinstance(group, str):
            if group != akey:
                self[text_hash] = {group, akey}
        else:
            group.add(akey)
        if promo:
            self.promo.add(text_hash)
        if len(self) > self.cap:
            oldest = self.order.popleft()
            del self[oldest]
            self.promo.discard(oldest)

    def account_count(self, text_hash: int) -> int:
        """How many accounts posted a normalised text (0 once it left the index)."""
        group = self.get(text_hash)
        if group is None:
            return 0
        return 1 if isinstance(group, str) else len(group)
