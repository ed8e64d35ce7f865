"""The stream pane without a scrollbar: wheel and keys move the cursor, the title says where."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from tchat_tui.ui.widgets.stream import WHEEL_STEP
from tests.ui.conftest import CHAT, settle
from tests.ui.test_console import screen_of


async def wheel(pilot: Pilot[Any], pane: Widget, up: bool) -> None:
    """One notch of the mouse wheel over the pane."""
    kind = events.MouseScrollUp if up else events.MouseScrollDown
    pane.post_message(kind(pane, 5, 5, 0, -1 if up else 1, 0, False, False, False))
    await pilot.pause()


async def test_wheel_and_keys_move_the_cursor_and_the_title_says_where(make_app: Any) -> None:
    """Leaving the newest post stops following; the title shows 'post N of M'; End follows again."""
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, len(CHAT))
        screen = screen_of(pilot)
        pane = screen.stream
        title = screen.query_one("#stream-title", Static)
        last = len(pane.rows) - 1
        assert pane.follow and pane.cursor == last
        assert "post " not in str(title.render())
        await wheel(pilot, pane, up=True)
        assert pane.cursor == last - WHEEL_STEP and not pane.follow
        assert f"post {last - WHEEL_STEP + 1} of {len(pane.rows)}" in str(title.render())
        await pilot.press("up")
        assert pane.cursor == last - WHEEL_STEP - 1
        await pilot.press("home")
        assert pane.cursor == 0 and pane.scroll_offset.y == 0
        await wheel(pilot, pane, up=False)
        assert pane.cursor == WHEEL_STEP
        await pilot.press("end")
        assert pane.follow and pane.cursor == last
        assert "post " not in str(title.render())


async def test_typing_defers_the_drain_but_never_drops_posts(make_app: Any) -> None:
    """While the moderator types, news waits up to TYPING_DRAIN seconds, then all of it shows."""
    import time

    from tchat_tui.domain.chat_post import ChatPost
    from tchat_tui.domain.classify import Classification
    from tchat_tui.domain.post import Role
    from tchat_tui.ui.screens.main import TYPING_DRAIN
    from tests.factories import make_post

    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, len(CHAT))
        screen = screen_of(pilot)
        before = len(screen.stream.entries)
        fresh = [
            ChatPost(make_post(str(900 + i), f"late {i} #T"), Classification(Role.PARTICIPANT))
            for i in range(3)
        ]
        now = time.monotonic()
        screen._typed_at = now
        screen._drained_at = now
        app.session.runner.fresh.extend(fresh)
        screen._drain_tick()
        assert len(screen.stream.entries) == before  # typing: not yet
        screen._drained_at = now - TYPING_DRAIN - 0.01
        screen._drain_tick()
        assert len(screen.stream.entries) == before + 3  # overdue: all of it


async def test_trimming_the_window_keeps_the_view_and_the_cursor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Posts beyond `max_posts` are forgotten with their rows, without filtering the window again:
    the rows stay exactly the filtered entries, and a cursor off the newest post stays on its
    post (or the oldest one left, when its post left the window)."""
    import itertools
    import random
    from datetime import UTC, datetime, timedelta

    from textual.app import App, ComposeResult

    from tchat_tui.ui.stream_entry import StreamEntry, StreamFilter
    from tchat_tui.ui.widgets import stream as stream_module
    from tchat_tui.ui.widgets.stream import StreamPane

    monkeypatch.setattr(stream_module, "TRIM_STEP", 5)
    t0 = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    rng = random.Random(5)
    ids = itertools.count()

    def entry(i: int) -> StreamEntry:
        return StreamEntry(
            key=f"x:{i}",
            network="x",
            native_id=str(i),
            author_key=f"x:a{i % 7}",
            handle=f"a{i % 7}",
            name="A",
            role="guest" if i % 3 == 0 else "participant",
            text=f"post {i}",
            raw_text=f"post {i}",
            created_at=t0 + timedelta(seconds=i),
            starred=rng.random() < 0.3,
        )

    class PaneApp(App[None]):
        def compose(self) -> ComposeResult:
            yield StreamPane(max_posts=20, id="pane")

    app = PaneApp()
    async with app.run_test(size=(80, 12)) as pilot:
        pane = app.query_one(StreamPane)
        pane.muted.add("x:a5")
        for flt in (StreamFilter.ALL, StreamFilter.GUESTS, StreamFilter.STARRED):
            pane.stream_filter = flt
            await pilot.pause()
            for batch in range(12):
                if batch == 6 and len(pane.rows) > 3:
                    pane.cursor = len(pane.rows) - 3  # the host scrolls up a little
                    pane.follow = False
                    pane._announce()
                kept = pane.selected
                fresh = [entry(next(ids)) for _ in range(rng.randrange(1, 9))]
                pane.add(fresh)
                expected = [e for e in pane.entries if pane.shown(e)]
                assert pane.rows == expected
                assert len(pane.entries) <= 20 + 5
                if pane.follow:
                    assert pane.cursor == len(pane.rows) - 1
                elif kept is not None and kept in pane.rows:
                    assert pane.selected is kept
                else:
                    assert pane.cursor == (0 if pane.rows else -1)
            pane.follow = True


async def test_the_view_follows_the_newest_post_and_scrolls_to_the_cursor() -> None:
    """With more posts than lines, the newest post is on the view's last line while the cursor
    follows it, and moving the cursor out of the view scrolls the view to it. (The pane has no
    scrollbar, `overflow-y: hidden`, which makes Textual refuse a scroll unless it is forced: the
    view once stayed on the oldest posts while the cursor and the detail followed the newest.)"""
    from datetime import UTC, datetime, timedelta

    from textual.app import App, ComposeResult

    from tchat_tui.ui.stream_entry import StreamEntry
    from tchat_tui.ui.widgets.stream import StreamPane

    t0 = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)

    def entry(i: int) -> StreamEntry:
        return StreamEntry(
            key=f"x:{i}",
            network="x",
            native_id=str(i),
            author_key="x:a",
            handle="a",
            name="A",
            role="participant",
            text=f"post number {i}",
            raw_text=f"post number {i}",
            created_at=t0 + timedelta(seconds=i),
        )

    def visible(pane: StreamPane) -> list[str]:
        return [pane.render_line(y).text for y in range(pane.scrollable_content_region.height)]

    class PaneApp(App[None]):
        def compose(self) -> ComposeResult:
            yield StreamPane(id="pane")

    app = PaneApp()
    async with app.run_test(size=(60, 10)) as pilot:
        pane = app.query_one(StreamPane)
        height = pane.scrollable_content_region.height
        for start in (0, 30, 31):  # one batch, then one post, then one more
            pane.add([entry(i) for i in range(start, 30 if start == 0 else start + 1)])
            await pilot.pause()
            newest = len(pane.entries) - 1
            assert pane.follow and pane.cursor == newest
            lines = visible(pane)
            assert f"post number {newest}" in lines[-1]
            assert f"post number {newest - height + 1}" in lines[0]
        pane.focus()
        await pilot.press("home")
        assert pane.scroll_offset.y == 0 and "post number 0" in visible(pane)[0]
        await pilot.press("pagedown", "pagedown")
        assert pane.cursor > height
        lines = visible(pane)
        assert any(f"post number {pane.cursor}" in line for line in lines)
        await pilot.press("end")
        assert f"post number {len(pane.rows) - 1}" in visible(pane)[-1]


async def test_the_detail_follows_the_highlighted_post_at_once(make_app: Any) -> None:
    """While the cursor follows new posts, the detail shows the highlighted post as soon as the
    drain moves the cursor: r, s and h act on the highlighted post, so what the host reads in
    the detail must be that post (it used to lag by up to half a second)."""
    from tchat_tui.domain.chat_post import ChatPost
    from tchat_tui.domain.classify import Classification
    from tchat_tui.domain.post import Role
    from tchat_tui.ui.widgets.panes import PostDetail
    from tests.factories import make_post

    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, len(CHAT))
        screen = screen_of(pilot)
        detail = screen.query_one(PostDetail)
        for i in range(3):
            fresh = ChatPost(
                make_post(str(950 + i), f"fresh news {i} #T"), Classification(Role.PARTICIPANT)
            )
            app.session.runner.fresh.append(fresh)
            screen.drain()
            await pilot.pause()
            assert screen.stream.selected is not None
            assert screen.stream.selected.native_id == str(950 + i)
            shown = "".join(
                seg.text
                for y in range(detail.content_region.height)
                for seg in detail.render_line(y)
            )
            assert f"fresh news {i}" in shown


async def test_an_empty_filter_says_so_rather_than_no_posts_yet(make_app: Any) -> None:
    """A filter that shows nothing names itself and how to see everything again."""
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot, len(CHAT))
        screen = screen_of(pilot)
        screen.focus()
        await pilot.press("5")  # starred: nothing starred yet
        pane = screen.stream
        assert not pane.rows
        first = "".join(seg.text for seg in pane.render_line(0))
        second = "".join(seg.text for seg in pane.render_line(1))
        assert "No post here under the filter “starred”" in first
        assert "Press 1" in second


async def test_a_resize_keeps_the_newest_post_or_the_cursor_in_view(make_app: Any) -> None:
    """After the terminal shrinks, the highlighted post is still on screen (following: its last
    line on the view's last line; a wrapped post may be taller than this tiny view)."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, len(CHAT))
        pane = screen_of(pilot).stream
        await pilot.resize_terminal(70, 18)
        await pilot.pause()
        height = pane.scrollable_content_region.height
        top = int(pane.scroll_offset.y)
        start, lines = pane.lines.span(pane.cursor)  # wrapped: a post takes several lines
        assert pane.follow and start < top + height and top < start + lines  # on screen
        assert pane.cursor == len(pane.rows) - 1 and top + height == pane.lines.total
        pane.move_cursor(len(pane.rows) - 3)  # off the newest post
        await pilot.resize_terminal(70, 14)
        await pilot.pause()
        height = pane.scrollable_content_region.height
        top = int(pane.scroll_offset.y)
        start, lines = pane.lines.span(pane.cursor)
        assert start < top + height and top < start + lines
