"""Emoji sequences as twitter-text counts them (one unit each), from the `emoji` package's data."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# twemoji (which upstream counts with) takes these four only with U+FE0F; bare, they are text.
_TEXT_ONLY_BARE = {"\xa9", "\xae", "\u2122", "\u265f"}


@cache
def emoji_trie() -> dict[str, Any]:
    """A trie of every emoji sequence in the `emoji` package's current Unicode data."""
    trie: dict[str, Any] = {}
    import emoji  # its table loads on the first emoji check, not with every import

    for sequence in emoji.EMOJI_DATA:
        if sequence in _TEXT_ONLY_BARE:
            continue
        node = trie
        for ch in sequence:
            node = node.setdefault(ch, {})
        node[""] = {}
    return trie


# Where an emoji may start: a superset of the first characters in the data (checked by
# `test_emoji_start_class_covers_the_data`), plus U+20E3 to find keycaps from their end.
_EMOJI_START_RE = re.compile("[\xa9\xae\u203c-\u3299\U0001f000-\U0001faff\u20e3]")
_KEYCAP_BASES = "#*0123456789"


def extract_emoji_with_indices(text: str) -> list[tuple[str, int, int]]:
    """Emoji sequences (ZWJ, modifiers, flags, keycaps, tags), longest first, with indices."""
    if text.isascii():
        return []
    trie = emoji_trie()
    found: list[tuple[str, int, int]] = []
    n = len(text)
    pos = 0
    while (m := _EMOJI_START_RE.search(text, pos)) is not None:
        i = m.start()
        if text[i] == "\u20e3":  # a keycap: its base is one or two characters back
            i -= 2 if text[i - 1 : i] == "\ufe0f" else 1
            if i < pos or text[i] not in _KEYCAP_BASES:
                pos = m.end()
                continue
        best = -1
        node: Any = trie
        for j in range(i, n):
            node = node.get(text[j])
            if node is None:
                break
            if "" in node:
                best = j + 1
        if best > i:
            found.append((text[i:best], i, best))
            pos = best
        else:
            pos = i + 1
    return found
