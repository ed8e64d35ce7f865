"""The chat's text rules: per-network limits, grapheme counting, the one draft check.

The composer promises "this post fits and carries the tag"; these rules are what X, Mastodon and
Bluesky accept and what their searches match. X counts by twitter-text (`parse_tweet`), Mastodon
and Bluesky count graphemes, with Mastodon's concessions for URLs and remote mentions.

The twitter-text port (URL, hashtag, mention and emoji extraction, weighted length and its
configs) lives in the package `tchat_tui.domain.text.twitter`; the chat's tag (normalising it,
finding it, adding it) in `tchat_tui.domain.text.tag`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

import regex

from tchat_tui.domain.post import Network
from tchat_tui.domain.text.tag import has_tag, normalize_tag
from tchat_tui.domain.text.twitter.length import (
    CONFIG_V1,
    CONFIG_V3,
    WeightConfig,
    invalid_characters,
    parse_tweet,
)
from tchat_tui.domain.text.twitter.urls import extract_urls_with_indices

# --- graphemes -------------------------------------------------------------------------------

_GRAPHEME_RE = regex.compile(r"\X")
# Characters next to which a grapheme boundary may be missing (Extend, ZWJ, SpacingMark, Prepend,
# regional indicators, Hangul jamo, CR, LF, controls). Two other characters in a row always split.
_JOINING_RUN_RE = regex.compile(r"\P{Grapheme_Cluster_Break=Other}+")


def grapheme_count(text: str) -> int:
    """User-perceived characters (extended grapheme clusters, as `regex` `\\X` finds them)."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    # Only the stretches around joining characters need the full rules; the rest is one per
    # character. A stretch takes one neighbour on each side; stretches sharing a neighbour merge.
    n = len(text)
    stretches: list[list[int]] = []
    for m in _JOINING_RUN_RE.finditer(text):
        start, end = max(m.start() - 1, 0), min(m.end() + 1, n)
        if stretches and start < stretches[-1][1]:
            stretches[-1][1] = end
        else:
            stretches.append([start, end])
    count = n
    for start, end in stretches:
        count += len(_GRAPHEME_RE.findall(text[start:end])) - (end - start)
    return count


# --- per-network rules -----------------------------------------------------------------------

_NETWORK_NAMES = {Network.X: "X", Network.MASTODON: "Mastodon", Network.BLUESKY: "Bluesky"}
_BLUESKY_MAX_BYTES = 3000
_MASTODON_MENTION_RE = regex.compile(
    r"(?<![=/\w])@([a-z0-9_]+(?:[.\-]+[a-z0-9_]+)*)(?:@\w+(?:[.\-]+\w+)*)?", regex.IGNORECASE
)


@dataclass(frozen=True)
class NetworkRules:
    """How a network counts a post and how long it may be."""

    network: Network
    limit: int
    """Maximum length in the network's own unit (X weighted length, graphemes elsewhere)."""
    url_weight: int = 23
    """What a URL counts on X and Mastodon (Bluesky counts URLs as written)."""
    classic: bool = False
    """X only: the classic 140 rule, every code point weighs 1."""
    max_bytes: int | None = None
    """A UTF-8 size cap on top of `limit` (Bluesky: 3000)."""


def rules_for(
    network: Network | str,
    *,
    classic: bool = False,
    limit: int | None = None,
    url_weight: int | None = None,
) -> NetworkRules:
    """The counting rules of a network: X 280 weighted (140 classic), Mastodon 500 graphemes,
    Bluesky 300 graphemes.

    Args:
        network: the network, or its name (`x`, `mastodon`, `bluesky`).
        classic: X only, the classic 140 rule (ignored elsewhere).
        limit: another limit, such as the Mastodon instance's `max_characters`.
        url_weight: another URL weight, such as the instance's `characters_reserved_per_url`.

    Raises:
        ValueError: for an unknown network or a limit or URL weight below 1.
    """
    net = Network(network)
    if limit is not None and limit < 1 or url_weight is not None and url_weight < 1:
        raise ValueError(f"limit and URL weight must be at least 1, not {limit}, {url_weight}")
    weight = 23 if url_weight is None else url_weight
    if net is Network.X:
        default = 140 if classic else 280
        return NetworkRules(net, default if limit is None else limit, weight, classic)
    if net is Network.MASTODON:
        return NetworkRules(net, 500 if limit is None else limit, weight)
    return NetworkRules(net, 300 if limit is None else limit, weight, max_bytes=_BLUESKY_MAX_BYTES)


@cache
def _x_config(rules: NetworkRules) -> WeightConfig:
    base = CONFIG_V1 if rules.classic else CONFIG_V3
    return replace(base, max_weighted_length=rules.limit, transformed_url_length=rules.url_weight)


def _mastodon_length(text: str, url_weight: int) -> int:
    """Mastodon's StatusLengthValidator: graphemes, a URL counts `url_weight`, `@u@host` is `@u`.

    Like Mastodon, only URLs written with their protocol get the concession.
    """
    entities = [
        (start, end, "x" * url_weight)
        for url, start, end in extract_urls_with_indices(text)
        if url.lower().startswith(("http://", "https://"))
    ]
    entities += [
        (m.start(), m.end(), f"@{m.group(1)}") for m in _MASTODON_MENTION_RE.finditer(text)
    ]
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in sorted(entities, key=lambda entity: entity[0]):
        if start < pos:
            continue  # overlaps the previous entity
        pieces.append(text[pos:start])
        pieces.append(replacement)
        pos = end
    pieces.append(text[pos:])
    return grapheme_count("".join(pieces))


def text_length(text: str, rules: NetworkRules) -> int:
    """The length of `text` in the network's own unit."""
    if rules.network is Network.X:
        return parse_tweet(text, _x_config(rules)).weighted_length
    if rules.network is Network.MASTODON:
        return _mastodon_length(text, rules.url_weight)
    return grapheme_count(text)


@dataclass(frozen=True)
class TextCheck:
    """The verdict on a draft for one network: the composer and the plan checker show the same."""

    network: Network
    length: int
    limit: int
    over_by: int
    has_tag: bool
    """The tag is there as a hashtag entity (True when no tag is required)."""
    valid: bool
    reason: str
    """Empty when valid, else the problems in words, separated by '; '."""


def check_text(text: str, rules: NetworkRules, tag: str | None) -> TextCheck:
    """Whether `text` fits the network and carries the chat's tag (no tag given: not required)."""
    name = _NETWORK_NAMES[rules.network]
    problems: list[str] = []
    length = text_length(text, rules)
    if rules.network is Network.X:
        bad = sorted({f"U+{ord(ch):04X}" for ch in invalid_characters(text)})
        if bad:
            problems.append(f"contains characters X refuses ({', '.join(bad)})")
    over_by = max(0, length - rules.limit)
    if not text.strip():
        problems.append("empty")
    elif over_by:
        problems.append(f"over the {name} limit by {over_by} ({length}/{rules.limit})")
    if rules.max_bytes is not None:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > rules.max_bytes:
            problems.append(f"over the {name} size limit by {size - rules.max_bytes} bytes")
    tagged = True if tag is None else has_tag(text, tag)
    if not tagged and tag is not None:
        problems.append(f"missing the tag #{normalize_tag(tag)}")
    return TextCheck(
        network=rules.network,
        length=length,
        limit=rules.limit,
        over_by=over_by,
        has_tag=tagged,
        valid=not problems,
        reason="; ".join(problems),
    )


def check_for_networks(
    text: str,
    networks: Sequence[Network],
    tag: str | None,
    limits: Mapping[Network, NetworkRules | int] | None = None,
    *,
    classic: bool = False,
) -> list[TextCheck]:
    """One verdict per target network, in the given order, for the composer's counts.

    `limits` gives a network's rules (see `network_rules`) or just its length limit; a network
    not named counts by its defaults (X 280 or 140 classic, Mastodon 500, Bluesky 300).
    """
    checks: list[TextCheck] = []
    for network in networks:
        given = (limits or {}).get(network)
        if isinstance(given, NetworkRules):
            rules = given
        else:
            rules = rules_for(network, classic=classic, limit=given)
        checks.append(check_text(text, rules, tag))
    return checks
