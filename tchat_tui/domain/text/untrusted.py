"""Untrusted text (posts, names, handles) made inert for every output: screen, files, stdout.

What is neutralised, wherever a participant's text is written:

- C0 controls but tab and newline, DEL and C1 controls (ESC starts CSI/OSC/DCS sequences, the
  8-bit U+009B is a CSI by itself, CR rewrites a terminal line, NUL truncates C readers);
- the bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) and the directional
  marks (U+200E, U+200F, U+061C), which can reorder what a reader sees ("Trojan Source");
- lone surrogates (U+D800-DFFF), which no UTF-8 writer accepts: one would stop the output.

Each such code point becomes U+FFFD, the character every reader, terminal and font already shows
as "something here could not be shown". It is visible where the control was (one for one, so the
text keeps its length and shape) and it is what the console's screen shows too. Control pictures
(U+2400-241F) would say which C0 control it was, but there are none for C1, bidi controls or
surrogates, and a reader takes them for ordinary symbols. Nothing is lost for good: the database
keeps the text as received, and JSON outputs escape (`\\u001b`) instead of replacing.

Zero-width characters (U+200B, U+200D, U+FEFF) are kept: they move no cursor and reorder nothing,
and U+200D joins emoji sequences. Handles that carry them are not valid handles, so never linked.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
"""What an unsafe code point becomes (see the module's docstring for why)."""

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""Every code point no output may carry raw: C0 but tab and newline, DEL, C1, bidi controls and
marks, lone surrogates. None of them is printable (`str.isprintable`), hence the fast paths."""

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What `json.dumps(..., ensure_ascii=False)` leaves raw among `UNSAFE` (it escapes C0 itself)."""


def neutral(text: str) -> str:
    """The text with its line breaks kept (CR LF and CR become LF, tabs stay) and every other
    unsafe code point replaced by U+FFFD."""
    if text.isprintable():  # no control, format or surrogate code point at all: most texts
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return UNSAFE.sub(REPLACEMENT, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        # A lone surrogate escaped as `\ud800` is valid JSON to Python but not to every reader
        # (RFC 8259 leaves it undefined): it is replaced, as everywhere else.
        return REPLACEMENT
    return f"\\u{code:04x}"


def json_text(document: str) -> str:
    """A JSON document made by `json.dumps(..., ensure_ascii=False)` with DEL, C1 controls and
    bidi controls escaped (`\\u202e`: the text is unchanged once parsed) and lone surrogates
    replaced by U+FFFD; C0 controls are already escaped by `json.dumps`.

    Safe on a whole document: outside strings, JSON is plain ASCII.
    """
    if document.isascii():  # O(1): then DEL is the only one left to escape
        if "\x7f" not in document:
            return document
    elif document.isprintable() or _JSON_UNSAFE.search(document) is None:
        return document
    return _JSON_UNSAFE.sub(_json_escape, document)
