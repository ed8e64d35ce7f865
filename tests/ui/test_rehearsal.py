"""Rehearsing on the demo (`tchat-live --demo`): the user is the host. The recorded host's and
co-moderator's posts never appear; the user's questions are the chat's, and none opens by itself."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from tchat_tui.cli.main import main
from tchat_tui.ui.app import ChatApp
from tchat_tui.ui.chat_time import ShownZone
from tchat_tui.ui.screens.main import MainScreen
from tests.ui.conftest import opened

HELD = {"claire_morel", "tom_lefevre"}


@pytest.fixture(autouse=True)
def _zone_back() -> Iterator[None]:
    """The console sets the zone it shows; put the machine's back afterwards."""
    yield
    ShownZone.zone = None


def rehearsal(make_app: Any) -> ChatApp:
    """The console as `tchat-live --demo` opens it (at full speed)."""
    app = make_app(
        tag="",
        replay=None,
        demo=True,
        practice=True,
        host=None,
        guests=(),
        zone=ZoneInfo("Europe/Paris"),
    )
    assert isinstance(app, ChatApp)
    return app


async def replayed(pilot: Pilot[Any]) -> MainScreen:
    """Wait for the whole recording to be played and shown."""
    screen = await opened(pilot)
    deadline = time.monotonic() + 30
    while (
        screen.feed.sources.get("replay") is None
        or screen.feed.sources["replay"].state != "ended"
        or screen.session.runner.fresh
    ):
        assert time.monotonic() < deadline, screen.feed.sources
        await pilot.pause(0.05)
    await pilot.pause(0.2)
    return screen


async def test_the_user_hosts_the_demo(make_app: Any) -> None:
    """No post of the recorded host or co-moderator is shown or counted; no question opens by
    itself; the user's Q1 is the chat's Q1, posted as the host: never sent, but a post of the
    chat (not marked dry-run), so the summary says it was posted."""
    app = rehearsal(make_app)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await replayed(pilot)
        shown = {e.handle for e in screen.stream.entries}
        assert shown and not shown & HELD
        assert screen.feed.current_question is None
        assert "held back" in screen.feed.source_line()
        await pilot.press("n")
        assert screen.composer.draft.value.startswith("Q1: Concrètement")
        before = len(screen.stream.entries)
        await pilot.press("enter")
        deadline = time.monotonic() + 10
        while screen.feed.current_question != 1 or len(screen.stream.entries) == before:
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        mine = screen.stream.entries[-1]
        assert (mine.handle, mine.role, mine.question_number, mine.dry_run) == (
            "claire_morel",
            "host",
            1,
            False,
        )
        await pilot.pause(0.3)
        assert screen.feed.current_question == 1  # Q3 (or any other) did not open by itself
    db = app.session.db_path
    assert main(["summary", "--db", str(db), "--format", "json", "--out", str(db) + ".json"]) == 0
    summary = json.loads(Path(str(db) + ".json").read_text(encoding="utf-8"))
    posted = [q["number"] for q in summary["questions"] if q.get("posted_at")]
    assert posted == [1], "the rehearsal's Q1 is in its summary"
    again = rehearsal(make_app)
    async with again.run_test(size=(140, 40)) as pilot:
        screen = await replayed(pilot)
        hosts = [e for e in screen.stream.entries if e.handle in HELD]
        assert [(e.question_number, e.dry_run) for e in hosts] == [(1, False)]
        assert screen.feed.current_question == 1


async def test_the_empty_stream_of_a_rehearsal_says_what_to_do(make_app: Any) -> None:
    """Before the recorded participants arrive, a rehearsal's stream says the user is the host
    and which keys post the welcome, the rules and Q1 (the recorded welcome is held back)."""
    app = rehearsal(make_app)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await opened(pilot)
        lines = screen.stream.empty_lines()
        if screen.stream.entries:  # the recording already delivered posts: the note is set
            lines = ["No posts yet.", screen.stream.empty_note]
        assert lines[0] == "No posts yet."
        assert "you are the host" in lines[1] and "(f2)" in lines[1]
