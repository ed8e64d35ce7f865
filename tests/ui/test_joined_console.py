"""A joined console (`--join`) on the screen: posts another console stores enter its stream as
live ones do, another moderator's star, hide and mute show, and a question claimed elsewhere is
refused with the holder's name."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.ui.screens.main import MainScreen
from tests.ui.conftest import AppMaker, opened, toasts


async def until(pilot: Pilot[Any], condition: Any, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


@pytest.fixture
def reader(settings: Settings) -> Any:
    """The first console's session (no screen), open on the test's chat, its replay held."""
    session = ChatSession(replace(settings, start_sources=False))
    yield session
    session.shutdown()


async def test_a_joined_console_follows_posts_and_actions(
    reader: ChatSession, make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts, stars, hides and mutes from the first console reach the joined one's screen."""
    app = make_app(join=True, replay=None, dry_run=True, moderators=("tom",))
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert isinstance(screen, MainScreen)
        assert not app.session.heartbeat.reading
        await until(pilot, lambda: "console" in screen.feed.sources)  # the next drain
        assert screen.feed.sources["console"].state == "joined"
        assert reader.replay_source is not None
        reader.replay_source.run(reader.runner, threading.Event())  # the reader stores the chat
        stored = reader.store.count_posts(reader.chat_id)
        await until(pilot, lambda: len(screen.stream.entries) == stored)
        chat, store = reader.chat_id, reader.store
        by_key = screen.stream.by_key
        store.set_starred(chat, "x:102", "ana", True)
        store.set_hidden(chat, "x:109", "ana", True)
        store.set_muted(chat, str(by_key["x:110"].author_key), "ana", True)
        await until(pilot, lambda: by_key["x:102"].starred and by_key["x:109"].hidden)
        await until(pilot, lambda: by_key["x:110"].author_key in screen.stream.muted)
        assert by_key["x:109"] not in screen.stream.rows

        # A question the first console's moderator claimed is hers in this console too.
        assert store.claim_question(chat, "x:104", "ana") is None
        await until(pilot, lambda: by_key["x:104"].claimed_by == "ana")
        screen.stream.move_cursor(screen.stream.rows.index(by_key["x:104"]))
        await pilot.press("c")
        await until(pilot, lambda: any("Already claimed by ana" in s for s in said))
        assert store.post("x:104")["claimed_by"] == "ana"  # type: ignore[index]
