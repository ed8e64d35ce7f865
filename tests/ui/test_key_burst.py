"""Keys in a burst are handled in order: typed after the key that opens the composer, commands
after the Enter that sends it.

A paste, or fast typing over ssh or tmux, delivers several keys before the screen handles the
first: the focus must move to the composer before the next key is handled, or the stream's
one-key commands run (`m` mutes, `h` hides); and Enter must send the draft as it is at Enter,
or the keys behind it are typed into the sent text (`send-keys Enter s` sent "merci s #T").
"""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot

from tchat_tui.store.database import Store
from tchat_tui.ui.app import ChatApp
from tests.ui.conftest import settle
from tests.ui.test_console import ALL, screen_of, select, wait_for


async def burst(pilot: Pilot[Any], keys: str) -> None:
    """Queue every key before the app handles the first one, then let it work."""
    for ch in keys:
        pilot.app.post_message(events.Key(ch, ch))
    await pilot.pause()
    await pilot.pause()


async def from_terminal(pilot: Pilot[Any], data: str) -> None:
    """`data` as one read from the terminal (what tmux `send-keys` writes at once): parsed by
    the driver's own parser, every key queued before the app handles the first."""
    driver = pilot.app._driver
    assert driver is not None
    for message in XTermParser().feed(data):
        driver.process_message(message)
    await pilot.pause()
    await pilot.pause()


CONTROLS = {"enter": "\r", "ctrl+q": "\x11", "backspace": "\x7f"}
"""What the terminal sends for the keys the tests name."""


async def queued(pilot: Pilot[Any], keys: tuple[str, ...]) -> None:
    """The keys queued to the app before it handles the first."""
    for key in keys:
        char = CONTROLS.get(key, key)
        pilot.app.post_message(events.Key(key, char))
    await pilot.pause()
    await pilot.pause()


async def terminal(pilot: Pilot[Any], keys: tuple[str, ...]) -> None:
    """The keys as the terminal sends them, in one read."""
    await from_terminal(pilot, "".join(CONTROLS.get(k, k) for k in keys))


BURSTS = [queued, terminal]
"""Two ways a burst reaches the app: the app's queue, the terminal driver's parser. Not
`pilot.press("enter", "s")`: Textual's Pilot waits until the app is idle after each key, so its
keys never arrive together (those tests passed with the bug)."""


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


@pytest.mark.parametrize("deliver", BURSTS)
async def test_enter_sends_the_draft_as_it_was_and_the_next_key_is_a_command(
    make_app: Any, deliver: Any
) -> None:
    """Enter then `s` in one burst: the reply is sent as typed, and `s` stars the selected post."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "104")
        screen = screen_of(pilot)
        await pilot.press("r", *"merci")
        await deliver(pilot, ("enter", "s"))
        rows = app.session.store.outbox(app.session.chat_id)
        assert [(r["kind"], r["text"]) for r in rows] == [("reply", "merci #T")]
        assert screen.composer.draft.value == ""
        assert app.focused is screen.stream
        assert [e.key for e in screen.stream.entries if e.starred] == ["x:104"]


@pytest.mark.parametrize("deliver", BURSTS)
async def test_enter_then_ctrl_q_stores_the_post_before_quitting(
    make_app: Any, deliver: Any
) -> None:
    """Enter then ctrl+q in one burst: the post is sent (dry-run: stored) before the app exits."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i", *"bye")
        await deliver(pilot, ("enter", "ctrl+q"))
        await wait_for(pilot, lambda: app.return_code is not None)
    assert isinstance(app, ChatApp)
    store = Store.open(app.session.db_path)
    try:
        rows = store.outbox(app.session.chat_id)
        assert [(r["text"], r["status"]) for r in rows] == [("bye #T", "dry-run")]
        assert store.count_posts(app.session.chat_id) == ALL + 1
    finally:
        store.close()
    assert app.farewell == ""


@pytest.mark.parametrize("deliver", BURSTS)
async def test_open_type_send_and_star_in_one_burst(make_app: Any, deliver: Any) -> None:
    """`r`, "merci", Enter, `s` in one burst: the reply is "merci #T" and `s` stars the post."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "104")
        screen = screen_of(pilot)
        await deliver(pilot, ("r", *"merci", "enter", "s"))
        rows = app.session.store.outbox(app.session.chat_id)
        assert [(r["kind"], r["text"]) for r in rows] == [("reply", "merci #T")]
        assert screen.composer.draft.value == ""
        assert [e.key for e in screen.stream.entries if e.starred] == ["x:104"]


@pytest.mark.parametrize("deliver", BURSTS)
async def test_backspace_in_a_burst_deletes_the_key_before_it(make_app: Any, deliver: Any) -> None:
    """`i`, "abc", Backspace in one burst: the draft is "ab"."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await deliver(pilot, ("i", *"abc", "backspace"))
        assert screen_of(pilot).composer.draft.value == "ab"
