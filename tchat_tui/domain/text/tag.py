"""The chat's tag: written with or without '#', found as a real hashtag, added when missing.

Case-insensitive and NFC, as X, Mastodon and Bluesky searches match tags.
"""

from __future__ import annotations

import unicodedata

from tchat_tui.domain.text.twitter.hashtags import extract_hashtags, is_valid_hashtag


def normalize_tag(tag: str) -> str:
    """The tag as written, NFC, without surrounding spaces or leading '#'/'＃'."""
    return unicodedata.normalize("NFC", tag.strip()).lstrip("#＃")


def is_valid_tag(tag: str) -> bool:
    """Whether `#tag` would be a hashtag entity: letters, marks, digits, joiners, not all digits."""
    return is_valid_hashtag(normalize_tag(tag))


def _tag_key(tag: str) -> str:
    return unicodedata.normalize("NFC", tag).casefold()


def has_tag(text: str, tag: str) -> bool:
    """Whether the text carries `tag` as a real hashtag entity (case-insensitive, NFC)."""
    wanted = _tag_key(normalize_tag(tag))
    if not wanted:
        return False
    norm = unicodedata.normalize("NFC", text)
    return any(_tag_key(found) == wanted for found in extract_hashtags(norm))


def ensure_tag(text: str, tag: str) -> str:
    """The text with ` #tag` appended when the tag is missing (no double space).

    Raises:
        ValueError: if `tag` can never be a hashtag entity (empty, all digits, punctuation).
    """
    name = normalize_tag(tag)
    if not is_valid_tag(name):
        raise ValueError(f"not a valid hashtag: {tag!r}")
    if has_tag(text, name):
        return text
    if not text or text[-1].isspace():
        return f"{text}#{name}"
    return f"{text} #{name}"
