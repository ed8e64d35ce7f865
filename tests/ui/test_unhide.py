"""Undoing a hide and keeping a typed note: 'Unhide the last hidden post' walks back through the
session's hides, 'Unhide a post…' lists the chat's hidden posts, the author card keeps its note."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from tchat_tui.store.moderation_history import hidden_in_chat
from tchat_tui.ui.modals.author_card import AuthorCard
from tchat_tui.ui.modals.choosers import HiddenPosts
from tests.ui.conftest import settle, toasts
from tests.ui.test_console import ALL, actions, screen_of, select
from tests.ui.test_mute import shown


async def test_unhide_last_walks_back_through_the_sessions_hides(
    make_app: Any, monkeypatch: Any
) -> None:
    """Each 'Unhide the last hidden post' brings back the newest post still hidden in this
    session (one unhidden since is skipped); then it says nothing is left."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        for native_id in ("102", "105", "109", "110"):
            await select(pilot, native_id)
            await pilot.press("h")
        assert len(shown(pilot)) == ALL - 4
        screen.moderation.unhide_post("x:109")  # from the chooser, say
        await screen.run_action("unhide_last")
        assert "110" in shown(pilot)
        await screen.run_action("unhide_last")  # 109 is already back: 105 next
        assert "105" in shown(pilot) and "102" not in shown(pilot)
        await screen.run_action("unhide_last")
        assert len(shown(pilot)) == ALL
        said.clear()
        await screen.run_action("unhide_last")
        assert any(m.startswith("Nothing hidden in this session.") for m in said)
        assert [a for _, a, _ in actions(app)] == ["hide"] * 4 + ["unhide"] * 4
        rows = [app.session.store.post(f"x:{n}") or {} for n in (102, 105, 109, 110)]
        assert [r.get("hidden") for r in rows] == [0, 0, 0, 0]


async def test_unhide_a_post_from_the_palette(make_app: Any, monkeypatch: Any) -> None:
    """'Unhide a post…' lists the chat's hidden posts, newest hide first, with time, author,
    text (as plain text) and who hid it; Enter unhides the chosen one as the moderator on duty."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        titles = {title: action for title, _, action in screen.palette_entries()}
        assert titles["Unhide a post…"] == "unhide_post"
        await screen.run_action("unhide_post")
        assert "No post is hidden in this chat." in said
        await select(pilot, "102")
        await pilot.press("h")
        await pilot.press("ctrl+o")  # bob on duty
        await select(pilot, "105")
        await pilot.press("h")

        await screen.run_action("unhide_post")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, HiddenPosts)
        assert [(r["key"], r["hidden_by"]) for r in modal.rows] == [
            ("x:105", "bob"),
            ("x:102", "ana"),
        ]
        lines = [modal.line(r).plain for r in modal.rows]
        assert lines[0].startswith("18:05:00 @mallory A1 [bold]not markup[/bold] �[31mnot red")
        assert "hidden by bob" in lines[0] and "\x1b" not in lines[0]
        assert lines[1].startswith("18:02:00 @ada A1 naps, honestly #T  hidden by ana")
        assert isinstance(app.focused, OptionList)
        await pilot.press("down", "enter")  # ada's post
        assert app.screen is screen
        assert "102" in shown(pilot) and "105" not in shown(pilot)
        assert actions(app)[-1] == ("bob", "unhide", "x:102")
        assert [r["key"] for r in hidden_in_chat(app.session.store, app.session.chat_id)] == [
            "x:105"
        ]
        assert "Unhidden: post by @ada is back in the stream" in said


async def test_hidden_posts_are_listed_after_a_restart(make_app: Any) -> None:
    """A post hidden in an earlier session is in the chooser and comes back in the stream."""
    first = make_app()
    async with first.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "105")
        await pilot.press("h")
    again = make_app()
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL - 1)
        await pilot.pause(0.3)
        screen = screen_of(pilot)
        assert "105" not in shown(pilot)
        await screen.run_action("unhide_post")
        await pilot.pause()
        assert isinstance(again.screen, HiddenPosts)
        await pilot.press("enter")
        assert "105" in shown(pilot)


async def test_the_author_card_saves_a_changed_note_on_close(
    make_app: Any, monkeypatch: Any
) -> None:
    """A note typed then Esc, or then Mute, is saved (and said); an untouched note is not."""
    app = make_app()
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        entry = await select(pilot, "113")
        await pilot.press("enter")
        assert isinstance(app.screen, AuthorCard)
        await pilot.press(*"coach", "escape")
        assert app.screen is screen
        author = app.session.store.author(entry.author_key)
        assert author is not None and author["notes"] == "coach"
        assert "Note saved on @kim" in said

        await pilot.press("enter")
        assert isinstance(app.screen, AuthorCard)
        await pilot.press("end", *", spam")  # the field opens with its text selected
        await pilot.click("#mute")
        assert app.screen is screen
        author = app.session.store.author(entry.author_key)
        assert author is not None and (author["notes"], author["muted"]) == ("coach, spam", 1)
        assert actions(app)[-2:] == [
            ("ana", "note", entry.author_key),
            ("ana", "mute", entry.author_key),
        ]

        await select(pilot, "102")
        await pilot.press("enter")
        await pilot.press("escape")  # nothing typed: nothing saved
        assert app.screen is screen
        assert actions(app)[-1] == ("ana", "mute", entry.author_key)
