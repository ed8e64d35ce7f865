"""Reading the stream: whole posts wrapped ('w': one line a post), and the search ('/', Escape)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tchat_tui.ui.modals.search_prompt import SearchPrompt
from tchat_tui.ui.screens.main import MainScreen
from tests.factories import make_post
from tests.ui.conftest import CHAT, settle

LONG = (
    "@ada @bob A1 Je suis à la retraite depuis deux ans et je m'occupe de ma mère tous les "
    "après-midi; le répit du jeudi 🧑\u200d⚕\ufe0f change tout, et le groupe de parole aussi #T"
)


def main_screen(pilot: Pilot[Any]) -> MainScreen:
    """The console's screen."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def shown_text(screen: MainScreen) -> list[str]:
    """The stream's lines as they are on screen."""
    pane = screen.stream
    return [
        "".join(seg.text for seg in pane.render_line(y))
        for y in range(pane.scrollable_content_region.height)
    ]


async def test_a_long_reply_is_shown_whole_and_w_makes_it_one_line(make_app: Any) -> None:
    """At 80x24 a long reply is wrapped whole, its mentions collapsed; 'w' shows one line a post
    and back, the cursor staying on its post."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, len(CHAT))
        screen = main_screen(pilot)
        screen.session.runner.posts([make_post("300", LONG, "cy", minute=13, reply_to="102")])
        await settle(pilot, len(CHAT) + 1)
        await pilot.pause()
        pane = screen.stream
        assert pane.selected is not None and pane.selected.native_id == "300"
        start, lines = pane.lines.span(pane.cursor)
        assert lines >= 3 and pane.lines.total > len(pane.rows)
        text = " ".join(" ".join(shown_text(screen)).split())
        assert "↩ @ada +1 A1 Je suis à la retraite" in text
        assert "groupe de parole aussi #T" in text and "🧑⚕ change tout" in text
        await pilot.press("k")
        assert pane.selected is not None and pane.selected.native_id == "113"
        await pilot.press("w")
        assert not pane.lines.wrap and pane.lines.total == len(pane.rows)
        assert pane.selected.native_id == "113"
        assert "one line a post" in screen.stream_title
        await pilot.press("j", "w")
        assert pane.lines.wrap and pane.selected.native_id == "300"
        assert "one line a post" not in screen.stream_title


async def test_search_finds_stored_posts_and_new_ones_until_escape(make_app: Any) -> None:
    """'/Q1' shows question 1 and its answers, one that left the pane's window too (the store is
    searched); a new answer joins them; Escape brings the whole stream back."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, len(CHAT))
        screen = main_screen(pilot)
        pane = screen.stream
        gone = pane.by_key.pop("x:102")  # as if trimmed from the window
        pane.entries.remove(gone)
        pane.refilter()
        everything = len(pane.rows)
        await pilot.press("slash")
        while not (isinstance(app.screen, SearchPrompt) and app.screen.query(Input)):
            await pilot.pause(0.02)
        await pilot.press("Q", "1", "enter")
        while pane.search is None:
            await pilot.pause(0.02)
        found = {e.native_id for e in pane.rows}
        assert found == {"101", "102", "103", "105", "106", "107"}
        assert "search “Q1” · 6 found" in screen.stream_title
        screen.session.runner.posts(
            [
                make_post("301", "A1 la sieste #T", "zed", minute=13),
                make_post("302", "A2 rien #T", "zed", minute=13.1),
            ]
        )
        while "x:302" not in pane.by_key:
            await pilot.pause(0.05)
        assert [e.native_id for e in pane.rows][-1] == "301"
        await pilot.press("escape")
        assert pane.search is None and len(pane.rows) == everything + 2
        assert "search" not in screen.stream_title


async def test_search_by_handle_and_word_and_nothing_found(make_app: Any) -> None:
    """'@nour' finds her posts; a word found nowhere says so and how to leave."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, len(CHAT))
        screen = main_screen(pilot)
        pane = screen.stream
        from tchat_tui.domain.post_search import PostSearch
        from tchat_tui.ui.actions.searching import Searching

        Searching(screen.session, screen.feed, screen).show(PostSearch.parse("@nour"))
        while pane.search is None:
            await pilot.pause(0.02)
        assert {e.native_id for e in pane.rows} == {"106", "110"}
        Searching(screen.session, screen.feed, screen).show(PostSearch.parse("zzzz"))
        while pane.search is None or pane.search.typed != "zzzz":
            await pilot.pause(0.02)
        await pilot.pause()
        assert not pane.rows
        assert "No post found for “zzzz”" in shown_text(screen)[0]


async def test_slash_in_the_composer_is_typed_not_a_search(make_app: Any) -> None:
    """'/' searches from the stream; in the composer it is a character (links have many)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, len(CHAT))
        await pilot.press("i", *"https://e.x/a", "escape")
        await pilot.pause()
        assert main_screen(pilot).composer.draft.value == "https://e.x/a"
        assert main_screen(pilot).stream.search is None
