"""Author rules for promo flagging: one author's bounded history and the flag it may earn."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter

from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.shingles import low32, low32_bytes, shingle_mask
from tchat_tui.domain.promo.signals import Level


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


class AuthorState:
    """One author's bounded history in the chat, in compact arrays.

    Per kept post: its shingle sketch (at most 16 32-bit numbers), its time and the hash of its
    normalised text; per author: a shingle filter (one int), counters and the linked domains.
    About 100 bytes a post, whatever the post's length.
    """

    __slots__ = (
        "handle",
        "cap",
        "sketches",
        "sizes",
        "mask",
        "masked",
        "times",
        "hashes",
        "posts",
        "promo",
        "links",
        "domains",
        "spray",
        "sprayed",
        "coordinated",
        "window",
    )

    def __init__(self, handle: str, cap: int) -> None:
        self.handle = handle
        self.cap = cap
        """Posts kept (the rules' `author.history`)."""
        self.sketches = array("I")
        """The kept posts' shingles, one post after the other."""
        self.sizes = bytearray()
        """How many shingles each kept post has, oldest first."""
        self.mask = 0
        """Bit `h % MASK_BITS` set for every shingle `h` of the posts added since the last rebuild
        (a superset of the kept posts' shingles: a post sharing none skips the comparison)."""
        self.masked = 0
        """Posts whose bits are in `mask`."""
        self.times = array("q")
        """Times of the last `cap` posts, in microseconds since the epoch, in arrival order."""
        self.hashes = array("q")
        """Hashes of the normalised texts of the last 50 posts long enough to have one."""
        self.posts = 0
        self.promo = 0
        self.links = 0
        self.domains: dict[str, int] = {}
        """Links per registrable domain."""
        self.spray: ReplyLinks | None = None
        """The author's replies carrying links (the last 50 per domain)."""
        self.sprayed = False
        self.coordinated = False
        self.window = 0
        """The author's posts in the chat's rate window (kept by the tracker)."""

    def forget_posts(self) -> None:
        """Drop the kept posts (shingles, times, reply trail), keeping the counts and domains."""
        self.sketches = array("I")
        self.sizes = bytearray()
        self.mask = 0
        self.masked = 0
        self.times = array("q")
        self.spray = None

    @property
    def history(self) -> bytearray:
        """One entry per kept post (its number of shingles)."""
        return self.sizes

    def remember(self, shingles: frozenset[int], mask: int) -> None:
        """Keep a post's shingles, forgetting the oldest post beyond the history size."""
        sizes = self.sizes
        if len(sizes) >= self.cap:
            del self.sketches[: sizes[0]]
            del sizes[0]
        self.sketches.frombytes(low32_bytes(shingles))
        sizes.append(len(shingles))
        self.masked += 1
        if self.masked >= 2 * self.cap:
            # Forgotten posts' bits only cost false alarms; rebuild before they pile up.
            self.mask = shingle_mask(frozenset(self.sketches))  # the same low bits
            self.masked = len(sizes)
        else:
            self.mask |= mask

    def best_overlap(self, shingles: frozenset[int], mask: int, at_least: float = 0.0) -> float:
        """The highest Jaccard similarity between `shingles` and a kept post, or 0.0 when no
        kept post can reach `at_least`.

        A post sharing `c` of our `n` shingles scores `c / (n + size - c) <= c / n`, and `c` is at
        most the number of our shingles whose bit is in the filter (plus those sharing a bit
        with another of ours).
        """
        n = len(shingles)
        found = (mask & self.mask).bit_count() + n - mask.bit_count()
        if not n or not found or found / n < at_least:
            return 0.0
        best = 0.0
        at = 0
        sketches = self.sketches
        kept = low32(shingles)
        for size in self.sizes:
            c = len(kept.intersection(sketches[at : at + size]))
            at += size
            if c:
                best = max(best, c / (n + size - c))
        return best

    def add_reply_link(self, domain: str, micros: int, user: str) -> None:
        """Remember a reply to `user` carrying a link to `domain`."""
        if self.spray is None:
            self.spray = ReplyLinks()
        self.spray.add(domain, micros, user)


class ReplyLinks:
    """An author's replies that carry links: one flat record per (reply, domain), in arrival
    order, at most `per_domain` per domain (24 bytes a record instead of a tuple and a list
    per domain)."""

    __slots__ = ("domains", "times", "users", "in_order")

    per_domain = 50

    def __init__(self) -> None:
        self.domains: list[str] = []
        self.times = array("q")
        """Microseconds since the epoch."""
        self.users: list[str] = []
        """The user replied to."""
        self.in_order = True
        """Times never went back: `since` can bisect instead of reading every record."""

    def add(self, domain: str, micros: int, user: str) -> None:
        """Add a record, dropping the domain's oldest beyond `per_domain`."""
        domains = self.domains
        if domains.count(domain) >= self.per_domain:
            i = domains.index(domain)
            del domains[i], self.times[i], self.users[i]
        if self.times and micros < self.times[-1]:
            self.in_order = False
        domains.append(domain)
        self.times.append(micros)
        self.users.append(user)

    def since(self, domain: str, cutoff: int) -> list[tuple[int, str]]:
        """(time, user) of the domain's records at or after `cutoff`, in arrival order."""
        start = bisect_left(self.times, cutoff) if self.in_order else 0
        return [
            (t, u)
            for d, t, u in zip(
                self.domains[start:], self.times[start:], self.users[start:], strict=True
            )
            if d == domain and t >= cutoff
        ]


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
        # The first domain with the highest count, as Counter.most_common(1) gives it.
        top, count = max(a.domains.items(), key=itemgetter(1))
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
