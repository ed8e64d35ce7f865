"""Post text as terminals draw it: emoji sequences in a form of one agreed width, cut by cells.

Textual places every character by Rich's measure (`rich.cells.cell_len`), and the terminal then
draws it by its own. For most text they agree. For emoji sequences they do not, and not even tmux
agrees with itself across versions (measured here with tmux 3.3a, read in tmux's source for later
ones; the table is in tests/ui/test_terminal_text.py):

- ZWJ sequences (🧑‍⚕️, 👩‍👩‍👧‍👦): one 2-cell glyph in tmux >= 3.3 and Rich; the sum of their parts
  in tmux 3.2 and in terminals without grapheme clustering (xterm, older VTE): 3 and 8 cells.
  tmux 3.3 keeps at most 21 bytes of a cluster and drops the rest (the family loses its boy).
- VS16 after a character that is text by default (⚜️ ❤️ ©️ 1️⃣): 1 cell in tmux <= 3.3, 2 in tmux
  >= 3.4 (3.6+: option variation-selector-always-wide, on by default) and in Rich.
- Skin tones (👍🏽): 4 cells in tmux <= 3.3 (two wide characters), 2 in tmux >= 3.4 and Rich.
- Flags (two regional indicators) and tag sequences (🏴󠁧󠁢󠁳󠁣󠁴󠁿): 2 cells everywhere.

A row whose measure disagrees with the drawing pushes the rest of the row sideways (the pane's
divider moves) or loses its last character. So the stream writes each sequence in the one form
that every one of them draws at the width Rich measures: the joiners, variation selectors, skin
tones and tag characters are left out, so 🧑‍⚕️ is shown as its parts 🧑⚕ (3 cells everywhere),
⚜️ as ⚜ (1), 👍🏽 as 👍 (2); the post's own text (detail pane, replies, files) is untouched.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

import regex
from rich.cells import cell_len

_UNSTABLE = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
"""Zero-width joiner, variation selectors 15 and 16, skin-tone modifiers, tag characters: the
code points whose effect on a row's width differs from one terminal (or tmux version) to the next."""
_CLUSTER = regex.compile(r"\X")
_SINGLE_CELL_RANGES = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x2FF),  # Latin-1, Latin Extended, IPA, spacing modifiers
    (0x370, 0x52F),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2010, 0x205E),  # punctuation: dashes, quotes, ellipsis, ‼
    (0x20A0, 0x20C0),  # currency signs
    (0x2100, 0x21FF),  # letterlike symbols, arrows (↩)
    (0x2300, 0x23FF),  # technical (⏎)
    (0x2500, 0x27BF),  # box drawing, shapes, symbols (★ ✓ ⚜)
]


@functools.cache
def single_cell_characters() -> frozenset[str]:
    """Characters one cell wide that stand alone (no combining mark, no format character): a text
    made only of them is measured by counting. Built on first use (tens of milliseconds), after
    the console's first frame."""
    return frozenset(
        ch
        for low, high in _SINGLE_CELL_RANGES
        for ch in map(chr, range(low, high + 1))
        if cell_len(ch) == 1
        and unicodedata.category(ch) not in ("Mn", "Me", "Cf", "Cc", "Co", "Cn")
    )


def _character_class(chars: frozenset[str]) -> str:
    """A regex character class body for the characters, as ranges."""
    points = sorted(map(ord, chars))
    spans: list[list[int]] = []
    for p in points:
        if spans and p == spans[-1][1] + 1:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in spans
    )


@functools.cache
def _not_single_cell() -> re.Pattern[str]:
    return re.compile(f"[^{_character_class(single_cell_characters())}]")


def drawable(text: str) -> str:
    """The text with its emoji sequences in the form every terminal draws at Rich's width."""
    if text.isascii() or _UNSTABLE.search(text) is None:
        return text
    return _UNSTABLE.sub("", text)


def single_cell(text: str) -> bool:
    """Whether every character of the text takes one cell on its own (its width is its length)."""
    return text.isascii() or _not_single_cell().search(text) is None


def clusters(text: str) -> list[str]:
    """The text's user-perceived characters (extended grapheme clusters)."""
    if text.isascii():
        return list(text)
    found: list[str] = _CLUSTER.findall(text)
    return found


def width(text: str) -> int:
    """Cells the (drawable) text takes: Rich's measure, the one Textual composes with."""
    return cell_len(text)


def chop(text: str, cells: int) -> Iterator[str]:
    """Pieces of at most `cells` cells (at least one character each), never inside a character."""
    if text.isascii():
        for i in range(0, len(text), max(1, cells)):
            yield text[i : i + max(1, cells)]
        return
    piece: list[str] = []
    used = 0
    for cluster in clusters(text):
        w = cell_len(cluster)
        if piece and used + w > cells:
            yield "".join(piece)
            piece, used = [], 0
        piece.append(cluster)
        used += w
    if piece:
        yield "".join(piece)


def cut(text: str, cells: int) -> str:
    """The longest start of the text that fits in `cells` cells, never inside a character."""
    if cells <= 0:
        return ""
    if text.isascii():
        return text[:cells]
    if cell_len(text) <= cells:
        return text
    kept: list[str] = []
    used = 0
    for cluster in clusters(text):
        used += cell_len(cluster)
        if used > cells:
            break
        kept.append(cluster)
    return "".join(kept)
