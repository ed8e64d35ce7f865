"""ctrl+q loses nothing the host wrote: an unsent draft is asked about, an accepted post is kept
in the outbox (sent before the exit, or at the next start) and the host is told in one line."""

from __future__ import annotations

from typing import Any

import pytest

from tchat_tui.store.database import Store
from tchat_tui.ui.app import ChatApp
from tchat_tui.ui.leaving import farewell
from tchat_tui.ui.modals.confirm_quit import ConfirmQuit
from tests.ui.conftest import opened, settle
from tests.ui.test_console import ALL, screen_of, wait_for
from tests.ui.test_key_burst import BURSTS


def stored_outbox(app: ChatApp) -> list[tuple[str, str]]:
    """(text, status) of the chat's outbox rows, read from the database after the app closed."""
    store = Store.open(app.session.db_path)
    try:
        return [(r["text"], r["status"]) for r in store.outbox(app.session.chat_id)]
    finally:
        store.close()


async def test_ctrl_q_with_an_unsent_draft_asks_first(make_app: Any) -> None:
    """A draft typed but never sent: ctrl+q asks; `n` and Enter keep it, `y` quits."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i", *"half a thought")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        assert app.return_code is None
        assert screen_of(pilot).composer.draft.value == "half a thought"
        await pilot.press("ctrl+q", "enter")  # Enter right behind ctrl+q: staying is the default
        assert app.return_code is None
        assert screen_of(pilot).composer.draft.value == "half a thought"
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
    assert stored_outbox(app) == []


@pytest.mark.parametrize("deliver", BURSTS)
async def test_ctrl_q_behind_typed_keys_sees_the_draft(make_app: Any, deliver: Any) -> None:
    """`i`, "half", ctrl+q in one burst: the draft the burst typed is asked about."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await deliver(pilot, ("i", *"half", "ctrl+q"))
        assert isinstance(app.screen, ConfirmQuit)
        assert app.screen.drafts == ["half"]
        assert app.return_code is None


@pytest.mark.parametrize("deliver", BURSTS)
async def test_n_on_the_question_gives_the_rest_of_the_burst_to_the_draft(
    make_app: Any, deliver: Any
) -> None:
    """`n` then keys in one burst: they edit and send the draft; the ctrl+q after them quits."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await deliver(pilot, ("i", *"half", "ctrl+q"))
        assert isinstance(app.screen, ConfirmQuit)
        await deliver(pilot, ("n", *["backspace"] * 4, *"hey", "enter", "ctrl+q"))
        await wait_for(pilot, lambda: app.return_code is not None)
    assert stored_outbox(app) == [("hey #T", "dry-run")]


async def test_ctrl_q_twice_quits_over_the_question(make_app: Any) -> None:
    """ctrl+q on the question about an unsent draft means yes."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i", *"draft")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0


async def test_a_draft_set_aside_counts_as_unsent(make_app: Any) -> None:
    """A draft set aside by `n` (ctrl+y brings it back) is asked about too."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i", *"aside", "escape", "n", "escape")
        screen = screen_of(pilot)
        assert screen.composer.aside
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmQuit)
        assert app.screen.drafts == ["Q3: ", "aside"]


@pytest.mark.parametrize("deliver", BURSTS)
async def test_a_post_left_pending_is_said_and_goes_at_the_next_start(
    make_app: Any, deliver: Any
) -> None:
    """Outbox held: Enter then ctrl+q in one burst keeps the row pending, says so in one line,
    and the next start sends it."""
    app = make_app(start_sources=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        await pilot.press("i", *"last words")
        await deliver(pilot, ("enter", "ctrl+q"))
        await wait_for(pilot, lambda: app.return_code is not None)
    assert stored_outbox(app) == [("last words #T", "pending")]
    assert app.farewell == "tchat-live: 1 post waiting to be sent: it will go at the next start."
    again = make_app()
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        stream = screen_of(pilot).stream
        await wait_for(pilot, lambda: any(e.text == "last words #T" for e in stream.entries))
    assert stored_outbox(again) == [("last words #T", "dry-run")]


def test_the_farewell_counts_posts_not_rows() -> None:
    """A post to two networks is one post; posts on their way are said apart."""
    rows = [
        {"id": 1, "group_key": "g1", "status": "pending"},
        {"id": 2, "group_key": "g1", "status": "pending"},
        {"id": 3, "group_key": "g2", "status": "pending"},
        {"id": 4, "group_key": None, "status": "sending"},
    ]
    assert farewell(rows) == (
        "tchat-live: 2 posts waiting to be sent: they will go at the next start;"
        " 1 post on the way as the console closed: the next start looks for it on the network"
        " before sending again."
    )
    assert farewell([]) == ""
