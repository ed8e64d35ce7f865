"""Hashtags as X sees them: the entities in a text, and whether a name alone would be one."""

from __future__ import annotations

import re

import regex

from tchat_tui.domain.text.twitter.urls import extract_urls_with_indices

_HASHTAG_LETTERS_AND_MARKS = r"\p{L}\p{M}"
_HASHTAG_NUMERALS = r"\p{Nd}"
_HASHTAG_SPECIAL = (  # joiners allowed inside a tag
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003"
    "\u0f0b\u0f0c\xb7"
)
_HASHTAG_ALNUM = _HASHTAG_LETTERS_AND_MARKS + _HASHTAG_NUMERALS + _HASHTAG_SPECIAL

# Upstream consumes the character before '#'; a lookbehind finds the same tags (a tag always ends
# on a letter, mark or digit, which cannot start the next boundary) and lets the scan jump to '#'.
_HASHTAG_RE = regex.compile(
    f"([#＃])(?<=(?:\\A|[\ufe0e\ufe0f]|[^&{_HASHTAG_ALNUM}])[#＃])(?!\ufe0f|\u20e3)"
    f"([{_HASHTAG_ALNUM}]*[{_HASHTAG_LETTERS_AND_MARKS}][{_HASHTAG_ALNUM}]*)",
    regex.IGNORECASE,
)
_END_HASHTAG_RE = regex.compile("[#＃]|://")  # matched at the end of a tag
_HASH_SIGN_RE = re.compile("[#＃]")
_VALID_TAG_RE = regex.compile(
    f"[{_HASHTAG_ALNUM}]*[{_HASHTAG_LETTERS_AND_MARKS}][{_HASHTAG_ALNUM}]*", regex.IGNORECASE
)


def extract_hashtags_with_indices(text: str) -> list[tuple[str, int, int]]:
    """Hashtag entities by the twitter-text rules: (tag without '#', start, end) in code points.

    The span covers the '#'. A tag inside a URL, glued to a letter (`x#tag`), all digits (`#123`),
    or followed by another '#' or by '://' is not a hashtag.
    """
    wide = "＃" in text
    if not wide and "#" not in text:
        return []
    # Every match starts at its hash sign, so trying the pattern at each hash sign past the
    # previous match finds what `finditer` finds, without trying it at every character.
    tags: list[tuple[str, int, int]] = []
    match = _HASHTAG_RE.match
    i = _next_hash_sign(text, 0, wide)
    while i >= 0:
        m = match(text, i)
        if m is None:
            i = _next_hash_sign(text, i + 1, wide)
            continue
        end = m.end()
        if not _END_HASHTAG_RE.match(text, end):
            tags.append((m.group(2), i, end))
        i = _next_hash_sign(text, end, wide)
    if not tags:
        return tags
    urls = extract_urls_with_indices(text)
    if not urls:
        return tags
    # Upstream: sort hashtags and URLs together, drop whatever overlaps the entity before it.
    entities = sorted(
        [(s, e, t) for t, s, e in tags] + [(s, e, None) for _, s, e in urls],
        key=lambda entity: entity[0],
    )
    kept: list[tuple[str, int, int]] = []
    prev_end = -1
    for start, end, tag in entities:
        if prev_end > start:
            continue
        prev_end = end
        if tag is not None:
            kept.append((tag, start, end))
    return kept


def _next_hash_sign(text: str, pos: int, wide: bool) -> int:
    """Index of the first '#' or '＃' at or after `pos`, or -1."""
    if not wide:
        return text.find("#", pos)
    m = _HASH_SIGN_RE.search(text, pos)
    return -1 if m is None else m.start()


def extract_hashtags(text: str) -> list[str]:
    """Hashtags in order, as written, without '#'."""
    return [tag for tag, _, _ in extract_hashtags_with_indices(text)]


def is_valid_hashtag(name: str) -> bool:
    """Whether `#name` (name as given, without '#') would be a hashtag entity on its own."""
    return _VALID_TAG_RE.fullmatch(name) is not None
