"""Muting: never the host, a guest or a co-moderator; undone from the palette; kept on restart."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tchat_tui.store.moderation_history import muted_in_chat
from tchat_tui.ui.modals.author_card import AuthorCard
from tchat_tui.ui.modals.choosers import MutedAuthors
from tests.ui.conftest import settle, toasts
from tests.ui.test_console import ALL, actions, screen_of, select, wait_for

ADA = ("102", "109")
"""ada's posts: a participant's answers A1 and A2."""


def shown(pilot: Pilot[Any]) -> list[str]:
    """Native ids of the posts in the stream view."""
    return [e.native_id for e in screen_of(pilot).stream.rows]


@pytest.mark.parametrize(
    ("native_id", "changes", "refusal"),
    [
        ("101", {}, "@hostess is the host: not muted"),
        ("107", {}, "@guest1 is a guest: not muted"),
        ("102", {"co_moderators": ("ada",)}, "@ada is a co-moderator: not muted"),
    ],
)
async def test_m_does_not_mute_the_host_a_guest_or_a_co_moderator(
    make_app: Any, monkeypatch: Any, native_id: str, changes: dict[str, Any], refusal: str
) -> None:
    """m on the host's, a guest's or a co-moderator's post warns and mutes nobody."""
    app = make_app(**changes)
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await select(pilot, native_id)
        await pilot.press("m")
        assert refusal in said
        assert len(shown(pilot)) == ALL
        assert not screen_of(pilot).stream.muted
        author = app.session.store.author(entry.author_key)
        assert author is not None and author["muted"] == 0
        assert actions(app) == []


async def test_the_consoles_own_post_is_the_hosts(make_app: Any, monkeypatch: Any) -> None:
    """A post sent from the console is the host's: m does not mute its author."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await pilot.press("i", *"thanks all", "enter")
        await wait_for(pilot, lambda: len(screen.stream.entries) == ALL + 1)
        mine = screen.stream.entries[-1]
        assert mine.outgoing
        screen.stream.focus()
        await select(pilot, mine.native_id)
        await pilot.press("m")
        assert any(m.endswith("is the host: not muted") for m in said)
        assert len(shown(pilot)) == ALL + 1
        assert "mute" not in [a for _, a, _ in actions(app)]


async def test_mute_then_unmute_from_the_palette(make_app: Any, monkeypatch: Any) -> None:
    """m mutes a participant (the toast names the undo); 'Unmute an author…' lists them, Enter
    unmutes: the posts come back and both actions are logged with the moderator on duty."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        entry = await select(pilot, "102")
        await pilot.press("m")
        assert not set(ADA) & set(shown(pilot))
        assert "Muted @ada (palette: Unmute an author)" in said
        titles = {title: action for title, _, action in screen.palette_entries()}
        assert titles["Unmute an author…"] == "unmute_author"
        assert titles["Unmute the last muted author"] == "unmute_last"

        await pilot.press("ctrl+o")  # bob unmutes what ana muted
        await screen.run_action("unmute_author")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, MutedAuthors)
        assert [r["key"] for r in modal.rows] == [entry.author_key]
        assert (modal.rows[0]["handle"], modal.rows[0]["muted_by"]) == ("ada", "ana")
        assert modal.rows[0]["muted_at"]
        assert isinstance(app.focused, OptionList)
        await pilot.press("enter")
        assert app.screen is screen
        assert shown(pilot) == [str(n) for n in range(100, 114)]
        assert not screen.stream.muted
        author = app.session.store.author(entry.author_key)
        assert author is not None and author["muted"] == 0
        assert actions(app)[-3:] == [
            ("ana", "mute", entry.author_key),
            ("bob", "on duty", "bob"),
            ("bob", "unmute", entry.author_key),
        ]
        await screen.run_action("unmute_author")
        await pilot.pause()
        assert app.screen is screen  # nobody left to unmute: no list
        assert "No author is muted in this chat." in said


async def test_unmute_the_last_muted_author(make_app: Any) -> None:
    """'Unmute the last muted author' undoes the latest mute only."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await select(pilot, "102")
        await pilot.press("m")
        await select(pilot, "105")
        await pilot.press("m")
        assert "105" not in shown(pilot)
        await screen.run_action("unmute_last")
        assert "105" in shown(pilot) and "102" not in shown(pilot)
        await screen.run_action("unmute_last")
        assert len(shown(pilot)) == ALL


async def test_unmute_is_kept_on_restart(make_app: Any) -> None:
    """Mute, unmute, quit and reopen on the same database: the author's posts are shown."""
    first = make_app()
    async with first.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "102")
        await pilot.press("m")
        await select(pilot, "105")
        await pilot.press("m")
        await screen_of(pilot).run_action("unmute_last")  # mallory comes back, ada stays muted
    again = make_app()
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.pause(0.3)  # the replay runs again: every post is already stored
        assert "105" in shown(pilot)
        assert not set(ADA) & set(shown(pilot))
        rows = muted_in_chat(again.session.store, again.session.chat_id)
        assert [r["handle"] for r in rows] == ["ada"]
        await screen_of(pilot).run_action("unmute_last")
        assert len(shown(pilot)) == ALL
    third = make_app()
    async with third.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.pause(0.3)
        assert len(shown(pilot)) == ALL
        assert muted_in_chat(third.session.store, third.session.chat_id) == []


async def test_author_card_types_into_the_note_and_unmutes(make_app: Any) -> None:
    """The card opens with the note field focused; for a muted author its button says Unmute."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        entry = await select(pilot, "113")
        await pilot.press("enter")
        assert isinstance(app.screen, AuthorCard)
        assert isinstance(app.focused, Input) and app.focused.id == "note"
        await pilot.press(*"coach", "enter")  # no click: typed straight into the note
        assert app.screen is screen
        author = app.session.store.author(entry.author_key)
        assert author is not None and author["notes"] == "coach"

        await pilot.press("m")
        assert "113" not in shown(pilot)
        card = AuthorCard(app.session.store, app.session.chat_id, entry.author_key)
        assert card.muted
        await app.push_screen(card)
        await pilot.pause()
        assert str(card.query_one("#mute").label) == "Unmute"
        await pilot.press("escape")
        assert app.screen is screen


async def test_the_author_card_does_not_mute_the_host(make_app: Any, monkeypatch: Any) -> None:
    """The card's Mute button refuses the host as m does."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "101")
        await pilot.press("enter")
        assert isinstance(app.screen, AuthorCard)
        await pilot.click("#mute")
        assert type(app.screen).__name__ == "MainScreen"
        assert "@hostess is the host: not muted" in said
        assert len(shown(pilot)) == ALL and actions(app) == []
