"""The console paints first and opens the database after: the chat comes in, keys come back."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tchat_tui.pipeline.session import ChatSession
from tchat_tui.pipeline.settings import Settings
from tchat_tui.store.errors import NotAChatDatabase, StoreError
from tchat_tui.store.precheck import check_database_path
from tchat_tui.store.schema import APPLICATION_ID
from tchat_tui.ui.app import build_app
from tests.ui.conftest import CHAT, settle


async def until(pilot: Pilot[Any], done: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `done()` (the database opens in a worker) or the timeout."""
    for _ in range(int(timeout / 0.05)):
        if done():
            return
        await pilot.pause(0.05)


async def test_the_console_paints_then_opens_the_chat(settings: Settings) -> None:
    """Before the database opens the screen is up with only help and quit; then the chat plays."""
    app = build_app(settings)
    session = app.session
    assert not session.is_open
    gate = threading.Event()
    real_open = session.open

    def gated_open() -> None:
        gate.wait(10)
        real_open()

    session.open = gated_open  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.2)
            screen = app.screen
            assert not session.is_open
            assert "database: opening" in screen.feed.source_line()  # type: ignore[attr-defined]
            assert screen.check_action("star", ()) is False
            assert screen.check_action("help", ()) is not False
            gate.set()
            await until(pilot, lambda: session.is_open)
            assert session.is_open
            await settle(pilot, len(CHAT))
            assert screen.check_action("star", ()) is not False
            assert session.store.count_posts(session.chat_id) == len(CHAT)
    finally:
        gate.set()  # a failed test must not leave the worker waiting
    assert app.error is None


async def test_a_database_refused_after_the_first_frame_ends_with_one_line(
    settings: Settings, tmp_path: Path
) -> None:
    """A database from a newer tchat-live passes the quick check; opening it ends the console."""
    db = tmp_path / "newer.db"
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute("PRAGMA user_version = 999")
    con.execute("CREATE TABLE chats (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    app = build_app(replace(settings, db_path=db))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.error))
    assert app.return_code == 2
    assert app.error is not None and "newer tchat-live" in app.error
    assert "\n" not in app.error


def test_quick_check_refuses_what_the_store_would(tmp_path: Path) -> None:
    """Folders, non-SQLite files and other applications' databases, before any screen."""
    with pytest.raises(StoreError, match="directory"):
        check_database_path(tmp_path)
    text = tmp_path / "notes.db"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(NotAChatDatabase):
        check_database_path(text)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(NotAChatDatabase):
        check_database_path(other)
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot create the folder"):
        check_database_path(blocker / "sub" / "chat.db")
    check_database_path(tmp_path / "new.db")  # a new database: fine
    with pytest.raises(StoreError, match="does not exist; create it or choose another --db"):
        check_database_path(tmp_path / "new" / "chat.db")  # a new folder: refused (issue 14)
    assert not (tmp_path / "new").exists()
    check_database_path(":memory:")


def test_session_without_the_database_refuses_a_bad_path_at_once(
    settings: Settings, tmp_path: Path
) -> None:
    """`open_now=False` still checks the path and the replay file before returning."""
    with pytest.raises(StoreError):
        ChatSession(replace(settings, db_path=tmp_path), open_now=False)
    from tchat_tui.sources.base import SourceError

    with pytest.raises(SourceError):
        ChatSession(replace(settings, replay=tmp_path / "missing.jsonl"), open_now=False)


async def test_no_source_note_shows_once_the_chat_opens(settings: Settings) -> None:
    """The empty stream says why it is empty, also when the database opened after the paint."""
    app = build_app(replace(settings, replay=None, dry_run=True))
    session = app.session
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: session.is_open)
        await pilot.pause(0.2)
        pane = app.screen.stream  # type: ignore[attr-defined]
        assert pane.entries == []
        assert "dry-run" in pane.empty_note
        lines = [pane.render_line(y).text for y in range(3)]
        assert any("dry-run" in line for line in lines)


def test_a_session_shut_down_before_it_opened_never_opens(settings: Settings) -> None:
    """The console quit before its worker opened the database: `open` leaves it closed."""
    session = ChatSession(settings, open_now=False)
    session.shutdown()
    session.open()
    assert not session.is_open
    assert not hasattr(session, "store")
