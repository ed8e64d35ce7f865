"""Snapshots of the wrapped stream at the sizes hosts use: 80x24, 120x40, 200x50.

Long replies (their mentions collapsed), emoji sequences in their drawable form, a long link; the
cursor on a wrapped post. Review the SVGs in `snapshots/` before accepting an update.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tchat_tui.ui.modals.search_prompt import SearchPrompt
from tests.factories import make_post
from tests.ui.conftest import CHAT
from tests.ui.test_snapshots import put_cursor, ready

READING = [
    make_post(
        "120",
        "@guest1 @hostess A1: Je suis à la retraite depuis deux ans et je m'occupe de ma mère tous "
        "les après-midi; le répit du jeudi change tout, et le groupe de parole aussi #T",
        "claire_morel",
        minute=12,
        reply_to="107",
    ),
    make_post(
        "121",
        "A1 the nurse 🧑\u200d⚕\ufe0f comes on Tuesdays, the whole family 👩\u200d👩\u200d👧\u200d👦 "
        "helps on Sundays ⚜\ufe0f 👍🏽 🇫🇷 1\ufe0f\u20e3 #T",
        "marc_dlr",
        minute=12.5,
    ),
    make_post(
        "122",
        "@claire_morel A1 same here, respite care changed everything: "
        "https://www.example.org/carers/respite/how-to-ask-for-it-in-your-region #T",
        "dee",
        minute=13,
        reply_to="120",
    ),
]


class TestWrappedStream:
    """Every post whole, wrapped to the pane's width."""

    @pytest.mark.parametrize(
        "size", [(80, 24), (120, 40), (200, 50)], ids=["80x24", "120x40", "200x50"]
    )
    def test_wrapped_stream(self, snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
        """Long replies wrapped whole ('↩ @author'), emoji sequences, a long link; cursor on 121."""

        async def run_before(pilot: Pilot[Any]) -> None:
            screen = await ready(pilot)
            screen.session.runner.posts(READING)
            while len(screen.stream.rows) < len(CHAT) + len(READING):
                await pilot.pause(0.05)
            await put_cursor(pilot, "121")
            screen.refresh_panes()
            await pilot.pause(0.1)

        assert snap_compare(make_app(), terminal_size=size, run_before=run_before)

    def test_search_results(self, snap_compare: Any, make_app: Any) -> None:
        """'/' then 'Q1': question 1 and its answers; the title says what was found."""

        async def run_before(pilot: Pilot[Any]) -> None:
            screen = await ready(pilot)
            screen.session.runner.posts(READING)
            while len(screen.stream.rows) < len(CHAT) + len(READING):
                await pilot.pause(0.05)
            await pilot.press("slash")
            while not (
                isinstance(pilot.app.screen, SearchPrompt) and pilot.app.screen.query(Input)
            ):
                await pilot.pause(0.02)
            await pilot.press("Q", "1", "enter")
            while screen.stream.search is None:
                await pilot.pause(0.02)
            screen.refresh_panes()
            await pilot.pause(0.1)

        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)
