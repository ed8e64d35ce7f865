"""A post's own words: what its author wrote, without the automatic leading @mentions of a reply."""

from __future__ import annotations

import re

# Leading "@a @b " that X adds to a reply; the author's own words start after it.
_LEADING_MENTIONS = re.compile(r"^(?:\s*[@＠]\w{1,50}[\s,:]*)+")


def own_words(text: str) -> str:
    """The author's words: without the automatic leading @mentions of a reply."""
    words = text.lstrip()
    if not words.startswith(("@", "＠")):  # `_LEADING_MENTIONS` cannot match
        return words
    return _LEADING_MENTIONS.sub("", text, count=1).lstrip()
