"""Signals from an author's history in the chat: P1 repeat promoter, D1 self-duplicate, R1 repeated
domain, R2 reply spraying; and the chat's promotional posts, whose retweets are a spam network's.
The tracker calls each only when the post has what it needs."""

from __future__ import annotations

from tchat_tui.domain.post import Post, make_key
from tchat_tui.domain.promo.authors import AuthorState
from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.signals import Signal, make_signal


def _ordinal(n: int, lang: str) -> str:
    if lang == "fr":
        return f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def repeat_promoter(rules: PromoRules, sigs: list[Signal], author: AuthorState) -> None:
    """P1: the author's earlier posts were promotional, and this one has a signal too."""
    if any(s.weight > 0 for s in sigs):
        k = author.promo
        sigs.append(
            make_signal(
                rules,
                "repeat_promoter",
                f"{k} promotional post{'s' if k > 1 else ''}",
                f"{k} message{'s' if k > 1 else ''} promotionnel{'s' if k > 1 else ''}",
            )
        )


def self_duplicate(rules: PromoRules, sigs: list[Signal], best: float) -> None:
    """D1: a near-duplicate of one of the author's kept posts (`best`: the Jaccard similarity)."""
    pct = round(100 * best)
    sigs.append(make_signal(rules, "self_duplicate", f"{pct}%", f"{pct} %"))


def domain_history(
    rules: PromoRules,
    sigs: list[Signal],
    author: AuthorState,
    domains: list[str],
    reply_user: str | None,
    now_us: int,
    repeat_domain: float,
    spray_window: int,
) -> None:
    """R1 repeated domain, R2 reply spraying; `now_us` and `spray_window` in microseconds,
    `repeat_domain` the rules' limit of that name (the tracker reads it once)."""
    for domain in dict.fromkeys(domains):
        n = author.domains.get(domain, 0) + 1
        if n >= repeat_domain:
            sigs.append(
                make_signal(
                    rules,
                    "repeated_domain",
                    f"{_ordinal(n, 'en')} link to {domain}",
                    f"{_ordinal(n, 'fr')} lien vers {domain}",
                )
            )
            break
    if reply_user is None or author.spray is None and rules.limit("spray_users") > 1:
        return
    # `now - t <= window` is `t >= now - window` (exact integer arithmetic).
    cutoff = now_us - spray_window
    for domain in dict.fromkeys(domains):
        trail = author.spray.since(domain, cutoff) if author.spray is not None else []
        users = {u for _, u in trail} | {reply_user}
        if len(users) >= rules.limit("spray_users"):
            first = min((t for t, _ in trail), default=now_us)
            mins = max(1, round((now_us - first) / 1_000_000 / 60))
            sigs.append(
                make_signal(
                    rules,
                    "reply_spray",
                    f"{len(users)} participants with {domain} links in {mins} min",
                    f"{len(users)} participants avec des liens {domain} en {mins} min",
                )
            )
            break


PROMO_POSTS_CAP = 20_000
"""Promotional posts remembered for the retweets of them (the oldest are forgotten)."""


def remember_promo(promo_posts: dict[str, None], key: str) -> None:
    """Add a promotional post's key (oldest first, capped)."""
    promo_posts[key] = None
    if len(promo_posts) > PROMO_POSTS_CAP:
        del promo_posts[next(iter(promo_posts))]


def reposts_promo(post: Post, promo_posts: dict[str, None]) -> bool:
    """True when `post` is a retweet of one of the chat's promotional posts."""
    return (
        post.repost_of_id is not None
        and bool(promo_posts)
        and make_key(post.network, post.repost_of_id, post.instance) in promo_posts
    )
