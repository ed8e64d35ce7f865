"""Public text rules: weighted length, hashtags, URLs, per-network limits and the one draft check.

The chat's rules live in `tchat_tui.domain.text`, the twitter-text port (extraction, weighted
length) in `tchat_tui.domain.twitter_text`; `domain.text` re-exports both, and this module is the
stable import path.
"""

from __future__ import annotations

from tchat_tui.domain.text import (
    CONFIG_V1,
    CONFIG_V2,
    CONFIG_V3,
    NetworkRules,
    ParsedTweet,
    TextCheck,
    WeightConfig,
    check_text,
    ensure_tag,
    extract_emoji_with_indices,
    extract_hashtags,
    extract_hashtags_with_indices,
    extract_mentions,
    extract_urls,
    extract_urls_with_indices,
    grapheme_count,
    has_tag,
    is_valid_tag,
    normalize_tag,
    parse_tweet,
    prepare,
    rules_for,
    text_length,
    weighted_length,
)

__all__ = [
    "CONFIG_V1",
    "CONFIG_V2",
    "CONFIG_V3",
    "NetworkRules",
    "ParsedTweet",
    "TextCheck",
    "WeightConfig",
    "check_text",
    "ensure_tag",
    "extract_emoji_with_indices",
    "extract_hashtags",
    "extract_hashtags_with_indices",
    "extract_mentions",
    "extract_urls",
    "extract_urls_with_indices",
    "grapheme_count",
    "has_tag",
    "is_valid_tag",
    "normalize_tag",
    "parse_tweet",
    "prepare",
    "rules_for",
    "text_length",
    "weighted_length",
]
