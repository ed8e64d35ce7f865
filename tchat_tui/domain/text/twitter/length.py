"""Weighted length and validity of a post on X (upstream `parseTweet` and its configs)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from tchat_tui.domain.text.twitter.characters import INVALID_CHARACTERS
from tchat_tui.domain.text.twitter.emoji_sequences import emoji_trie, extract_emoji_with_indices
from tchat_tui.domain.text.twitter.urls import extract_urls_with_indices, url_patterns

_INVALID_CHAR_RE = re.compile(f"[{INVALID_CHARACTERS}]")


def invalid_characters(text: str) -> list[str]:
    """The characters that make a post invalid on X (U+FFFE, U+FEFF, U+FFFF), in order."""
    return _INVALID_CHAR_RE.findall(text)


def prepare() -> None:
    """Build the URL patterns and the emoji trie now (about 0.1 s) rather than on first use."""
    url_patterns()
    emoji_trie()


@dataclass(frozen=True)
class WeightConfig:
    """A twitter-text weighting config (upstream `config/v1.json`...`v3.json`)."""

    max_weighted_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...]
    """(first code point, last code point, weight), checked in order."""
    emoji_parsing: bool


CONFIG_V1 = WeightConfig(140, 1, 1, 23, (), False)
CONFIG_V2 = WeightConfig(
    280,
    100,
    200,
    23,
    ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100)),
    False,
)
CONFIG_V3 = replace(CONFIG_V2, emoji_parsing=True)


@dataclass(frozen=True)
class ParsedTweet:
    """What upstream `parseTweet` reports; ranges are inclusive UTF-16 code-unit indices."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range_start: int
    display_range_end: int
    valid_range_start: int
    valid_range_end: int


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _char_weight(cp: int, config: WeightConfig) -> int:
    for first, last, weight in config.ranges:
        if first <= cp <= last:
            return weight
    return config.default_weight


@cache
def _outside_ranges(config: WeightConfig) -> tuple[re.Pattern[str], int | None]:
    """A class of the characters outside every weight range, and the ranges' common weight."""
    spans = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b, _ in config.ranges)
    weights = {weight for _, _, weight in config.ranges}
    return re.compile(f"[^{spans}]"), weights.pop() if len(weights) == 1 else None


def _run_weight(run: str, config: WeightConfig) -> int:
    """Scaled weight of characters that are neither URL nor emoji."""
    if not config.ranges:
        return config.default_weight * len(run)
    outside, common = _outside_ranges(config)
    if common is None:
        return sum(_char_weight(ord(ch), config) for ch in run)
    heavy = len(outside.findall(run))
    return heavy * config.default_weight + (len(run) - heavy) * common


def _entities(text: str, config: WeightConfig) -> list[tuple[int, int, int]]:
    """(start, end, scaled weight) of the URLs and emoji that count as one unit, in the order
    upstream's character walk meets them (a URL wins over an emoji at the same index)."""
    urls = {start: end for _, start, end in extract_urls_with_indices(text)}
    emojis = (
        {start: end for _, start, end in extract_emoji_with_indices(text)}
        if config.emoji_parsing
        else {}
    )
    url_weight = config.transformed_url_length * config.scale
    found: list[tuple[int, int, int]] = []
    pos = 0
    for start in sorted(urls.keys() | emojis.keys()):
        if start < pos:
            continue
        if start in urls:
            found.append((start, urls[start], url_weight))
        else:
            found.append((start, emojis[start], config.default_weight))
        pos = found[-1][1]
    return found


def parse_tweet(text: str, config: WeightConfig = CONFIG_V3) -> ParsedTweet:
    """Weighted length, validity, permillage and valid/display ranges, as twitter-text has them.

    NFC first; URLs count `transformed_url_length`; with emoji parsing a whole emoji sequence is one
    unit of the default weight; U+FFFE, U+FEFF and U+FFFF make the text invalid. The valid range
    ends before the first invalid character or the first character past the limit.
    """
    norm = unicodedata.normalize("NFC", text)
    n = len(norm)
    limit = config.max_weighted_length * config.scale
    bad = _INVALID_CHAR_RE.search(norm)
    first_invalid = bad.start() if bad else n
    weighted = 0
    units = 0  # UTF-16 units inside the valid range so far
    valid_end = 0
    growing = True  # the valid range stops for good at the limit or at an invalid character
    pos = 0
    for start, end, weight in [*_entities(norm, config), (n, n, 0)]:
        if pos < start:
            run = norm[pos:start]
            run_weight = _run_weight(run, config)
            if growing and weighted + run_weight <= limit and first_invalid >= start:
                units += _utf16_len(run)
                valid_end = units - 1
            elif growing:
                partial = weighted
                for k, ch in enumerate(run):
                    partial += _char_weight(ord(ch), config)
                    if pos + k == first_invalid or partial > limit:
                        growing = False
                        break
                    units += 2 if ord(ch) > 0xFFFF else 1
                    valid_end = units - 1
            weighted += run_weight
        if start < end:
            weighted += weight
            if growing and weighted <= limit and not start <= first_invalid < end:
                units += _utf16_len(norm[start:end])
                valid_end = units - 1
            else:
                growing = False
        pos = end
    length = weighted // config.scale
    offset = _utf16_len(text) - _utf16_len(norm)
    return ParsedTweet(
        weighted_length=length,
        valid=first_invalid == n and 0 < length <= config.max_weighted_length,
        permillage=length * 1000 // config.max_weighted_length,
        display_range_start=0,
        display_range_end=max(_utf16_len(text) - 1, 0),
        valid_range_start=0,
        valid_range_end=max(valid_end + offset, 0),
    )


def weighted_length(text: str, *, classic: bool = False) -> int:
    """X weighted length: config v3 by default, the classic 140 rule (v1) with `classic=True`."""
    return parse_tweet(text, CONFIG_V1 if classic else CONFIG_V3).weighted_length
