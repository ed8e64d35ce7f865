"""Untrusted text made safe: the printable fast path changes nothing the full path would do, and
hostile posts (tests/test_hostile_output.py's samples) reach the screen as text."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from typing import Any

import pytest

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Role
from tchat_tui.domain.text.untrusted import UNSAFE as _CONTROLS
from tchat_tui.ui.safe import _BREAKS, multi_line, one_line
from tchat_tui.ui.screens.main import MainScreen
from tests.factories import make_post
from tests.test_hostile_output import SAMPLES, clean
from tests.ui.conftest import CHAT, settle


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


@pytest.mark.parametrize("name", list(SAMPLES))
def test_hostile_samples_are_neutralised_for_the_screen(name: str) -> None:
    """one_line and multi_line leave no control, bidi control or lone surrogate, and keep markup
    as the characters it is made of."""
    sample = SAMPLES[name]
    for shown in (one_line(sample), multi_line(sample)):
        clean(shown.encode("utf-8"))
    assert "\n" not in one_line(sample)
    if name == "rich-markup":
        assert one_line(sample) == sample


async def test_hostile_posts_reach_the_screen_as_text(make_app: Any) -> None:
    """Each sample as a post's text, its author's name and handle: the screen (stream row and
    detail, as exported) holds no forbidden code point and shows markup literally."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        ids = {}
        for i, (name, sample) in enumerate(SAMPLES.items()):
            post = make_post(str(900 + i), f"A1 {sample} #T", "x", minute=19)
            post = replace(post, author_handle=sample, author_name=sample, author_id=f"h{i}")
            app.session.runner.fresh.append(ChatPost(post, Classification(Role.PARTICIPANT)))
            ids[name] = str(900 + i)
        screen.drain()
        await pilot.pause()
        pane = screen.stream
        for name, native_id in ids.items():
            index = next(i for i, e in enumerate(pane.rows) if e.native_id == native_id)
            pane.move_cursor(index)
            await pilot.pause()
            assert pane.selected is not None and pane.selected.native_id == native_id
            svg = app.export_screenshot()
            try:
                clean(svg.encode("utf-8"))
            except (AssertionError, UnicodeEncodeError) as exc:
                raise AssertionError(f"{name}: {exc}") from None
        markup = next(e for e in pane.rows if e.native_id == ids["rich-markup"])
        assert markup.handle == SAMPLES["rich-markup"] and "[bold]loud[/bold]" in markup.text
