"""The stream pane without a scrollbar: wheel and keys move the cursor, the title says where."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from tchat_tui.ui.stream import WHEEL_STEP
from tests.ui.conftest import CHAT, settle
from tests.ui.test_console import screen_of


async def wheel(pilot: Pilot[Any], pane: Widget, up: bool) -> None:
    """One notch of the mouse wheel over the pane."""
    kind = events.MouseScrollUp if up else events.MouseScrollDown
    pane.post_message(kind(pane, 5, 5, 0, -1 if up else 1, 0, False, False, False))
    await pilot.pause()


async def test_wheel_and_keys_move_the_cursor_and_the_title_says_where(make_app: Any) -> None:
    """Leaving the newest post stops following; the title shows 'post N of M'; End follows again."""
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, len(CHAT))
        screen = screen_of(pilot)
        pane = screen.stream
        title = screen.query_one("#stream-title", Static)
        last = len(pane.rows) - 1
        assert pane.follow and pane.cursor == last
        assert "post " not in str(title.render())
        await wheel(pilot, pane, up=True)
        assert pane.cursor == last - WHEEL_STEP and not pane.follow
        assert f"post {last - WHEEL_STEP + 1} of {len(pane.rows)}" in str(title.render())
        await pilot.press("up")
        assert pane.cursor == last - WHEEL_STEP - 1
        await pilot.press("home")
        assert pane.cursor == 0 and pane.scroll_offset.y == 0
        await wheel(pilot, pane, up=False)
        assert pane.cursor == WHEEL_STEP
        await pilot.press("end")
        assert pane.follow and pane.cursor == last
        assert "post " not in str(title.render())


async def test_typing_defers_the_drain_but_never_drops_posts(make_app: Any) -> None:
    """While the moderator types, news waits up to TYPING_DRAIN seconds, then all of it shows."""
    import time

    from tchat_tui.domain.chatpost import ChatPost
    from tchat_tui.domain.classify import Classification
    from tchat_tui.domain.post import Role
    from tchat_tui.ui.main_screen import TYPING_DRAIN
    from tests.factories import make_post

    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, len(CHAT))
        screen = screen_of(pilot)
        before = len(screen.stream.entries)
        fresh = [
            ChatPost(make_post(str(900 + i), f"late {i} #T"), Classification(Role.PARTICIPANT))
            for i in range(3)
        ]
        now = time.monotonic()
        screen._typed_at = now
        screen._drained_at = now
        app.session.runner.fresh.extend(fresh)
        screen._drain_tick()
        assert len(screen.stream.entries) == before  # typing: not yet
        screen._drained_at = now - TYPING_DRAIN - 0.01
        screen._drain_tick()
        assert len(screen.stream.entries) == before + 3  # overdue: all of it
