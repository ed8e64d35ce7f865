"""Where a draft stops fitting a network: the part past its limit, shown to the host before the
network would refuse it (the console never cuts a post: it refuses to send it)."""

from __future__ import annotations

import regex

from tchat_tui.domain.text.rules import NetworkRules, text_length

_GRAPHEME_RE = regex.compile(r"\X")


def fitting_end(text: str, rules: NetworkRules) -> int:
    """The longest prefix of `text` (in characters, on a grapheme boundary) that fits the
    network's limit; `len(text)` when all of it fits.

    A link counts its fixed weight only once complete, so a prefix ending inside a link may
    count less than the whole link: the cut then falls at the link's start or inside it, which
    is where the host has to shorten anyway.
    """
    if text_length(text, rules) <= rules.limit:
        return len(text)
    ends = [m.end() for m in _GRAPHEME_RE.finditer(text)]
    lo, hi = 0, len(ends) - 1  # ends[hi] (the whole text) does not fit
    best = 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if text_length(text[: ends[mid]], rules) <= rules.limit:
            best = ends[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def overflow(text: str, rules: NetworkRules) -> str:
    """The part of `text` past the network's limit ('' when it fits)."""
    return text[fitting_end(text, rules) :]
