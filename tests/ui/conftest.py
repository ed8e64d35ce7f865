"""Console test fixtures: a small recorded chat, consoles on a temporary database, snapshots in /snapshots."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy import SnapshotAssertion
from textual.pilot import Pilot

from tchat_tui.pipeline.settings import Settings
from tchat_tui.ui.app import ChatApp, build_app
from tchat_tui.ui.screens.main import MainScreen
from tchat_tui.ui.widgets.stream import StreamPane
from tests.factories import T0, stream_line

os.environ["TZ"] = "UTC"  # post times are shown in local time: make it the same everywhere
time.tzset()

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots"
NOW = T0 + timedelta(minutes=20)
"""The frozen wall clock of every console test."""

CHAT = [
    stream_line("100", "Bienvenue / welcome to #T! Tonight: rest for carers", "hostess", minute=0),
    stream_line("101", "Q1: What helps you rest? #T", "hostess", minute=1),
    stream_line("102", "A1 naps, honestly #T", "ada", minute=2),
    stream_line("103", "@hostess my sister takes the evenings #T", "bob", minute=3, reply_to="101"),
    stream_line("104", "@guest1 how do you find time to rest? #T", "cy", minute=4),
    stream_line("105", "A1 [bold]not markup[/bold] \x1b[31mnot red\x1b[0m #T", "mallory", minute=5),
    stream_line("106", "A1: la marche du matin #T", "nour", minute=6, name="نور الهدى"),
    stream_line("107", "A1 reading in the car park, ten minutes #T", "guest1", minute=7),
    stream_line("108", "Q2: What gets in the way? #T", "hostess", minute=8),
    stream_line("109", "A2 guilt, mostly #T", "ada", minute=9),
    stream_line("110", "R2 la paperasse #T", "nour", minute=10),
    stream_line("111", "@guest1 @hostess is respite care paid for? #T", "dee", minute=11),
    stream_line(
        "112",
        "Buy my course now! 50% off today only https://shop.example.com/deal?utm_source=chat #T",
        "deals4u",
        minute=11.5,
    ),
    stream_line(
        "113", "Need help? DM me for my coaching program, link in bio #T", "kim", minute=11.7
    ),
]
"""A small recorded chat: host, one guest, answers A1/R2 and by reply, audience questions, promo."""


class TopLevelSVG(SVGImageExtension):
    """Snapshots live in the repository's top-level `snapshots/` folder."""

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        """Every SVG in one reviewed folder."""
        return str(SNAPSHOTS)


class _TopLevelSnapshot:
    """Hands `snap_compare` our extension whatever extension it asks for."""

    def __init__(self, snapshot: SnapshotAssertion) -> None:
        self._snapshot = snapshot

    def use_extension(self, _extension: object = None) -> SnapshotAssertion:
        return self._snapshot.use_extension(TopLevelSVG)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> Any:
    """Syrupy's snapshot, storing SVGs under `snapshots/`."""
    return _TopLevelSnapshot(snapshot)


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Consoles under test never read the user's data folder (the first-timer rule looks at
    every chat database there)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def chat_file(tmp_path: Path) -> Path:
    """The small chat as a replay file."""
    path = tmp_path / "chat.jsonl"
    path.write_text("\n".join(CHAT) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path, chat_file: Path) -> Settings:
    """Replay at full speed into a temporary database, frozen clock, two moderators."""
    return Settings(
        tag="T",
        db_path=tmp_path / "chat.db",
        replay=chat_file,
        speed=0,
        host="hostess",
        guests=("guest1",),
        moderators=("ana", "bob"),
        clock=lambda: NOW,
        undo_seconds=0,  # sends go to the outbox at Enter; the undo window's tests set theirs
    )


class AppMaker:
    """Builds console apps from the test's settings, as the command line does: `build_app`
    reads the settings now, the database opens after the first frame (wait with `opened`) and
    each app shuts its session down as it exits."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __call__(self, **changes: Any) -> ChatApp:
        """A console on the test's settings (changed as given)."""
        return build_app(replace(self.settings, **changes))


@pytest.fixture
def make_app(settings: Settings) -> AppMaker:
    """Build console apps from the test's settings."""
    return AppMaker(settings)


def toasts(app: ChatApp, monkeypatch: Any) -> list[str]:
    """Every notification the app shows from now on (a list that fills as they come)."""
    said: list[str] = []
    notify = app.notify
    monkeypatch.setattr(
        app, "notify", lambda message, **kw: said.append(message) or notify(message, **kw)
    )
    return said


async def opened(pilot: Pilot[Any], timeout: float = 10.0) -> MainScreen:
    """Wait until the database is open and the main screen shows the chat (as the host sees it:
    the console opens the database in a worker after its first frame); drive keys after this."""
    app = pilot.app
    assert isinstance(app, ChatApp)
    deadline = time.monotonic() + timeout
    while app.main is None or not app.main.ready:
        assert time.monotonic() < deadline, f"the chat did not open ({app.error})"
        await pilot.pause(0.02)
    return app.main


async def settle(pilot: Pilot[Any], shown: int, timeout: float = 10.0) -> None:
    """Wait until the chat is open, the stream pane holds `shown` posts and the workers are
    quiet."""
    app = pilot.app
    assert isinstance(app, ChatApp)
    deadline = time.monotonic() + timeout
    await opened(pilot, timeout)
    while time.monotonic() < deadline:
        screen = app.screen
        runner = app.session.runner
        pane = screen.query(StreamPane).first() if screen.query(StreamPane) else None
        if pane is not None and len(pane.entries) >= shown and not runner.fresh:
            break
        await pilot.pause(0.05)
    await pilot.pause(0.1)
    screen = app.screen
    pane = screen.stream  # type: ignore[attr-defined]
    sources = screen.feed.sources  # type: ignore[attr-defined]
    assert len(pane.entries) >= shown, f"only {len(pane.entries)} posts shown; sources {sources}"
