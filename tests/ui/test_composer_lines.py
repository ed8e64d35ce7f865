"""The composer shows the whole post before it goes: it wraps and grows with the text, ctrl+j
breaks a line (Enter still sends), and under it the count per network, the part a network would
cut, and the tag the console adds."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static

from tchat_tui.domain.post import Network
from tchat_tui.ui.widgets.composer import Composer
from tchat_tui.ui.widgets.draft_area import BORDER_ROWS, MAX_ROWS, SCREEN_SHARE
from tests.ui.conftest import settle
from tests.ui.test_console import ALL, screen_of, wait_for
from tests.ui.test_key_burst import from_terminal

WELCOME = (
    "Bonsoir et bienvenue sur le #T ! Ce soir, une heure pour parler du repos des aidants. "
    "Welcome! Tonight's chat is bilingual: answer in French or English, A1 for Q1, and keep "
    "the tag in every post so everyone can follow. Our guest @guest1 answers from 19:05 on."
)


def check_lines(composer: Composer) -> list[str]:
    """The two lines under the draft, as shown."""
    shown = composer.query_one("#draft-check", Static).render()
    plain = shown.plain if isinstance(shown, Text) else str(shown)
    return plain.split("\n")


async def test_a_long_welcome_wraps_and_grows_the_draft(make_app: Any) -> None:
    """A 271-character welcome at 80 columns: several rows, all of it visible, capped at
    MAX_ROWS and a sixth of the terminal; emptied, the draft is one row again."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, ALL)
        composer = screen_of(pilot).composer
        await pilot.press("i")
        await from_terminal(pilot, WELCOME)
        assert composer.draft.value == WELCOME
        draft = composer.draft
        await wait_for(pilot, lambda: draft.rows >= 4)
        assert draft.rows <= min(MAX_ROWS, 24 // SCREEN_SHARE)
        assert draft.outer_size.height == draft.rows + BORDER_ROWS
        assert draft.scroll_y == 0  # every row of it is on the screen
        composer.clear()
        await wait_for(
            pilot, lambda: draft.rows == 1 and draft.outer_size.height == 1 + BORDER_ROWS
        )


@pytest.mark.parametrize("newline", ["\n", "\x1b[13;2u"])
async def test_ctrl_j_breaks_a_line_and_enter_sends_both(make_app: Any, newline: str) -> None:
    """ "Q&A tonight", ctrl+j (or shift+enter, where the terminal sends it apart), "see you",
    Enter, `s` in one burst: a two-line post, tag added; `s` is not typed into the next draft."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i")
        await from_terminal(pilot, f"Q&A tonight{newline}see you\rs")
        rows = app.session.store.outbox(app.session.chat_id)
        assert [r["text"] for r in rows] == ["Q&A tonight\nsee you #T"]
        assert screen_of(pilot).composer.draft.value == ""


async def test_the_part_past_the_limit_and_the_tag_are_shown(make_app: Any) -> None:
    """Over X's 280: the count in red, the first words X would cut; under it, the tag added."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer = screen_of(pilot).composer
        await pilot.press("i")
        composer.draft.value = "a" * 270 + " the end of it"
        await pilot.pause(0.1)
        count, detail = check_lines(composer)
        assert count.startswith("X 287/280") and "over the X limit by 7" in count
        assert detail.split("X would cut")[1].strip() == "f it #T"  # the last 7 characters
        composer.draft.value = "short and sweet"
        await pilot.pause(0.1)
        count, detail = check_lines(composer)
        assert count.startswith("X 18/280")
        assert "goes out with #T added at the end" in detail


async def test_each_network_counts_its_own_way(make_app: Any) -> None:
    """X counts a link as 23, Mastodon as 23, Bluesky every character: one count each."""
    app = make_app(networks=(Network.X, Network.MASTODON, Network.BLUESKY), dry_run=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, 0)
        composer = screen_of(pilot).composer
        await pilot.press("i")
        composer.draft.value = "see https://example.com/a/very/long/path/to/the/page"
        await pilot.pause(0.1)
        count, _ = check_lines(composer)
        assert "X 30/280 · Mastodon 30/500 · Bluesky 55/300" in count
