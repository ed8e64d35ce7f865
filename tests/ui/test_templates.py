"""The plan's templates have keys (f2..f9, in the plan's order) and rank first in the
command palette for their own words: "last" then Enter is the last-call template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tchat_tui.ui.palette import own_words_match, palette_score, template_title
from tests.ui.conftest import settle
from tests.ui.test_console import ALL, screen_of, wait_for
from tests.ui.test_key_burst import from_terminal

PLAN = """
tag = "#T"
topic = "Rest for carers"
host = "hostess"
guests = ["guest1"]
questions = ["What helps you rest?", "What gets in the way?", "Who helps?"]

[templates]
welcome = "Welcome to {tag}! Tonight: {topic}"
rules = "Answer A1, A2... with {tag}"
intro = "Who is here tonight? {tag}"
last_call = "Last call for your questions to {guests}! {tag}"
thanks = "Thank you all {tag}"
"""


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """A plan with the five usual templates."""
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    return path


async def test_last_then_enter_in_the_palette_is_the_last_call(
    make_app: Any, plan_path: Path
) -> None:
    """ctrl+p, "last", Enter: the last-call template is in the composer, nothing unhidden."""
    app = make_app(plan_path=plan_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"last")
        await pilot.pause(0.5)  # the palette searches in a worker
        await pilot.press("enter")
        composer = screen_of(pilot).composer
        await wait_for(pilot, lambda: composer.draft.value.startswith("Last call"))
        assert composer.draft.value == "Last call for your questions to @guest1! #T"
        assert app.session.store.actions(app.session.chat_id) == []


@pytest.mark.parametrize(
    ("keys", "first"),
    [("\x1bOQ", "Welcome"), ("\x1b[15~", "Last call"), ("\x1b[52;3u", "Last call")],
)
async def test_a_function_key_puts_its_template_in_the_composer(
    make_app: Any, plan_path: Path, keys: str, first: str
) -> None:
    """f2 is the welcome, f5 the last call (the plan's order; alt+4 too where the terminal sends
    it apart), from the stream or while writing: the draft in progress is set aside."""
    app = make_app(plan_path=plan_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        composer = screen_of(pilot).composer
        await from_terminal(pilot, keys)
        assert composer.draft.value.startswith(first)
        await pilot.press("escape")
        composer.clear()
        await from_terminal(pilot, "ihalf")
        await from_terminal(pilot, keys)
        assert composer.draft.value.startswith(first)
        assert [text for text, _ in composer.aside] == ["half"]


async def test_a_key_with_no_template_says_so(
    make_app: Any, plan_path: Path, monkeypatch: Any
) -> None:
    """f9 (the eighth) in a plan of five templates: a warning, the composer untouched."""
    from tests.ui.conftest import toasts

    app = make_app(plan_path=plan_path)
    said = toasts(app, monkeypatch)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await from_terminal(pilot, "\x1b[20~")
        assert "No template 8: the plan has 5." in said
        assert screen_of(pilot).composer.draft.value == ""


async def test_the_palette_and_the_help_name_each_templates_key(
    make_app: Any, plan_path: Path
) -> None:
    """Each template's palette entry says its key; the help lists them by name."""
    from tchat_tui.ui.screens.keys import help_sections

    app = make_app(plan_path=plan_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        entries = {
            title: (help_text, action) for title, help_text, action in screen.palette_entries()
        }
        assert entries["Template: last call"][0].startswith("key: f5")
        assert entries["Template: last call"][1] == "template_key(4)"
        bound = {b.action for b in screen.BINDINGS if hasattr(b, "action")}
        assert {f"template_key({n})" for n in range(1, 6)} <= bound
        sections = dict(help_sections(screen.BINDINGS, app.session.plan.templates))  # type: ignore[union-attr]
        assert ("f5", "Template: last call") in sections["Templates"]


@pytest.mark.parametrize(
    ("query", "title", "first"),
    [
        ("last", "Template: last call", True),
        ("LAST c", "Template: last call", True),
        ("call", "Template: last call", True),
        ("last", "Unhide the last hidden post", False),
        ("thx", "Template: thanks", False),  # fuzzy, not its own words: no boost
        ("", "Template: welcome", False),
    ],
)
def test_a_template_ranks_first_for_its_own_words(query: str, title: str, first: bool) -> None:
    """Every word typed begins a word of the template's name: boosted above any other entry."""
    assert own_words_match(query, title) is first
    boosted = palette_score(1.0, query, title)
    assert (boosted > palette_score(50.0, query, "Unhide the last hidden post")) is first


def test_template_titles_read_as_words() -> None:
    """`last_call` is shown as "last call"."""
    assert template_title("last_call") == "Template: last call"
