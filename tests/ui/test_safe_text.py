"""Untrusted text made safe: the printable fast path changes nothing the full path would do."""

from __future__ import annotations

import random
import sys

from tchat_tui.ui.safe import _BREAKS, _CONTROLS, multi_line, one_line


def slow_one_line(text: str) -> str:
    return _CONTROLS.sub("\ufffd", _BREAKS.sub(" ⏎ ", text))


def slow_multi_line(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "\n".join(_CONTROLS.sub("\ufffd", part) for part in text.split("\n"))


def test_no_printable_character_is_neutralised() -> None:
    """The fast path returns printable text as it is: so must the full path, for every printable
    code point there is."""
    printable = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isprintable())
    assert not _BREAKS.search(printable)
    assert not _CONTROLS.search(printable)
    assert one_line(printable) == slow_one_line(printable) == printable
    assert multi_line(printable) == slow_multi_line(printable) == printable


def test_random_mixes() -> None:
    """Mixes of letters, RTL text, emoji, escapes, breaks and bidi controls."""
    pool = list("ab é#@") + [
        "\x1b[31m",
        "\n",
        "\r\n",
        "\t",
        "\u202e",
        "\u2066",
        "مرحبا",
        "🙂",
        "\x85",
    ]
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 12)))
        assert one_line(text) == slow_one_line(text)
        assert multi_line(text) == slow_multi_line(text)
    assert one_line("[bold]x\x1b[0m") == "[bold]x\ufffd[0m"
