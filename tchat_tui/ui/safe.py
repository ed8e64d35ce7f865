"""Untrusted text made safe to show: no markup is parsed and no terminal control gets through."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the bidi embedding/override/isolate controls that could reorder a line.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"[\t\n\r\u2028\u2029\x0c\x0b]+")


def one_line(text: str) -> str:
    """The text on one line: line breaks become ' ⏎ ', control characters become '�'."""
    if text.isprintable():  # no break, control or format character at all: most posts
        return text
    text = _BREAKS.sub(" ⏎ ", text)
    return _CONTROLS.sub("\ufffd", text)


def multi_line(text: str) -> str:
    """The text with its line breaks kept and every other control character replaced by '�'."""
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "\n".join(_CONTROLS.sub("\ufffd", part) for part in text.split("\n"))
