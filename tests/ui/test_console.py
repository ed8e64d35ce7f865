"""Pilot tests of the console's main flows on a replayed chat in a temporary database."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tchat_tui.ui.app import ChatApp
from tchat_tui.ui.screens.main import MainScreen
from tchat_tui.ui.stream_entry import StreamEntry, StreamFilter
from tchat_tui.ui.stream_layout import stream_line
from tchat_tui.ui.widgets.stream import StreamPane
from tests.factories import make_post
from tests.ui.conftest import CHAT, opened, settle

ALL = len(CHAT)


def screen_of(pilot: Pilot[Any]) -> MainScreen:
    """The main screen."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def app_of(pilot: Pilot[Any]) -> ChatApp:
    """The console app."""
    assert isinstance(pilot.app, ChatApp)
    return pilot.app


async def select(pilot: Pilot[Any], native_id: str) -> StreamEntry:
    """Put the stream cursor on the post with this id."""
    pane = screen_of(pilot).stream
    index = next(i for i, e in enumerate(pane.rows) if e.native_id == native_id)
    pane.move_cursor(index)
    await pilot.pause()
    assert pane.selected is not None
    return pane.selected


async def wait_for(pilot: Pilot[Any], predicate: Any, timeout: float = 5.0) -> None:
    """Pause until `predicate()` holds."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def actions(app: ChatApp) -> list[tuple[str, str, str]]:
    """(moderator, action, target) of the stored actions, oldest first."""
    rows = app.session.store.actions(app.session.chat_id)
    return [(r["moderator"], r["action"], r["target"]) for r in reversed(rows)]


async def test_the_replayed_chat_is_stored_and_shown(make_app: Any) -> None:
    """Every replayed post is stored once and shown in the stream, oldest first."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        pane = screen_of(pilot).stream
        assert [e.native_id for e in pane.rows] == [str(n) for n in range(100, 114)]
        assert app.session.store.count_posts(app.session.chat_id) == ALL


async def test_reply_goes_through_the_dry_run_outbox(make_app: Any) -> None:
    """r on a post, type, Enter: the reply is stored with the tag and shown as ours, dry-run."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "104")
        await pilot.press("r")
        assert screen_of(pilot).composer.reply_to is not None
        await pilot.press(*"early nights")
        await pilot.press("enter")
        pane = screen_of(pilot).stream
        await wait_for(pilot, lambda: len(pane.entries) == ALL + 1)
        mine = pane.entries[-1]
        assert (mine.text, mine.dry_run, mine.outgoing) == ("early nights #T", True, True)
        row = app.session.store.post(mine.key)
        assert row is not None and row["reply_to_key"] == "x:104"
        outbox = app.session.store.outbox(app.session.chat_id)
        assert [(r["kind"], r["status"], r["moderator"]) for r in outbox] == [
            ("reply", "dry-run", "ana")
        ]


async def test_post_next_question(make_app: Any) -> None:
    """n puts `Qn: ... #tag` in the composer; sent, it becomes the current question."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        assert screen.feed.current_question == 2
        await pilot.press("n")
        assert screen.composer.draft.value == "Q3: "
        await pilot.press(*"Who helps the helpers?")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: screen.feed.current_question == 3 and len(screen.stream.entries) == ALL + 1,
        )
        q3 = screen.stream.entries[-1]
        assert (q3.question_number, q3.role, q3.text) == (
            3,
            "host",
            "Q3: Who helps the helpers? #T",
        )
        assert screen.stream.current_question == 3


async def test_pause_keeps_ingesting_and_counts_new_posts(make_app: Any) -> None:
    """While paused, posts are stored and counted as new; resuming shows them."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        await pilot.press("p")
        app.session.runner.posts(
            [
                make_post("200", "A2 time #T", "eve", minute=12),
                make_post("201", "A2 money #T", "fay", minute=13),
            ]
        )
        await wait_for(pilot, lambda: screen.held_count == 2)
        assert len(screen.stream.entries) == ALL
        assert app.session.store.count_posts(app.session.chat_id) == ALL + 2
        assert "PAUSED · 2 new" in screen.stream_title
        await pilot.press("p")
        assert [e.native_id for e in screen.stream.entries[-2:]] == ["200", "201"]
        assert "PAUSED" not in screen.stream_title


async def test_star_is_stored_with_the_moderator(make_app: Any) -> None:
    """s stars the selected post; the star and who set it are in the database."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await select(pilot, "102")
        await pilot.press("s")
        assert entry.starred
        row = app.session.store.post("x:102")
        assert row is not None and row["starred"] == 1
        assert actions(app)[-1] == ("ana", "star", "x:102")
        await pilot.press("5")
        assert [e.native_id for e in screen_of(pilot).stream.rows] == ["102"]


async def test_mute_removes_the_author_from_the_stream(make_app: Any) -> None:
    """m mutes the selected post's author: all their posts leave the stream, the mute is stored."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await select(pilot, "102")
        await pilot.press("m")
        shown = [e.native_id for e in screen_of(pilot).stream.rows]
        assert "102" not in shown and "109" not in shown and len(shown) == ALL - 2
        author = app.session.store.author(entry.author_key)
        assert author is not None and author["muted"] == 1
        assert actions(app)[-1] == ("ana", "mute", entry.author_key)


async def test_hide_removes_the_post(make_app: Any) -> None:
    """h hides the selected post only; the stored row is kept and marked."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "105")
        await pilot.press("h")
        shown = [e.native_id for e in screen_of(pilot).stream.rows]
        assert "105" not in shown and len(shown) == ALL - 1
        row = app.session.store.post("x:105")
        assert row is not None and row["hidden"] == 1


async def test_switch_moderator_with_one_key(make_app: Any) -> None:
    """ctrl+o hands over to the next moderator; later actions carry their name."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("ctrl+o")
        assert app.session.on_duty == "bob"
        await select(pilot, "107")
        await pilot.press("s")
        assert actions(app)[-2:] == [("bob", "on duty", "bob"), ("bob", "star", "x:107")]
        await pilot.press("ctrl+o")
        assert app.session.on_duty == "ana"


async def test_claim_and_answer_an_audience_question(make_app: Any) -> None:
    """c claims an audience question for the moderator on duty, d marks it answered."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await select(pilot, "104")
        assert entry.audience
        await pilot.press("c", "d")
        row = app.session.store.post("x:104")
        assert row is not None and (row["claimed_by"], row["answered"]) == ("ana", 1)
        assert entry in screen_of(pilot).feed.audience


@pytest.mark.parametrize(
    ("key", "flt", "shown"),
    [
        ("1", StreamFilter.ALL, [str(n) for n in range(100, 114)]),
        ("2", StreamFilter.TO_US, ["104", "111"]),
        ("3", StreamFilter.GUESTS, ["107"]),
        ("4", StreamFilter.CURRENT, ["108", "109", "110"]),
        ("5", StreamFilter.STARRED, []),
        ("6", StreamFilter.FLAGGED, ["112", "113"]),
    ],
)
async def test_filters(make_app: Any, key: str, flt: StreamFilter, shown: list[str]) -> None:
    """Each filter key shows exactly its kind of post."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press(key)
        pane = screen_of(pilot).stream
        assert pane.stream_filter is flt
        assert [e.native_id for e in pane.rows] == shown


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        (["x"] * 20, "over the X limit by"),
        (["ctrl+t", *"no tag here"], "missing the tag #T"),
    ],
)
async def test_send_is_blocked_with_the_reason(make_app: Any, keys: list[str], reason: str) -> None:
    """A draft over the limit, or without the tag, is not sent and says why."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.press("i")
        composer = screen_of(pilot).composer
        composer.draft.value = "x" * 270  # typed one key at a time below, past the limit
        await pilot.press(*keys, "enter")
        assert reason in composer.block_reason()
        assert composer.draft.value  # kept for editing
        assert app.session.store.outbox(app.session.chat_id) == []


async def test_restart_resumes_without_doubles(make_app: Any) -> None:
    """Quit and reopen on the same database: same posts, queue and question, nothing twice."""
    first = make_app()
    async with first.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await select(pilot, "102")
        await pilot.press("s")
        screen = screen_of(pilot)
        before = (
            [e.key for e in screen.stream.entries],
            screen.feed.current_question,
            [q.number for q in screen.feed.questions],
            [e.key for e in screen.feed.audience],
        )
    again = make_app()
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        await pilot.pause(0.3)  # the replay runs again: every post is already stored
        screen = screen_of(pilot)
        after = (
            [e.key for e in screen.stream.entries],
            screen.feed.current_question,
            [q.number for q in screen.feed.questions],
            [e.key for e in screen.feed.audience],
        )
        assert after == before
        assert screen.stream.by_key["x:102"].starred
        assert again.session.store.count_posts(again.session.chat_id) == ALL


async def test_post_text_is_shown_literally(make_app: Any) -> None:
    """Markup and escape characters in a post are shown as text, never interpreted."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = screen_of(pilot).stream.by_key["x:105"]
        plain = stream_line(entry).plain
        assert "[bold]not markup[/bold]" in plain
        assert "\x1b" not in plain and "\ufffd[31mnot red" in plain


async def test_every_binding_is_in_the_palette_and_the_help(make_app: Any) -> None:
    """The command palette offers every screen action; the help screen opens from F1. (alt+1..9
    are offered as the plan's templates, by name: tests/ui/test_templates.py; this chat has none.)"""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        screen = screen_of(pilot)
        palette_actions = {action for _, _, action in screen.palette_entries()}
        bound = {b.action for b in screen.BINDINGS if hasattr(b, "action")}
        assert {a for a in bound if not a.startswith("template_key(")} <= palette_actions
        keys = {k for b in screen.BINDINGS if hasattr(b, "key") for k in b.key.split(",")}
        assert not keys & {"ctrl+a", "ctrl+b"}
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"


async def test_no_source_still_opens_and_says_so(make_app: Any) -> None:
    """With no recorded stream the console opens on an empty stream that says why."""
    app = make_app(replay=None, dry_run=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        await pilot.pause(0.2)
        pane = screen_of(pilot).stream
        assert pane.entries == [] and isinstance(pane, StreamPane)
        assert "dry-run" in pane.empty_note


async def test_allow_clears_a_flag_and_is_stored(make_app: Any) -> None:
    """a on a flagged post allows it: the decision is stored and the flagged filter drops it."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await select(pilot, "112")
        assert entry.flagged and entry.promo_reasons
        await pilot.press("a")
        assert not entry.flagged
        assert actions(app)[-1] == ("ana", "allow", "x:112")
        await pilot.press("6")
        assert [e.native_id for e in screen_of(pilot).stream.rows] == ["113"]


async def test_author_card_saves_a_note(make_app: Any) -> None:
    """Enter opens the author card; a note typed there is stored with the moderator's name."""
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot, ALL)
        entry = await select(pilot, "113")
        await pilot.press("enter")
        assert type(app.screen).__name__ == "AuthorCard"
        await pilot.click("#note")
        await pilot.press(*"sells coaching", "enter")
        assert type(app.screen).__name__ == "MainScreen"
        author = app.session.store.author(entry.author_key)
        assert author is not None and author["notes"] == "sells coaching"
        assert actions(app)[-1] == ("ana", "note", entry.author_key)


async def test_no_network_configured_says_dry_run_in_the_header(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials and no recording: the header says sending is a dry run in a few words;
    how to connect a network is in the empty stream, where there is room for it."""
    from textual.widgets import Static

    from tchat_tui.clients import credentials
    from tchat_tui.ui.widgets.panes import ChatHeader

    monkeypatch.setattr(credentials, "load_credentials", lambda *a, **k: {})
    app = make_app(replay=None, dry_run=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await opened(pilot)
        await pilot.pause(0.3)
        screen = screen_of(pilot)
        screen.refresh_panes()
        await pilot.pause()
        header = screen.query_one(ChatHeader)
        assert isinstance(header, Static)
        top = "".join(seg.text for seg in header.render_line(0))
        assert "no network configured: dry-run" in top
        assert "TCHAT_X_BEARER_TOKEN" in screen.stream.empty_note
        assert "--demo" in screen.stream.empty_note
