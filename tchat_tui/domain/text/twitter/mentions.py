"""Mentions as X sees them: the handles a text mentions, in order (upstream `extract_mentions`)."""

from __future__ import annotations

import re

import regex

from tchat_tui.domain.text.twitter.characters import LATIN_ACCENTS

_MENTION_RE = regex.compile(
    r"(?:[^a-z0-9_!#$%&*@＠]|^|(?:^|[^a-z0-9_+~.\-])[rR][tT]:?)"
    r"[@＠]([a-z0-9_]{1,20})(/[a-z][a-z0-9_\-]{0,24})?",
    regex.IGNORECASE | regex.MULTILINE,
)
_END_MENTION_RE = regex.compile(f"[@＠]|[{LATIN_ACCENTS}]|://", regex.IGNORECASE)
_AT_SIGN_RE = re.compile("[@＠]")
_MENTION_REACH = 4
"""How far before its at sign a mention match may start: 'xRT:@' (boundary, R, T, colon)."""
_MENTION_END_SAFE = frozenset(
    ch for ch in map(chr, range(128)) if ch != ":" and not _END_MENTION_RE.match(ch)
)
"""ASCII characters after which a mention surely stands (`_END_MENTION_RE` cannot match)."""


def extract_mentions(text: str) -> list[str]:
    """Mentioned X handles in order, without '@' (lists such as @user/list are skipped)."""
    wide = "＠" in text
    if not wide and "@" not in text:
        return []
    # `_MENTION_RE.finditer` would try the pattern at every character; a match starts at most
    # `_MENTION_REACH` characters before an at sign, so only those starts are tried, in the same
    # order and never overlapping the previous match: the same matches, several times faster.
    names: list[str] = []
    match = _MENTION_RE.match
    pos = 0
    i = _next_at_sign(text, 0, wide)
    while i >= 0:
        for start in range(max(pos, i - _MENTION_REACH), i + 1):
            m = match(text, start)
            if m is not None:
                break
        else:
            i = _next_at_sign(text, i + 1, wide)
            continue
        pos = m.end()
        after = text[pos : pos + 1]
        ends = not after or after in _MENTION_END_SAFE or not _END_MENTION_RE.match(text, pos)
        if ends and not m.group(2):
            names.append(m.group(1))
        i = _next_at_sign(text, pos, wide)
    return names


def _next_at_sign(text: str, pos: int, wide: bool) -> int:
    """Index of the first '@' or '＠' at or after `pos`, or -1."""
    if not wide:
        return text.find("@", pos)
    m = _AT_SIGN_RE.search(text, pos)
    return -1 if m is None else m.start()
