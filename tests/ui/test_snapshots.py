"""Snapshots of the console: fixed size, frozen clock, a small replay at full speed, no blinking.

Review the SVGs in `snapshots/` (and the report pytest writes on failure) before accepting an update
with `--snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tchat_tui.ui.screens.main import MainScreen
from tchat_tui.ui.widgets.draft_area import DraftArea
from tests.ui.conftest import CHAT, settle

SIZE = (140, 40)


async def ready(pilot: Pilot[Any]) -> MainScreen:
    """Every post shown, the replay ended, no cursor blink, no toasts."""
    await settle(pilot, len(CHAT))
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    while (
        screen.feed.sources.get("replay") is None or screen.feed.sources["replay"].state != "ended"
    ):
        await pilot.pause(0.05)
    screen.query_one("#draft", TextArea).cursor_blink = False
    screen.refresh_panes()
    await pilot.pause(0.1)
    return screen


async def put_cursor(pilot: Pilot[Any], native_id: str) -> None:
    """Select a post in the stream."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    pane = screen.stream
    pane.move_cursor(next(i for i, e in enumerate(pane.rows) if e.native_id == native_id))
    await pilot.pause(0.1)


class TestMainScreen:
    """The main screen in its everyday states."""

    def test_after_the_replay(self, snap_compare: Any, make_app: Any) -> None:
        """Header, stream with badges, A1/R2 links, audience marks, promo flags; queue; composer."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await ready(pilot)
            await put_cursor(pilot, "112")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_paused_and_filtered(self, snap_compare: Any, make_app: Any) -> None:
        """Starred and claimed posts; paused with '2 new'; the 'questions to us' filter."""

        async def run_before(pilot: Pilot[Any]) -> None:
            screen = await ready(pilot)
            await put_cursor(pilot, "104")
            await pilot.press("s", "c", "p")
            from tests.factories import make_post

            screen.session.runner.posts(
                [
                    make_post("200", "@guest1 does it get easier? #T", "eve", minute=12),
                    make_post("201", "A2 the waiting lists #T", "fay", minute=12.5),
                ]
            )
            while screen.held_count < 2:
                await pilot.pause(0.05)
            await pilot.press("2")
            screen.refresh_panes()
            await pilot.pause(0.1)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_reply_blocked_over_the_limit(self, snap_compare: Any, make_app: Any) -> None:
        """Replying: the reply context, the live count over the limit, the reason, a promo warning."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await ready(pilot)
            await put_cursor(pilot, "111")
            await pilot.press("r")
            draft = pilot.app.screen.query_one("#draft", DraftArea)
            draft.value = "Buy my course now! 50% off https://shop.example.com/deal " + "x" * 240
            draft.move_cursor((0, 0))
            await pilot.pause(0.1)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


class TestScreensOver:
    """Screens opened over the console."""

    def test_author_card(self, snap_compare: Any, make_app: Any) -> None:
        """The author card: role, posts in this chat with promo reasons, note, mute."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await ready(pilot)
            await put_cursor(pilot, "112")
            await pilot.press("enter")
            for _ in range(100):  # pushed is not yet composed on a loaded machine
                if pilot.app.screen.query("#note"):
                    break
                await pilot.pause(0.05)
            pilot.app.screen.query_one("#note", Input).cursor_blink = False
            await pilot.pause(0.1)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_help(self, snap_compare: Any, make_app: Any) -> None:
        """The help screen lists every key."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await ready(pilot)
            await pilot.press("f1")
            await pilot.pause(0.1)

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


WELCOME = (
    "Bonsoir et bienvenue sur le #T ! Ce soir, une heure pour parler du repos des aidants. "
    "Welcome! Tonight's chat is bilingual: answer in French or English, A1 for Q1, and keep "
    "the tag in every post so everyone can follow. Our guest @guest1 answers from 19:05 on."
)
"""A 271-character welcome: several rows in the composer."""


async def long_draft_and_a_held_retweet(pilot: Pilot[Any]) -> None:
    """A retweet in its undo window (a frozen clock: 'sending in 5 s'), then the welcome being
    written, with a line break."""
    screen = await ready(pilot)
    screen.composer.pending.now = lambda: 1000.0
    screen.composer.pending.seconds = 5
    await put_cursor(pilot, "102")
    await pilot.press("t", "i")
    draft = screen.query_one("#draft", DraftArea)
    draft.value = WELCOME.replace(" Welcome!", "\nWelcome!")
    draft.cursor_blink = False
    await pilot.pause(0.2)


class TestComposer:
    """The composer grows with a long post and shows the sends in their undo window."""

    def test_long_post_and_held_retweet_80x24(self, snap_compare: Any, make_app: Any) -> None:
        """At 80x24: the welcome wraps over several rows; the held retweet's countdown and its
        cancel key on the first line; the count and the tag added under it."""
        assert snap_compare(
            make_app(), terminal_size=(80, 24), run_before=long_draft_and_a_held_retweet
        )

    def test_long_post_and_held_retweet_120x40(self, snap_compare: Any, make_app: Any) -> None:
        """The same at 120x40."""
        assert snap_compare(
            make_app(), terminal_size=(120, 40), run_before=long_draft_and_a_held_retweet
        )
