"""Mention and hashtag extraction try their patterns only near @ and #, and find what a full scan finds."""

from __future__ import annotations

import random

import pytest

from tchat_tui.domain.text.twitter.hashtags import (
    _END_HASHTAG_RE,
    _HASHTAG_RE,
    extract_hashtags_with_indices,
)
from tchat_tui.domain.text.twitter.mentions import _END_MENTION_RE, _MENTION_RE, extract_mentions
from tchat_tui.domain.text.twitter.urls import extract_urls_with_indices

# Pieces that exercise the pattern's corners: the RT/RT: prefix, lists, full-width at signs,
# latin accents and `://` after a name, case folding (Kelvin sign, long s), 20-character names.
PIECES = [
    *"@＠rRtT: .\n-_+~#!$%&*/aZb09é\u212aſxKs",
    "://",
    "RT",
    "rt:",
    " @",
    "abcdefghijklmnopqrst",
    "x" * 19,
    "/list",
]


def full_scan(text: str) -> list[str]:
    """The reference: upstream's scan over every character."""
    names = []
    for m in _MENTION_RE.finditer(text):
        if m.group(2) or _END_MENTION_RE.match(text, m.end()):
            continue
        names.append(m.group(1))
    return names


@pytest.mark.parametrize("seed", range(4))
def test_extract_mentions_matches_a_full_scan(seed: int) -> None:
    """Random texts built from tricky pieces give the same mentions as scanning every position."""
    rng = random.Random(seed)
    for _ in range(5_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0, 25)))
        assert extract_mentions(text) == full_scan(text), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@ada A3 merci", ["ada"]),
        ("RT@ada: hello", ["ada"]),
        ("mail me at ada@example.com", []),
        ("@ada/list and ＠bob", ["bob"]),
        ("@ada@bob", []),
        ("no at sign here", []),
    ],
)
def test_extract_mentions_cases(text: str, expected: list[str]) -> None:
    """A few cases read as rules: RT prefix, e-mail addresses, lists, glued handles."""
    assert extract_mentions(text) == expected


# Hashtag corners: keycaps, variation selectors, joiners, '&', digits-only tags, URLs, '://'.
TAG_PIECES = [
    *"#＃&_1a é́️︎⃣‌·x.:/",
    "://",
    "https://t.co/ab",
    "example.com/#x",
    "٣",
    "日本",
]


def full_hashtag_scan(text: str) -> list[tuple[str, int, int]]:
    """The reference: upstream's scan over every character, then tags overlapping a URL dropped."""
    tags = [
        (m.group(2), m.start(1), m.end(2))
        for m in _HASHTAG_RE.finditer(text)
        if not _END_HASHTAG_RE.match(text, m.end())
    ]
    urls = extract_urls_with_indices(text)
    if not tags or not urls:
        return tags
    entities = sorted(
        [(s, e, t) for t, s, e in tags] + [(s, e, None) for _, s, e in urls], key=lambda x: x[0]
    )
    kept, prev_end = [], -1
    for start, end, tag in entities:
        if prev_end > start:
            continue
        prev_end = end
        if tag is not None:
            kept.append((tag, start, end))
    return kept


@pytest.mark.parametrize("seed", range(4))
def test_extract_hashtags_matches_a_full_scan(seed: int) -> None:
    """Random texts give the same hashtags as scanning every position."""
    rng = random.Random(seed)
    for _ in range(5_000):
        text = "".join(rng.choice(TAG_PIECES) for _ in range(rng.randrange(0, 20)))
        assert extract_hashtags_with_indices(text) == full_hashtag_scan(text), text
