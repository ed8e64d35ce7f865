"""Untrusted text made safe to show: no markup is parsed and no terminal control gets through.

The code points replaced are `domain.text.untrusted.UNSAFE`, the same set every file output
neutralises (C0/C1, DEL, bidi controls and marks, lone surrogates), and by the same '�'.
"""

from __future__ import annotations

import re

from tchat_tui.domain.text.untrusted import REPLACEMENT, UNSAFE

_BREAKS = re.compile(r"[\t\n\r\u2028\u2029\x0c\x0b]+")


def one_line(text: str) -> str:
    """The text on one line: line breaks become ' ⏎ ', control characters become '�'."""
    if text.isprintable():  # no break, control or format character at all: most posts
        return text
    text = _BREAKS.sub(" ⏎ ", text)
    return UNSAFE.sub(REPLACEMENT, text)


def multi_line(text: str) -> str:
    """The text with its line breaks kept and every other control character replaced by '�'."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "\n".join(UNSAFE.sub(REPLACEMENT, part) for part in text.split("\n"))
