"""Author rules for promo flagging: one author's bounded history and the flag it may earn."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from tchat_tui.domain.promo_config import PromoRules

Level = Literal["none", "amber", "red"]


@dataclass(frozen=True)
class AuthorFlag:
    """An author whose posts are repeatedly promotional in this chat."""

    author_key: str
    handle: str
    promo_posts: int
    posts: int
    top_domain: str | None
    top_domain_share: float
    reason: str
    level: Level = "amber"
    reason_fr: str = ""


@dataclass(slots=True)
class AuthorState:
    """One author's bounded history in the chat."""

    handle: str
    history: deque[tuple[int, frozenset[int]]]
    """(sequence number, shingles) of the author's last posts."""
    times: deque[datetime]
    posts: int = 0
    promo: int = 0
    links: int = 0
    domains: Counter[str] = field(default_factory=Counter)
    spray: dict[str, deque[tuple[datetime, str]]] = field(default_factory=dict)
    hashes: deque[int] = field(default_factory=lambda: deque(maxlen=50))
    sprayed: bool = False
    coordinated: bool = False
    seq: int = 0
    shingle_index: dict[int, int] = field(default_factory=dict)
    """Shingle -> how many kept posts have it (a post sharing none skips the comparison)."""

    def remember(self, shingles: frozenset[int]) -> None:
        """Keep a post's shingles, forgetting the oldest post beyond the history size."""
        index = self.shingle_index
        history = self.history
        if history.maxlen is not None and len(history) == history.maxlen:
            _, old = history.popleft()
            for h in old:
                count = index.get(h, 0) - 1
                if count > 0:
                    index[h] = count
                else:
                    index.pop(h, None)
        seq = self.seq
        history.append((seq, shingles))
        get = index.get
        for h in shingles:
            index[h] = get(h, 0) + 1
        self.seq = seq + 1

    def best_overlap(self, shingles: frozenset[int], at_least: float = 0.0) -> float:
        """The highest Jaccard similarity between `shingles` and a kept post.

        With `at_least`, returns 0.0 early when no kept post can reach it: a post sharing `c` of
        our `n` shingles scores `c / (n + size - c) <= c / n`, and `c` is at most the number of
        our shingles found in the history at all.
        """
        n = len(shingles)
        found = len(self.shingle_index.keys() & shingles)
        if not found or found / n < at_least:
            return 0.0
        best = 0.0
        for _, old in self.history:
            c = len(shingles & old)
            if c:
                best = max(best, c / (n + len(old) - c))
        return best


def author_flag_for(
    author_key: str, a: AuthorState, rules: PromoRules, coordinated: bool
) -> AuthorFlag | None:
    """Flag an author whose posts are repeatedly promotional (never for a single post)."""
    cfg = rules.author
    p, n = a.promo, a.posts
    if n == 0 or p < cfg["min_promo_posts"]:
        return None
    share = p / n
    if not (share > cfg["amber_share"] or a.sprayed or coordinated):
        return None
    red = (p >= cfg["red_promo_posts"] and share >= cfg["red_share"]) or a.sprayed or coordinated
    top, top_share = None, 0.0
    if a.domains:
        top, count = a.domains.most_common(1)[0]
        top_share = count / a.links
    guide = str(cfg.get("guide", "1 in 10"))
    guide_fr = guide.replace(" in ", " sur ")
    en = f"{p} of {n} posts promotional (guide: at most {guide})"
    fr = f"{p} messages promotionnels sur {n} (repère : au plus {guide_fr})"
    if top is not None:
        pct = round(100 * top_share)
        en += f"; top domain {top}, {pct}% of links"
        fr += f" ; domaine principal {top}, {pct} % des liens"
    if a.sprayed:
        en += "; replied to many participants with the same domain"
        fr += " ; a répondu à de nombreux participants avec le même domaine"
    if coordinated:
        en += "; same text as other accounts"
        fr += " ; même texte que d'autres comptes"
    en += f"; rules v{rules.version}"
    fr += f" ; règles v{rules.version}"
    return AuthorFlag(
        author_key,
        a.handle,
        p,
        n,
        top,
        round(top_share, 3),
        en,
        "red" if red else "amber",
        fr,
    )
