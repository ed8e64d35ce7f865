"""Guests nobody named: with no plan and no announcement ("our guests: @a @b"), the chat's
speakers are the people the audience keeps asking.

A participant whose posts draw questions from `ASKERS` different people (replies to them that
ask something) is taken for a guest from then on: the questions put to them after that are the
audience's questions. Only used while the classifier learns guests and none was announced.
"""

from __future__ import annotations

import re

from tchat_tui.domain.post import Post

_FIRST_MENTION = re.compile(r"^\s*[@＠](\w{1,50})")

ASKERS = 3
"""Different people asking someone before they count as a speaker."""
KEPT = 5000
"""People tracked at most (the oldest are forgotten first)."""


def addressee(post: Post) -> str | None:
    """The first @-name a reply starts with (the author of the post replied to, as the reply was
    written), or None."""
    first = _FIRST_MENTION.match(post.text) if post.reply_to_id else None
    return first.group(1) if first else None


class AskedOften:
    """Who asked whom, for replies that ask something."""

    def __init__(self) -> None:
        self._askers: dict[str, set[str]] = {}
        self.speakers: set[str] = set()
        """The handles (folded) taken for guests: a reply to any of their posts asks a guest."""

    def asked(self, post: Post, words: str, guests: tuple[str, ...]) -> list[str]:
        """The handle this reply asks, once it reaches `ASKERS` different askers (then never
        again); else nothing. Nothing either once the chat has `guests` found another way (the
        host named them with their @-names)."""
        if not post.reply_to_id or ("?" not in words and "？" not in words):
            return []
        if any(g.lstrip("@＠").casefold() not in self.speakers for g in guests):
            return []
        name = addressee(post)
        if name is None or name.casefold() == post.author_handle.casefold():
            return []
        handle = name.casefold()
        askers = self._askers.get(handle)
        if askers is None:
            if len(self._askers) >= KEPT:
                del self._askers[next(iter(self._askers))]
            askers = self._askers[handle] = set()
        if len(askers) >= ASKERS:
            return []
        askers.add(post.author_id)
        if len(askers) < ASKERS:
            return []
        self.speakers.add(handle)
        return [name]
