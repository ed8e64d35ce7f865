"""Muting by handle (palette), muting the author of the post just hidden, and the author card's
note saved however the card closes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from tchat_tui.ui.modals.author_card import AuthorCard
from tchat_tui.ui.modals.texts_form import TextsForm
from tests.ui.conftest import settle, toasts
from tests.ui.test_console import ALL, actions, screen_of, select, wait_for


async def mute_by_palette_action(pilot: Any, handle: str) -> None:
    """Run "Mute @handle…" and type `handle`."""
    app = pilot.app
    titles = {t: a for t, _, a in screen_of(pilot).palette_entries()}
    await screen_of(pilot).run_action(titles["Mute @handle…"])
    await wait_for(pilot, lambda: isinstance(app.focused, Input))
    assert isinstance(app.screen, TextsForm)
    await pilot.press(*handle, "enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, TextsForm))


@pytest.mark.parametrize(
    ("typed", "said", "muted"),
    [
        ("@Ada", "Muted @ada (palette: Unmute an author)", ["ada"]),
        ("nour", "Muted @nour (palette: Unmute an author)", ["nour"]),
        ("@nobody", "Nobody in this chat posts as @nobody.", []),
        ("hostess", "@hostess is the host: not muted", []),
        ("guest1", "@guest1 is a guest: not muted", []),
    ],
)
async def test_mute_by_handle(
    make_app: Any, monkeypatch: Any, typed: str, said: str, muted: list[str]
) -> None:
    """The palette's "Mute @handle…" mutes that author of the chat, any case, with or without
    '@'; nobody by that handle, the host or a guest: a word and no mute."""
    app = make_app()
    words = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await mute_by_palette_action(pilot, typed)
        await wait_for(pilot, lambda: said in words)
        store = app.session.store
        handles = sorted(
            (store.author(k) or {}).get("handle") for k in screen_of(pilot).stream.muted
        )
        assert handles == muted
        assert [a[1] for a in actions(app)] == (["mute"] if muted else [])
        shown_authors = {e.handle for e in screen_of(pilot).stream.rows}
        assert not shown_authors & set(muted)


async def test_m_right_after_h_mutes_the_hidden_posts_author(
    make_app: Any, monkeypatch: Any
) -> None:
    """h hides ada's A2; m (the cursor not moved) mutes ada, not the post that took its place;
    once the cursor moves, m is for the selected post again."""
    app = make_app()
    words = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await select(pilot, "109")
        await pilot.press("h")
        assert screen.stream.selected is not None and screen.stream.selected.handle != "ada"
        await pilot.press("m")
        assert any(w.startswith("Muted @ada") for w in words)
        assert [a[1:] for a in actions(app)] == [("hide", "x:109"), ("mute", "x:id-ada")]
        await select(pilot, "110")
        await pilot.press("h", "up", "m")  # moved since the hide: the selected post's author
        selected = screen.stream.selected
        assert selected is not None and selected.handle != "nour"
        assert f"@{selected.handle}" in words[-1] and "@nour" not in words[-1]


async def card_with_note(pilot: Any, native_id: str, note: str) -> Any:
    """Open the author card of a post and type a note (not submitted)."""
    app = pilot.app
    entry = await select(pilot, native_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.focused, Input))
    assert isinstance(app.screen, AuthorCard)
    await pilot.press(*note)
    return entry


@pytest.mark.parametrize(
    "leave",
    [("tab", "escape"), ("tab",), ("escape",), ("pop",)],
    ids=["tab-then-escape", "tab-only", "escape", "closed-by-the-app"],
)
async def test_the_note_is_saved_however_the_card_closes(
    make_app: Any, leave: tuple[str, ...]
) -> None:
    """A typed note is saved when Tab leaves the field, when Escape closes the card, and when
    the card is closed any other way."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await card_with_note(pilot, "113", "sells coaching")
        for key in leave:
            if key == "pop":
                app.pop_screen()
                await pilot.pause()
            else:
                await pilot.press(key)
        await wait_for(
            pilot,
            lambda: (
                (app.session.store.author(entry.author_key) or {}).get("notes") == "sells coaching"
            ),
        )
        assert [a for a in actions(app) if a[1] == "note"] == [("ana", "note", entry.author_key)]
