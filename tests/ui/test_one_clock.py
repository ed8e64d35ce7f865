"""One clock: every time on screen in the chat's zone, the action log on the replay's clock, and
'ended <date>' for a chat reopened long after (pilot tests; the zone is set, never the machine's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from textual.widgets import Static

from tchat_tui.ui.app import ChatApp
from tchat_tui.ui.chat_time import ShownZone
from tchat_tui.ui.modals.action_log import ActionLog
from tchat_tui.ui.screens.main import MainScreen
from tchat_tui.ui.stream_layout import header_parts
from tchat_tui.ui.widgets.panes import ChatHeader, PostDetail
from tchat_tui.ui.widgets.queue import QuestionQueue
from tests.factories import T0
from tests.ui.conftest import CHAT, opened, settle

NEW_YORK = ZoneInfo("America/New_York")
"""The chat's zone in these tests: not the machine's (UTC in the console tests)."""


@pytest.fixture(autouse=True)
def _zone_back() -> Iterator[None]:
    """Each console sets the zone it shows; put the machine's back for the tests after these."""
    yield
    ShownZone.zone = None


def main_of(app: ChatApp) -> MainScreen:
    """The console's main screen."""
    assert app.main is not None
    return app.main


def line(widget: Static, y: int) -> str:
    """Line `y` of a widget as drawn."""
    return "".join(seg.text for seg in widget.render_line(y))


def drawn(renderable: Any) -> str:
    """A rich renderable as plain text."""
    console = Console(width=160, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def test_times_on_screen_are_in_the_chat_zone(make_app: Any) -> None:
    """The header names the chat's zone and gives its time; the stream, the detail and the
    queue give post times in it (T0 is 18:00 UTC, 13:00 in New York)."""
    app = make_app(zone=NEW_YORK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        screen = main_of(app)
        first = screen.stream.by_key["x:100"]
        assert header_parts(first)[0][0] == "13:00:00"
        screen.stream.move_cursor(0)
        screen.refresh_panes()
        await pilot.pause(0.1)
        assert line(screen.query_one(PostDetail), 0).lstrip().startswith("13:00:00")
        # The replay at full speed: the chat's clock is its newest post's, 18:11:42 UTC.
        assert line(screen.query_one(ChatHeader), 1).startswith("13:11 EST · 11:42 elapsed")
        queue = [line(screen.query_one(QuestionQueue), y) for y in range(4)]
        assert any("✓ Q1 13:01" in text for text in queue), queue


async def test_the_action_log_and_the_stream_agree_during_a_replay(make_app: Any) -> None:
    """A star set while replaying is logged at the chat's time (the recording's), so the log
    and the stream give the same time, in the chat's zone."""
    app = make_app(zone=NEW_YORK)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        screen = main_of(app)
        newest = screen.stream.by_key["x:113"]
        screen.stream.move_cursor(screen.stream.rows.index(newest))
        await pilot.press("s")
        assert newest.starred
        stream_time = header_parts(newest)[0][0]
        assert stream_time == "13:11:42"
        await pilot.press("ctrl+l")
        while not app.screen.query("#action-table"):
            await pilot.pause(0.05)
        assert isinstance(app.screen, ActionLog)
        log = drawn(app.screen.query_one("#action-table", Static).content)
        star = next(text for text in log.splitlines() if " star " in text)
        assert star.split()[0] == stream_time


async def test_a_chat_reopened_long_after_says_when_it_ended(make_app: Any) -> None:
    """Reopened eleven days later: 'ended Thu 26 Nov 14:00' (its hour's end, in its zone), no
    elapsed/over figures, no question running days late or open for days."""
    first = make_app(zone=NEW_YORK)
    async with first.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
    later = T0 + timedelta(days=11, minutes=40)
    app = make_app(zone=NEW_YORK, replay=None, dry_run=True, clock=lambda: later)
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        screen = main_of(app)
        screen.refresh_panes()
        await pilot.pause(0.1)
        header = line(screen.query_one(ChatHeader), 1)
        assert header.startswith("13:40 EST · ended Thu 26 Nov 14:00"), header
        assert "elapsed" not in header and "over by" not in header and "late" not in header
        queue = " ".join(line(screen.query_one(QuestionQueue), y) for y in range(6))
        assert "✓ Q2 13:08" in queue and "open" not in queue.split("Audience")[0]
        assert "late" not in queue


async def test_the_machine_zone_when_no_plan_gives_one(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No plan, no zone given: the machine's local zone (TZ), named in the header."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        screen = main_of(app)
        assert header_parts(screen.stream.by_key["x:100"])[0][0] == "19:00:00"
        screen.refresh_panes()
        await pilot.pause(0.1)
        assert line(screen.query_one(ChatHeader), 1).startswith("19:11 CET")


def test_the_plan_zone_is_the_chat_zone(tmp_path: Any) -> None:
    """With a plan, its zone (here its start's offset) is the chat's, whatever the machine's."""
    from tchat_tui.pipeline.session import ChatSession
    from tchat_tui.pipeline.settings import Settings

    session = ChatSession(Settings(tag="", demo=True, db_path=tmp_path / "d.db"), open_now=False)
    assert session.zone.utcoffset(None) == timedelta(hours=1)
    assert datetime(2026, 11, 26, 18, tzinfo=session.zone).isoformat().endswith("+01:00")
