"""Link signals of one post: link, reference link, own site, shortener, tracking."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tchat_tui.domain.promo.config import PromoRules
from tchat_tui.domain.promo.signals import Signal, make_signal
from tchat_tui.domain.promo.urls import (
    host_matches,
    registrable_domain,
    url_first_segment,
    url_host,
    url_params,
)
from tchat_tui.domain.promo.words import fold


def link_signals(
    rules: PromoRules,
    out: list[Signal],
    domains: list[str],
    urls: list[str],
    handle: str,
    name: str,
) -> bool:
    """Link, reference link, own site, shortener and tracking signals (each counted once),
    appended to `out`; the registrable domains of the non-reference links are appended to
    `domains`. True when the post has a link at all.
    """
    plain: list[str] = []
    refs: list[str] = []
    own = short = track = None
    for url in urls:
        info = _url_info(rules, url)
        if info is None:
            continue
        host = info.host
        if info.reference:
            refs.append(host)
            continue
        plain.append(host)
        domains.append(info.domain)
        if own is None:
            who = rules.cache.get(("who", handle, name))
            if who is None:
                who = rules.cache[("who", handle, name)] = identity(
                    handle, name, rules.generic_labels
                )
            if own_site_match(info.candidates, who):  # type: ignore[arg-type]
                own = host
        if short is None and info.shortener:
            short = host
        if track is None:
            track = info.tracking
    if plain:
        out.append(make_signal(rules, "link", ", ".join(dict.fromkeys(plain))))
    elif refs:
        out.append(make_signal(rules, "reference_link", ", ".join(dict.fromkeys(refs))))
    if own:
        out.append(make_signal(rules, "own_site", own))
    if short:
        out.append(make_signal(rules, "shortener", short))
    if track:
        out.append(make_signal(rules, "tracking", track))
    return bool(plain or refs)


@dataclass(frozen=True, slots=True)
class UrlInfo:
    """What a link's expanded URL says, independent of who posted it."""

    host: str
    domain: str
    reference: bool
    shortener: bool
    tracking: str | None
    candidates: list[str]


def _url_info(rules: PromoRules, url: str) -> UrlInfo | None:
    """Analyse a URL once (cached in the rules: the same links come back in a chat)."""
    key = ("url", url)
    cached = rules.cache.get(key)
    if cached is not None or key in rules.cache:
        return cached  # type: ignore[return-value]
    host = url_host(url)
    info = None
    if host:
        info = UrlInfo(
            host=host,
            domain=registrable_domain(host, rules.two_part_suffixes),
            reference=host_matches(host, rules.reference) is not None,
            shortener=host_matches(host, rules.shorteners) is not None,
            tracking=_tracking(rules, url, host),
            candidates=site_candidates(url, host, rules.generic_labels, rules.profile_hosts),
        )
    if len(rules.cache) > 4096:
        rules.cache.clear()
    rules.cache[key] = info
    return info


def _tracking(rules: PromoRules, url: str, host: str) -> str | None:
    """Why a link is a tracking or affiliate link, or None."""
    if host_matches(host, rules.affiliate_hosts):
        return host
    amazon = any(a in host for a in rules.amazon_tag_hosts)
    for key, value in url_params(url):
        if key.startswith("utm_") or key in rules.tracking_params or (amazon and key == "tag"):
            return f"{host} ?{key}={value[:20]}"
    return None


_NON_WORD = re.compile(r"[^\w]+")


def squash(text: str) -> str:
    """Letters and digits only, folded: `Coach-X` -> `coachx`."""
    return _NON_WORD.sub("", fold(text)).replace("_", "")


def identity(handle: str, name: str, generic: frozenset[str]) -> tuple[str, str, list[str]]:
    """An author's handle and display name squashed, and the name's distinctive words."""
    words = [squash(w) for w in re.split(r"[\s\-_.|,]+", name)]
    return squash(handle), squash(name), [w for w in words if len(w) >= 4 and w not in generic]


def site_candidates(
    url: str, host: str, generic: frozenset[str], profile_hosts: frozenset[str]
) -> list[str]:
    """The parts of a link that could name its owner: host labels, or a profile's path."""
    if host_matches(host, profile_hosts):
        return [squash(url_first_segment(url))]
    return [squash(lab) for lab in host.split(".")[:-1] if lab not in generic]


def own_site_match(candidates: list[str], who: tuple[str, str, list[str]]) -> bool:
    """True when a link's owner candidates match the author's handle or display name."""
    handle_sq, name_sq, name_words = who
    for cand in candidates:
        if len(cand) < 4:
            continue
        for whole in (handle_sq, name_sq):
            if _same_or_inside(cand, whole):
                return True
        if any(w == cand or (len(w) >= 5 and w in cand) for w in name_words):
            return True
    return False


def _same_or_inside(a: str, b: str) -> bool:
    """Equal (4+ letters), or the shorter one (5+ letters) inside the other."""
    if len(a) < 4 or len(b) < 4:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 5 and short in long
