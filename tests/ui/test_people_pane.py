"""The people pane (`P`): who is still waiting, first-timers marked there and in the stream, open
audience questions with their age, acknowledgements stored for every console."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from tchat_tui.domain.chat_post import ChatPost
from tchat_tui.domain.classify import Classification
from tchat_tui.domain.post import Role
from tchat_tui.store.database import Store
from tchat_tui.ui.modals.people import PeopleScreen, age_text
from tchat_tui.ui.screens.main import MainScreen
from tchat_tui.ui.stream_layout import header_parts
from tests.factories import make_post
from tests.ui.conftest import CHAT, settle


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data folder, with last week's #T chat: the host and ada were there."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "tchat-live"
    folder.mkdir(parents=True)
    store = Store.open(folder / "t.db")
    chat = store.ensure_chat("t")
    week = -7 * 24 * 60
    store.add_posts(
        chat,
        [
            ChatPost(make_post("1", "Q1 #T", "hostess", minute=week), Classification(Role.HOST)),
            ChatPost(
                make_post("2", "A1 #T", "ADA", minute=week + 1), Classification(Role.PARTICIPANT)
            ),
        ],
    )
    store.close()
    return folder


async def ready(pilot: Pilot[Any]) -> MainScreen:
    """The chat shown, the replay over, the first-timers found, no cursor blink."""
    await settle(pilot, len(CHAT))
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    while screen.people.first_timers is None or (
        screen.feed.sources.get("replay") is None or screen.feed.sources["replay"].state != "ended"
    ):
        await pilot.pause(0.05)
    screen.query_one("#draft").cursor_blink = False  # type: ignore[attr-defined]
    screen.refresh_panes()
    await pilot.pause(0.1)
    return screen


async def open_people(pilot: Pilot[Any]) -> PeopleScreen:
    """Press P and wait for the pane's first read."""
    await pilot.press("P")
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, PeopleScreen) and screen.people is not None:
            break
        await pilot.pause(0.05)
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen) and screen.people is not None
    await pilot.pause(0.1)
    return screen


async def test_first_timers_in_the_stream(make_app: Any, data_folder: Path) -> None:
    """Ada was in last week's chat: her posts carry no mark; Bob's do; the host's never."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        marked = {e.handle for e in screen.stream.entries if e.first_timer}
        assert marked == {"bob", "cy", "mallory", "nour", "guest1", "dee", "deals4u", "kim"}
        bob = next(e for e in screen.stream.entries if e.handle == "bob")
        assert (" ✦", "bold green") in header_parts(bob)
        from tests.factories import make_post as post

        screen.session.runner.posts([post("300", "hello #T", "zed", minute=13)])
        while "300" not in {e.native_id for e in screen.stream.entries}:
            await pilot.pause(0.05)
        assert next(e for e in screen.stream.entries if e.native_id == "300").first_timer


async def test_no_earlier_chat_marks_nobody(
    make_app: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """Without an earlier chat with the tag nobody is a first-timer, and the pane says so."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "empty"))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await ready(pilot)
        assert not any(e.first_timer for e in screen.stream.entries)
        people = await open_people(pilot)
        assert people.people is not None and people.people.first_timers is not None
        assert people.people.first_timers.note() == "no earlier chat with #T"


async def test_waiting_first_and_acknowledged(make_app: Any, data_folder: Path) -> None:
    """Everybody waits at first, those with an open question first; `a` marks the highlighted
    person acknowledged, in the action log, seen by another connection; `a` again takes it back."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        main = await ready(pilot)
        pane = await open_people(pilot)
        assert pane.people is not None
        order = [p.handle for p in pane.people.participants]
        assert order[:2] == ["cy", "dee"], "open audience questions first, oldest first"
        assert [q.handle for q in pane.people.questions] == ["cy", "dee"]
        assert pane.people.questions[0].age(main.session.clock.now()) == timedelta(minutes=7.7)
        table = pane.query_one("#people-list", DataTable)
        assert table.row_count == len(order)
        await pilot.press("a")
        while pane.people.participants[0].handle == "cy":  # cy is no longer waiting
            await pilot.pause(0.05)
        other = Store.open(main.session.db_path)
        assert "x:id-cy" in other.acknowledged(main.session.chat_id)
        log = other.actions(main.session.chat_id, 1)[0]
        assert (log["moderator"], log["action"], log["target"]) == ("ana", "acknowledge", "x:id-cy")
        other.close()
        cy_row = table.get_row_index("x:id-cy")
        table.move_cursor(row=cy_row)
        await pilot.press("a")
        while pane.people.participants[0].handle != "cy":
            await pilot.pause(0.05)
        assert "x:id-cy" not in main.session.store.acknowledged(main.session.chat_id)
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert isinstance(pilot.app.screen, MainScreen)


@pytest.mark.parametrize(
    ("seconds", "text"), [(5, "5s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3900, "1h05")]
)
def test_age_text(seconds: int, text: str) -> None:
    """A question's age reads in seconds, minutes, then hours and minutes."""
    assert age_text(timedelta(seconds=seconds)) == text


async def people_scene(pilot: Pilot[Any]) -> None:
    """A star on ada's post, dee's question claimed, nour acknowledged, the pane open on nour."""
    main = await ready(pilot)
    for native_id, key in (("102", "s"), ("111", "c")):
        main.stream.move_cursor(
            next(i for i, e in enumerate(main.stream.rows) if e.native_id == native_id)
        )
        await pilot.press(key)
    pane = await open_people(pilot)
    table = pane.query_one("#people-list", DataTable)
    table.move_cursor(row=table.get_row_index("x:id-nour"))
    await pilot.press("a")
    while not any(p.acknowledged for p in pane.people.participants):  # type: ignore[union-attr]
        await pilot.pause(0.05)
    pilot.app.clear_notifications()
    await pilot.pause(0.2)


class TestPeoplePane:
    """The people pane over the console, at two sizes."""

    def test_small_terminal(self, snap_compare: Any, make_app: Any, data_folder: Path) -> None:
        """80x24: waiting first (open questions first), first-timers, star, claim, acknowledged."""
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=people_scene)

    def test_large_terminal(self, snap_compare: Any, make_app: Any, data_folder: Path) -> None:
        """120x40: the same chat, every column and both lists in full."""
        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=people_scene)


async def test_a_failing_rule_leaves_the_pane_working(
    make_app: Any, data_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First-timers are a courtesy: when the rule cannot read, nobody is marked and the pane
    lists the participants all the same, saying it is still looking."""
    import sqlite3

    import tchat_tui.store.first_timers as rule

    def broken(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(rule, "first_timers", broken)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        pane = await open_people(pilot)
        assert pane.people is not None and pane.people.first_timers is None
        assert len(pane.people.participants) == 8
        assert not any(p.first_timer for p in pane.people.participants)
        head = pane.query_one("#people-head")
        assert "first-timers: still looking" in str(head.render())


async def test_acknowledge_from_the_questions(make_app: Any, data_folder: Path) -> None:
    """In the questions list, `a` marks the highlighted question's author; `P` closes the pane."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        main = await ready(pilot)
        pane = await open_people(pilot)
        await pilot.press("tab")
        assert pane.focused is pane.query_one("#people-questions", DataTable)
        await pilot.press("down", "a")
        while "x:id-dee" not in main.session.store.acknowledged(main.session.chat_id):
            await pilot.pause(0.05)
        assert list(main.session.store.acknowledged(main.session.chat_id)) == ["x:id-dee"]
        await pilot.press("P")
        await pilot.pause(0.1)
        assert isinstance(pilot.app.screen, MainScreen)
