"""Every send, a retweet too, waits an undo window before the outbox: ctrl+z cancels it, quitting
asks about it, and a console that ends during the window never sends it (not even at the next
start: it was never accepted)."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from tchat_tui.store.database import Store
from tchat_tui.ui.app import ChatApp
from tchat_tui.ui.modals.pending_quit import PendingQuit
from tchat_tui.ui.widgets.composer import Composer
from tests.ui.conftest import settle, toasts
from tests.ui.test_console import ALL, screen_of, select, wait_for
from tests.ui.test_key_burst import from_terminal

KEYS = {"enter": "\r", "ctrl+q": "\x11", "ctrl+z": "\x1a", "ctrl+j": "\n"}
"""What the terminal sends for the keys these tests name."""


async def terminal(pilot: Pilot[Any], *keys: str) -> None:
    """The keys as the terminal sends them, in one read (tmux `send-keys`)."""
    await from_terminal(pilot, "".join(KEYS.get(k, k) for k in keys))


class FakeClock:
    """The undo window's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def frozen(pilot: Pilot[Any]) -> tuple[Composer, FakeClock]:
    """The composer, its held sends timed by a clock the test moves."""
    composer = screen_of(pilot).composer
    clock = FakeClock()
    composer.pending.now = clock
    return composer, clock


def outbox(app: ChatApp) -> list[tuple[str, str, str]]:
    """(kind, text, status) of the chat's outbox rows."""
    rows = app.session.store.outbox(app.session.chat_id)
    return [(r["kind"], r["text"], r["status"]) for r in rows]


def context_line(composer: Composer) -> str:
    """The composer's first line, as shown."""
    shown = composer.query_one("#reply-context", Static).render()
    return shown.plain if isinstance(shown, Text) else str(shown)


async def test_enter_holds_the_reply_until_its_window_ends(make_app: Any) -> None:
    """Enter: nothing in the outbox yet, the countdown and its key on the composer's line; the
    window ends: the reply goes to the outbox exactly as before (dry-run: recorded)."""
    app = make_app(undo_seconds=5)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer, clock = frozen(pilot)
        await select(pilot, "104")
        await pilot.press("r", *"merci")
        await terminal(pilot, "enter", "s")  # the key behind Enter is the stream's again
        assert outbox(app) == []
        assert composer.draft.value == ""
        assert "reply to @cy: sending in 5 s · ctrl+z cancel" in context_line(composer)
        assert [e.key for e in screen_of(pilot).stream.entries if e.starred] == ["x:104"]
        clock.now += 3.2
        await wait_for(pilot, lambda: "sending in 2 s" in context_line(composer))
        assert outbox(app) == []
        clock.now += 2
        await wait_for(pilot, lambda: outbox(app) == [("reply", "merci #T", "dry-run")])
        assert "sending in" not in context_line(composer)


async def test_ctrl_z_cancels_and_gives_the_draft_back(make_app: Any, monkeypatch: Any) -> None:
    """Enter then ctrl+z in one burst: never sent, even after the window; the draft and its
    reply context are back in the composer."""
    app = make_app(undo_seconds=5)
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer, clock = frozen(pilot)
        await select(pilot, "104")
        await pilot.press("r", *"merci")
        await terminal(pilot, "enter", "ctrl+z")
        assert composer.draft.value == "merci"
        assert composer.reply_to is not None and composer.reply_to.key == "x:104"
        assert "Cancelled: reply to @cy (never sent)." in said
        clock.now += 60
        await pilot.pause(0.6)
        assert outbox(app) == []
        assert app.session.store.actions(app.session.chat_id) == []


async def test_a_stray_t_is_a_held_retweet_that_ctrl_z_cancels(make_app: Any) -> None:
    """`t` then ctrl+z in one burst: no retweet ever reaches the outbox."""
    app = make_app(undo_seconds=5)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer, clock = frozen(pilot)
        await select(pilot, "102")
        await terminal(pilot, "t")
        assert "retweet of @ada: sending in 5 s · ctrl+z cancel" in context_line(composer)
        await terminal(pilot, "ctrl+z")
        clock.now += 60
        await pilot.pause(0.6)
        assert outbox(app) == []


async def test_several_sends_wait_at_once_and_each_goes_when_due(make_app: Any) -> None:
    """A retweet, then a post 2 s later: the line counts both; ctrl+z cancels the newest only;
    the other goes when its own window ends; `t` again on the held retweet is refused."""
    app = make_app(undo_seconds=5)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer, clock = frozen(pilot)
        await select(pilot, "102")
        await pilot.press("t")
        await pilot.press("t")  # the same post again: already waiting
        assert len(composer.pending) == 1
        clock.now += 2
        await pilot.press("i", *"hello")
        await terminal(pilot, "enter")
        assert len(composer.pending) == 2
        assert "post: sending in 5 s · ctrl+z cancel · 2 pending" in context_line(composer)
        await terminal(pilot, "ctrl+z")  # the newest: the post
        assert composer.draft.value == "hello"
        clock.now += 3
        await wait_for(
            pilot, lambda: [(k, st) for k, _, st in outbox(app)] == [("repost", "dry-run")]
        )


async def test_a_window_of_zero_sends_at_enter(make_app: Any) -> None:
    """`--undo 0` (or the plan's undo_seconds = 0): the outbox row is written at Enter."""
    app = make_app(undo_seconds=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i", *"now")
        await terminal(pilot, "enter")
        assert [t for _, t, _ in outbox(app)] == ["now #T"]
        assert len(screen_of(pilot).composer.pending) == 0


def stored(app: ChatApp) -> list[tuple[str, str]]:
    """(text, status) of the outbox rows, read from the database after the app closed."""
    store = Store.open(app.session.db_path)
    try:
        return [(r["text"], r["status"]) for r in store.outbox(app.session.chat_id)]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("s", [("bye #T", "dry-run")]), ("ctrl+q", [("bye #T", "dry-run")]), ("d", [])],
)
async def test_quitting_during_the_window_asks(make_app: Any, answer: str, expected: Any) -> None:
    """Enter then ctrl+q in one burst: the quit asks about the held send, its window stopped;
    `s` (or ctrl+q again) sends it before quitting, `d` quits without it; Enter or `n` stays."""
    app = make_app(undo_seconds=5)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        _, clock = frozen(pilot)
        await pilot.press("i", *"bye")
        await terminal(pilot, "enter", "ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, PendingQuit))
        await terminal(pilot, "enter")  # staying is the default
        assert app.return_code is None and not isinstance(app.screen, PendingQuit)
        await terminal(pilot, "ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, PendingQuit))
        clock.now += 60  # the question stops the clocks: nothing goes while it is asked
        await pilot.pause(0.6)
        assert outbox(app) == []
        await terminal(pilot, answer)
        await wait_for(pilot, lambda: app.return_code is not None)
    assert stored(app) == expected


async def test_a_console_that_ends_during_the_window_never_sends_it(make_app: Any) -> None:
    """A send in its window is not accepted yet: the console ending without the quit question
    (a crash, a kill) leaves nothing in the outbox, and the next start sends nothing."""
    app = make_app(undo_seconds=5)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        frozen(pilot)
        await select(pilot, "102")
        await pilot.press("t", "i", *"not yet")
        await terminal(pilot, "enter")
        assert len(screen_of(pilot).composer.pending) == 2
        assert outbox(app) == []
    # run_test ends the app without ctrl+q: the held sends die with it
    assert stored(app) == []
    again = make_app(undo_seconds=5)
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.pause(0.5)
        assert outbox(again) == []
        assert len(screen_of(pilot).composer.pending) == 0
