"""A draft in progress is never thrown away by r, n or a template."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import settle
from tests.ui.test_console import ALL, screen_of, select


async def test_reply_to_another_post_keeps_the_draft_text(make_app: Any) -> None:
    """r on another post while a reply is being written: same text, new post replied to."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await select(pilot, "104")
        await pilot.press("r", *"so true")
        await pilot.press("escape")
        await select(pilot, "103")
        await pilot.press("r")
        composer = screen.composer
        assert composer.draft.value == "so true"
        assert composer.reply_to is not None and composer.reply_to.native_id == "103"
        assert composer.aside == []


async def test_next_question_sets_the_draft_aside_and_ctrl_y_swaps_it_back(make_app: Any) -> None:
    """n over a draft: the question takes the composer, the draft waits; ctrl+y swaps them."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        composer = screen.composer
        await select(pilot, "104")
        await pilot.press("r", *"keep me")
        await pilot.press("ctrl+n")
        assert composer.draft.value.startswith("Q3: ")
        assert composer.reply_to is None
        await pilot.press("ctrl+y")
        assert composer.draft.value == "keep me"
        assert composer.reply_to is not None and composer.reply_to.native_id == "104"
        await pilot.press("ctrl+y")
        assert composer.draft.value.startswith("Q3: ") and composer.reply_to is None
        await pilot.press("ctrl+u", "ctrl+y")  # an emptied draft is not set aside
        assert composer.draft.value == "keep me" and composer.aside == []


async def test_an_empty_composer_is_simply_replaced(make_app: Any) -> None:
    """Nothing is set aside when there was nothing to keep."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer = screen_of(pilot).composer
        await pilot.press("n")
        assert composer.draft.value.startswith("Q3: ") and composer.aside == []


async def test_several_set_aside_drafts_are_all_kept(make_app: Any) -> None:
    """Two replacements in a row: ctrl+y cycles through every draft, none is lost."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer = screen_of(pilot).composer
        await pilot.press("i", *"draft A precious")
        await pilot.press("ctrl+n")  # Q3 over draft A
        await pilot.press(*"X")
        composer.start("a template text")  # as a palette template does
        await pilot.pause()
        seen = {composer.draft.value}
        for _ in range(3):
            await pilot.press("ctrl+y")
            seen.add(composer.draft.value)
        assert "draft A precious" in seen
        assert any(v.startswith("Q3: ") and v.endswith("X") for v in seen)
        assert "a template text" in seen
