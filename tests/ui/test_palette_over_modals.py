"""The command palette opens over the main screen only (Textual's palette over a modal that was
closing crashed the console in the walkthrough); a console that stops on an error exits 1 and
says where the chat is, never with the usual quit lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tchat_tui.cli.main import main
from tests.ui.conftest import settle
from tests.ui.test_console import ALL, select


async def test_ctrl_p_over_the_author_card_does_nothing(make_app: Any) -> None:
    """ctrl+p on the author card leaves the card up, the console running; on the main screen it
    opens the palette."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "113")
        await pilot.press("enter")
        assert type(app.screen).__name__ == "AuthorCard"
        await pilot.press("ctrl+p", "escape")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "MainScreen" and app.return_code is None
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "CommandPalette"


def test_a_console_that_stopped_on_an_error_exits_1(
    monkeypatch: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Textual's return code 1 (an error it printed) is the process's, with one line on where
    the chat is stored, not the quit lines of a normal exit."""
    import tchat_tui.ui.app as app_module

    class Crashed:
        error = None
        kept = "tchat-live: the chat is stored in c.db\n  its summary: tchat-live summary"
        return_code = 1

        def run(self) -> None:
            """It stopped on an error."""

    monkeypatch.setattr(app_module, "build_app", lambda s: Crashed())
    assert main(["T", "--db", str(tmp_path / "c.db")]) == 1
    out, err = capsys.readouterr()
    assert "its summary" not in out + err
    assert err.strip() == (
        "tchat-live: the console stopped on an error (above); the chat is stored in c.db"
    )
