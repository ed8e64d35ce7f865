"""Keys that arrive in one burst with the key that opens the composer are typed, not run.

A paste, or fast typing over ssh or tmux, delivers several keys before the screen handles the
first: the focus must move to the composer before the next key is handled, or the stream's
one-key commands run (`m` mutes, `h` hides).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from tests.ui.conftest import settle
from tests.ui.test_console import ALL, screen_of, select


async def burst(pilot: Pilot[Any], keys: str) -> None:
    """Queue every key before the app handles the first one, then let it work."""
    for ch in keys:
        pilot.app.post_message(events.Key(ch, ch))
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize(("opener", "typed"), [("r", "merci"), ("i", "hello"), ("r", "shmtp")])
async def test_a_burst_after_the_opening_key_goes_into_the_draft(
    make_app: Any, opener: str, typed: str
) -> None:
    """`r`/`i` then letters in the same burst: the letters are the draft, nothing is moderated."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "104")
        screen = screen_of(pilot)
        entries = len(screen.stream.rows)
        await burst(pilot, opener + typed)
        assert screen.composer.draft.value == typed
        assert len(screen.stream.rows) == entries  # nothing muted or hidden
        assert not screen.stream.muted
        assert not any(e.starred or e.hidden for e in screen.stream.entries)
        assert app.session.store.actions(app.session.chat_id) == []


async def test_esc_then_a_burst_goes_back_to_the_stream(make_app: Any) -> None:
    """Leaving the composer with Esc hands the next keys of the burst to the stream at once."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "104")
        screen = screen_of(pilot)
        await pilot.press("i")
        await burst(pilot, "x")
        pilot.app.post_message(events.Key("escape", None))
        pilot.app.post_message(events.Key("s", "s"))
        await pilot.pause()
        await pilot.pause()
        assert screen.composer.draft.value == "x"
        assert screen.stream.selected is not None and screen.stream.selected.starred
