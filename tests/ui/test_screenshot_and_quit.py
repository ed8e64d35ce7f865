"""The palette's Screenshot saves beside the chat's database and says where; quitting prints
where the chat is stored and how to summarize it (nothing when the console was refused)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot

from tchat_tui.cli.main import main
from tchat_tui.ui.app import ChatApp
from tests.ui.conftest import CHAT, opened, settle, toasts


async def test_screenshot_from_the_palette(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ctrl+p, 'Screenshot', Enter: an SVG of the console in the database's folder, and a
    notification that says where (Textual's default folder, Downloads, may not exist)."""
    monkeypatch.setenv("HOME", str(tmp_path / "no-home"))  # no Downloads folder to fall back on
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        said = toasts(app, monkeypatch)
        await pilot.press("ctrl+p")
        while not isinstance(app.screen, CommandPalette):
            await pilot.pause(0.05)
        await pilot.press(*"Screenshot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        deadline = time.monotonic() + 10
        while not said:
            assert time.monotonic() < deadline, "no notification"
            await pilot.pause(0.05)
    saved = list(tmp_path.glob("tchat-live-T-*.svg"))
    assert len(saved) == 1, said
    assert "Saved screenshot" in said[0] and str(saved[0]) in said[0]
    assert "<svg" in saved[0].read_text(encoding="utf-8")[:500]


async def test_quitting_says_where_the_chat_is(make_app: Any, tmp_path: Path) -> None:
    """ctrl+q: the database's path and the summary's command, for after the terminal is back."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        await pilot.press("ctrl+q")
    db = tmp_path / "chat.db"
    assert app.kept == (
        f"tchat-live: the chat is stored in {db}\n"
        f"  its summary: tchat-live summary --db {db} --out summary.md"
    )


async def _quit_when_open(pilot: Pilot[Any]) -> None:
    await opened(pilot)
    await pilot.press("ctrl+q")


def test_the_command_line_prints_it_after_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tchat-live TAG --dry-run`, quit: two lines on stdout; a refused second console, none."""
    db = tmp_path / "chat.db"
    monkeypatch.setattr(
        ChatApp, "run", lambda self: App.run(self, headless=True, auto_pilot=_quit_when_open)
    )
    assert main(["T", "--dry-run", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"tchat-live: the chat is stored in {db}",
        f"  its summary: tchat-live summary --db {db} --out summary.md",
    ]


async def _wait(pilot: Pilot[Any]) -> None:
    await pilot.pause(5)  # the console exits by itself when the chat cannot open


@pytest.mark.parametrize("refusal", ["missing folder", "fails to open"])
def test_nothing_is_printed_when_the_console_is_refused(
    refusal: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Refused before the screen (a mistyped folder) or after it (the database would not open):
    the reason in one line on stderr, no 'stored in' lines."""
    from tchat_tui.pipeline.session import ChatSession
    from tchat_tui.store.errors import StoreError

    db = tmp_path / "typo" / "chat.db" if refusal == "missing folder" else tmp_path / "chat.db"

    def fail(self: ChatSession) -> None:
        raise StoreError("the database is damaged")

    monkeypatch.setattr(ChatSession, "open", fail)
    monkeypatch.setattr(ChatApp, "run", lambda self: App.run(self, headless=True, auto_pilot=_wait))
    assert main(["T", "--dry-run", "--db", str(db)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
