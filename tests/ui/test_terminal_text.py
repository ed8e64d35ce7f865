"""Emoji sequences are written in a form every terminal draws at the width Rich measures.

WIDTHS is the table of sequences: what tmux 3.3a draws as written (measured with the cursor
position after `printf`), what Rich measures as written, the drawable form the stream writes, and
its width. With tmux installed, the drawable forms are checked against what tmux draws.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest
from rich.cells import cell_len

from tchat_tui.ui.terminal_text import chop, clusters, cut, drawable, single_cell, width

WIDTHS = [
    # name, as written, tmux 3.3a draws, Rich measures, drawable form, its width everywhere
    ("health worker (ZWJ + VS16)", "🧑\u200d⚕\ufe0f", 2, 2, "🧑⚕", 3),
    ("family (3 ZWJ, 25 bytes)", "👩\u200d👩\u200d👧\u200d👦", 2, 2, "👩👩👧👦", 8),
    ("man facepalming (ZWJ + VS16)", "🤦\u200d♂\ufe0f", 2, 2, "🤦♂", 3),
    ("rainbow flag (VS16 + ZWJ)", "🏳\ufe0f\u200d🌈", 1, 2, "🏳🌈", 3),
    ("eye in speech bubble", "👁\ufe0f\u200d🗨\ufe0f", 1, 2, "👁🗨", 2),
    ("woman technologist, skin tone", "👩🏽\u200d💻", 4, 2, "👩💻", 4),
    ("fleur-de-lis VS16", "⚜\ufe0f", 1, 2, "⚜", 1),
    ("heart VS16", "❤\ufe0f", 1, 2, "❤", 1),
    ("copyright VS16", "©\ufe0f", 1, 2, "©", 1),
    ("keycap one", "1\ufe0f\u20e3", 1, 2, "1\u20e3", 1),
    ("thumbs up, skin tone", "👍🏽", 4, 2, "👍", 2),
    ("flag of France", "🇫🇷", 2, 2, "🇫🇷", 2),
    (
        "flag of Scotland (tags)",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        2,
        2,
        "🏴",
        2,
    ),
    ("grinning face", "😀", 2, 2, "😀", 2),
    ("CJK ideograph", "中", 2, 2, "中", 2),
    ("e + combining acute", "e\u0301", 1, 1, "e\u0301", 1),
    ("plain words", "merci à vous", 12, 12, "merci à vous", 12),
]


@pytest.mark.parametrize(("name", "written", "tmux33", "rich", "form", "cells"), WIDTHS)
def test_drawable_form_and_width(
    name: str, written: str, tmux33: int, rich: int, form: str, cells: int
) -> None:
    """The stream writes the drawable form, and Rich (Textual's measure) gives it its width."""
    assert cell_len(written) == rich, name  # what Textual would have assumed as written
    assert drawable(written) == form, name
    assert width(form) == cell_len(form) == cells, name
    assert drawable(form) == form  # stable


def _tmux_widths(texts: list[str]) -> list[int]:
    """How many cells tmux's cursor moves for each text printed at the start of a line."""
    sock = f"tchat-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", sock, "-f", "/dev/null", "-u"]
    env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "120", "-y", "5", "sleep 600"], env=env, check=True
    )
    try:
        out = []
        for text in texts:
            hexed = "".join(f"\\x{b:02x}" for b in text.encode())
            subprocess.run(
                [*tmux, "respawn-pane", "-k", f"printf '{hexed}'; printf '\\x01' >&2; sleep 600"],
                env=env,
                check=True,
            )
            deadline = time.monotonic() + 5
            x = "0"
            while time.monotonic() < deadline:
                time.sleep(0.1)
                x = subprocess.run(
                    [*tmux, "display", "-p", "#{cursor_x}"], env=env, capture_output=True, text=True
                ).stdout.strip()
                if x not in ("", "0"):
                    break
            out.append(int(x or 0))
        return out
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, check=False)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_draws_the_drawable_forms_at_their_width() -> None:
    """In a real tmux, each drawable form moves the cursor by the width Rich measures (and the
    forms as written do what the table says tmux 3.3 does, when this is tmux 3.3)."""
    version = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    forms = [f"[{form}]" for _, _, _, _, form, _ in WIDTHS]
    drawn = _tmux_widths(forms)
    assert drawn == [cells + 2 for *_, cells in WIDTHS], version
    if version.startswith("tmux 3.3"):
        written = _tmux_widths([f"[{w}]" for _, w, *_ in WIDTHS])
        assert written == [t + 2 for _, _, t, *_ in WIDTHS]


@pytest.mark.parametrize("cells", [1, 2, 3, 5, 8])
@pytest.mark.parametrize(
    "text", ["abc defgh", "🇫🇷🇩🇪 中文字 e\u0301te\u0301", "ok 👍 1\u20e3 ⚜ fin"]
)
def test_cutting_never_splits_a_character(text: str, cells: int) -> None:
    """Pieces fit the width (a lone wide character excepted) and end between characters."""
    pieces = list(chop(text, cells))
    assert "".join(pieces) == text
    whole = set(clusters(text))
    for piece in pieces:
        assert set(clusters(piece)) <= whole
        assert width(piece) <= cells or len(clusters(piece)) == 1
    head = cut(text, cells)
    assert text.startswith(head) and width(head) <= cells
    assert set(clusters(head)) <= whole


def test_text_counted_by_length_is_one_cell_a_character() -> None:
    """`single_cell` (the wrap's fast path, which counts instead of measuring) only says yes for
    text whose width is its length, character by character."""
    for point in range(0x20, 0x3100):
        ch = chr(point)
        if single_cell(ch) and point != 0x7F:
            assert cell_len(ch) == 1 and cell_len("a" + ch + "b") == 3, hex(point)
    assert single_cell("répit, l'écoute — merci… ↩ ⏎ ★ ✓ ‼")
    assert not single_cell("e\u0301") and not single_cell("中") and not single_cell("👍")
